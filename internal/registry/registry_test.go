package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
)

// newServer serves h on 127.0.0.1 and returns its host:port.
func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestSortRecentPutsLainTagsNewestFirst(t *testing.T) {
	tags := []string{"latest", "1700000000-aaaaaaa", "prepare", "v1.2", "1800000000-bbbbbbb", "1750000000-ccccccc", "prepare-old"}
	if got := SortRecent(tags, 0); !reflect.DeepEqual(got, []string{"1800000000-bbbbbbb", "1750000000-ccccccc", "1700000000-aaaaaaa", "latest", "v1.2"}) {
		t.Fatal(got)
	}
	if got := SortRecent(tags, 2); !reflect.DeepEqual(got, []string{"1800000000-bbbbbbb", "1750000000-ccccccc"}) {
		t.Fatal(got)
	}
	if got := SortRecent(nil, 3); len(got) != 0 {
		t.Fatal(got)
	}
}

func TestForClusterPicksTheAPIByRegistryType(t *testing.T) {
	for typ, want := range map[string]string{"": "*registry.v2", "registry": "*registry.v2", "aliyun": "*registry.v2", "tencent": "*registry.v2", "harbor": "*registry.harbor"} {
		c := ForCluster(clusterconfig.Values{Registry: "r.example.com/team", RegistryType: typ}, Options{})
		if got := reflect.TypeOf(c).String(); got != want {
			t.Errorf("%q: %s", typ, got)
		}
	}
}

func TestHostIsWhatDockerLoginTakes(t *testing.T) {
	for registry, want := range map[string]string{
		"docker.io/acme": "docker.io", "acme": "docker.io", "127.0.0.1:5000/lain": "127.0.0.1:5000",
		"registry.cn-hangzhou.aliyuncs.com/team": "registry.cn-hangzhou.aliyuncs.com", "localhost/x": "localhost",
	} {
		if got := ForCluster(clusterconfig.Values{Registry: registry}, Options{}).Host(); got != want {
			t.Errorf("%s: %s", registry, got)
		}
	}
}

// Docker Hub's token flow: the registry answers 401 with a Bearer
// challenge, the token service takes the docker login credentials (saved
// under https://index.docker.io/v1/) and hands out a token for the
// repository's scope, and the registry accepts that token. The requests for
// index.docker.io and auth.docker.io go to a local server standing in for
// both.
func TestV2FollowsDockerHubsTokenFlow(t *testing.T) {
	var scopes []string
	var srvHost string
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "hubuser" || pass != "hubpass" || r.URL.Query().Get("service") != "registry.docker.io" {
			http.Error(w, `{"details":"incorrect username or password"}`, http.StatusUnauthorized)
			return
		}
		scopes = append(scopes, r.URL.Query().Get("scope"))
		json.NewEncoder(w).Encode(map[string]string{"token": "hub-token", "access_token": "hub-token"})
	})
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer hub-token" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`)
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": "UNAUTHORIZED", "message": "authentication required"}}})
			return
		}
		switch r.URL.Path {
		case "/v2/":
			w.WriteHeader(http.StatusOK)
		case "/v2/acme/shop/tags/list":
			json.NewEncoder(w).Encode(map[string]any{"name": "acme/shop", "tags": []string{"1700000000-aaaaaaa", "latest"}})
		default:
			http.NotFound(w, r)
		}
	})
	srvHost = newServer(t, mux)
	hubToLocal := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		switch r.URL.Host {
		case "index.docker.io", "registry-1.docker.io", "auth.docker.io":
			r = r.Clone(r.Context())
			r.URL.Scheme, r.URL.Host = "http", srvHost
		default:
			t.Errorf("request to %s", r.URL)
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	home := t.TempDir()
	writeConfig(t, filepath.Join(home, ".docker", "config.json"), map[string]any{"auths": map[string]any{
		"https://index.docker.io/v1/": map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte("hubuser:hubpass"))},
	}})
	c := ForCluster(clusterconfig.Values{Registry: "docker.io/acme"}, Options{Transport: hubToLocal, Getenv: env(map[string]string{"HOME": home})})
	tags, err := c.Tags(context.Background(), "shop")
	if err != nil || !reflect.DeepEqual(tags, []string{"1700000000-aaaaaaa", "latest"}) {
		t.Fatalf("%v %v", tags, clierr.Format(err))
	}
	if len(scopes) == 0 || scopes[0] != "repository:acme/shop:pull" {
		t.Fatalf("token scopes %v", scopes)
	}
	if c.Host() != "docker.io" {
		t.Fatal(c.Host())
	}
	// Without docker login, the token service refuses: lain says to log in.
	anon := ForCluster(clusterconfig.Values{Registry: "docker.io/acme"}, Options{Transport: hubToLocal, Getenv: env(map[string]string{"HOME": t.TempDir()})})
	_, err = anon.Tags(context.Background(), "shop")
	if got := clierr.Format(err); !strings.HasSuffix(got, "next: docker login docker.io\n") {
		t.Fatal(got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func writeConfig(t *testing.T, path string, v any) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o700)
	b, _ := json.Marshal(v)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A registry that pages tags/list (Link: <...>; rel="next"), as Docker Hub
// and distribution do for long lists.
func TestV2FollowsTagPages(t *testing.T) {
	pages := map[string]string{"": `{"tags":["a","b"]}`, "b": `{"tags":["c"]}`}
	var seen []string
	host := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			return
		}
		last := r.URL.Query().Get("last")
		seen = append(seen, r.URL.RawQuery)
		if last == "" {
			w.Header().Set("Link", `</v2/team/shop/tags/list?n=2&last=b>; rel="next"`)
		}
		w.Write([]byte(pages[last]))
	}))
	c := ForCluster(clusterconfig.Values{Registry: host + "/team"}, Options{Getenv: env(nil)})
	tags, err := c.Tags(context.Background(), "shop")
	if err != nil || strings.Join(tags, ",") != "a,b,c" || strings.Join(seen, " ") != "n=1000 n=2&last=b" {
		t.Fatal(tags, err, seen)
	}
}
