//go:build linux

package registry

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/registry/registrytest"
)

// push writes a small random image to host/repo under each tag, as docker
// push would.
func push(t *testing.T, r *registrytest.Registry, repo string, tags ...string) {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	auth := authn.Anonymous
	if r.User != "" {
		auth = &authn.Basic{Username: r.User, Password: r.Password}
	}
	for _, tag := range tags {
		ref, err := name.NewTag(r.Host + "/" + repo + ":" + tag)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img, remote.WithAuth(auth)); err != nil {
			t.Fatalf("pushing %s: %v", ref, err)
		}
	}
}

var lainTags = []string{"1700000000-" + strings.Repeat("a", 40), "1800000000-" + strings.Repeat("b", 40), "1750000000-" + strings.Repeat("c", 40)}

// Registry v2 without auth: the lab registry's kind.
func TestV2ListsAndChecksTagsOfARealRegistry(t *testing.T) {
	reg := registrytest.Start(t, "", "")
	push(t, reg, "team/shop", append(lainTags, "latest", "prepare")...)
	c := ForCluster(clusterconfig.Values{Registry: reg.Host + "/team"}, Options{Getenv: env(map[string]string{"HOME": t.TempDir()})})
	ctx := context.Background()

	tags, err := c.Tags(ctx, "shop")
	sort.Strings(tags)
	if err != nil || len(tags) != 5 {
		t.Fatalf("%v %v", tags, err)
	}
	recent, err := Recent(ctx, c, "shop", 2)
	if want := []string{lainTags[1], lainTags[2]}; err != nil || !reflect.DeepEqual(recent, want) {
		t.Fatalf("recent %v %v", recent, err)
	}
	if ok, err := c.Exists(ctx, "shop", lainTags[0]); !ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	if ok, err := c.Exists(ctx, "shop", "1900000000-nope"); ok || err != nil {
		t.Fatalf("missing tag: %v %v", ok, err)
	}
	// An app that never pushed: no tags, no error.
	if tags, err := c.Tags(ctx, "never-pushed"); len(tags) != 0 || err != nil {
		t.Fatalf("never pushed: %v %v", tags, err)
	}
	if ok, err := c.Exists(ctx, "never-pushed", "latest"); ok || err != nil {
		t.Fatalf("never pushed: %v %v", ok, err)
	}
	if c.Host() != reg.Host {
		t.Fatal(c.Host())
	}
}

// Registry v2 with htpasswd auth: refused without docker login, accepted
// with what docker login saves (config.json) and with a credential helper.
func TestV2UsesDockersCredentials(t *testing.T) {
	reg := registrytest.Start(t, "lain", "s3cret-pass")
	push(t, reg, "team/shop", lainTags...)
	ctx := context.Background()

	noLogin := ForCluster(clusterconfig.Values{Registry: reg.Host + "/team"}, Options{Getenv: env(map[string]string{"HOME": t.TempDir()})})
	_, err := noLogin.Tags(ctx, "shop")
	if !NotLoggedIn(err) {
		t.Fatalf("want a refusal, got %v", err)
	}
	got := clierr.Format(err)
	if !strings.Contains(got, "the registry "+reg.Host+" refused (401 UNAUTHORIZED): you are not logged in") ||
		!strings.HasSuffix(got, "  next: docker login "+reg.Host+"\n") {
		t.Fatal(got)
	}
	if _, err := noLogin.Exists(ctx, "shop", lainTags[0]); !NotLoggedIn(err) {
		t.Fatalf("exists without login: %v", err)
	}

	home := t.TempDir()
	reg.DockerConfig(t, filepath.Join(home, ".docker"))
	loggedIn := ForCluster(clusterconfig.Values{Registry: reg.Host + "/team"}, Options{Getenv: env(map[string]string{"HOME": home})})
	if tags, err := Recent(ctx, loggedIn, "shop", 0); err != nil || len(tags) != 3 || tags[0] != lainTags[1] {
		t.Fatalf("with config.json: %v %v", tags, err)
	}

	// DOCKER_CONFIG wins over HOME, as for docker.
	cfgDir := t.TempDir()
	bin := t.TempDir()
	reg.CredentialHelper(t, cfgDir, bin, "laintest")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH")) // helpers are found on PATH
	helper := ForCluster(clusterconfig.Values{Registry: reg.Host + "/team"}, Options{Getenv: env(map[string]string{"HOME": t.TempDir(), "DOCKER_CONFIG": cfgDir})})
	if ok, err := helper.Exists(ctx, "shop", lainTags[2]); !ok || err != nil {
		t.Fatalf("with a credential helper: %v %v", ok, err)
	}
}

func TestV2ExplainsAnUnreachableRegistry(t *testing.T) {
	c := ForCluster(clusterconfig.Values{Registry: "127.0.0.1:1/team"}, Options{Getenv: env(nil)})
	_, err := c.Tags(context.Background(), "shop")
	got := clierr.Format(err)
	if !strings.Contains(got, "listing the tags of 127.0.0.1:1/team/shop: cannot reach the registry 127.0.0.1:1") || !strings.Contains(got, "docker login 127.0.0.1:1 tests the connection") {
		t.Fatal(got)
	}
}

func TestV2ExplainsATimeout(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	c := ForCluster(clusterconfig.Values{Registry: srv + "/team"}, Options{Getenv: env(nil), Timeout: 200 * 1e6})
	_, err := c.Tags(context.Background(), "shop")
	got := clierr.Format(err)
	if !strings.Contains(got, "the registry "+srv+" did not answer in time") || !strings.Contains(got, "docker login "+srv) {
		t.Fatal(got)
	}
}
