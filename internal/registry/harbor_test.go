package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
)

// fakeHarbor answers the Harbor v2.0 API endpoints lain uses, as documented
// in Harbor's swagger (api/v2.0/swagger.yaml): listArtifacts
// (GET /projects/{project_name}/repositories/{repository_name}/artifacts,
// with page, page_size, with_tag, the X-Total-Count and Link headers) and
// getArtifact (GET .../artifacts/{reference}, reference a tag or digest),
// repository names with a slash URL-encoded twice, basic auth, and errors
// as {"errors":[{"code","message"}]}.
type fakeHarbor struct {
	user, pass string
	// repos maps "project/repository" to its artifacts' tags.
	repos    map[string][][]string
	requests []string
}

type artifactJSON struct {
	ID     int       `json:"id"`
	Digest string    `json:"digest"`
	Tags   []tagJSON `json:"tags"`
}

type tagJSON struct {
	Name       string `json:"name"`
	ArtifactID int    `json:"artifact_id"`
}

func harborError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

func (h *fakeHarbor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests = append(h.requests, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
	if user, pass, ok := r.BasicAuth(); !ok || user != h.user || pass != h.pass {
		harborError(w, http.StatusUnauthorized, "UNAUTHORIZED", "unauthorized")
		return
	}
	// /api/v2.0/projects/{p}/repositories/{r}/artifacts[/{reference}], on
	// the escaped path: {r} arrives encoded once more than it is.
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/api/v2.0/"), "/")
	if len(parts) < 5 || parts[0] != "projects" || parts[2] != "repositories" || parts[4] != "artifacts" || r.Method != http.MethodGet {
		harborError(w, http.StatusNotFound, "NOT_FOUND", "no such endpoint")
		return
	}
	repo := strings.ReplaceAll(parts[3], "%252F", "/")
	arts, ok := h.repos[parts[1]+"/"+repo]
	if !ok {
		harborError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("repository %s/%s not found", parts[1], repo))
		return
	}
	all := make([]artifactJSON, len(arts))
	for i, tags := range arts {
		all[i] = artifactJSON{ID: i + 1, Digest: fmt.Sprintf("sha256:%064d", i)}
		for _, tg := range tags {
			all[i].Tags = append(all[i].Tags, tagJSON{Name: tg, ArtifactID: i + 1})
		}
	}
	if len(parts) == 6 { // getArtifact
		for _, a := range all {
			for _, tg := range a.Tags {
				if tg.Name == parts[5] || a.Digest == parts[5] {
					json.NewEncoder(w).Encode(a)
					return
				}
			}
		}
		harborError(w, http.StatusNotFound, "NOT_FOUND", "artifact "+parts[5]+" not found")
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
	if page < 1 {
		page = 1
	}
	if size < 1 || size > 100 {
		size = 10 // Harbor's default page size
	}
	start, end := (page-1)*size, page*size
	start, end = min(start, len(all)), min(end, len(all))
	w.Header().Set("X-Total-Count", strconv.Itoa(len(all)))
	if end < len(all) {
		w.Header().Set("Link", fmt.Sprintf(`<%s?page=%d&page_size=%d>; rel="next"`, r.URL.Path, page+1, size))
	}
	out := all[start:end]
	if r.URL.Query().Get("with_tag") == "false" {
		for i := range out {
			out[i].Tags = nil
		}
	}
	json.NewEncoder(w).Encode(out)
}

func newFakeHarbor(t *testing.T) (*fakeHarbor, string) {
	h := &fakeHarbor{user: "robot$lain", pass: "Harbor12345", repos: map[string][][]string{}}
	var shop [][]string
	for i := 0; i < 150; i++ { // more than one page of 100
		shop = append(shop, []string{fmt.Sprintf("17%08d-%07x", i, i)})
	}
	shop = append(shop, []string{"latest", "1799999999-fffffff"}, nil, []string{"prepare"})
	h.repos["team/shop"] = shop
	h.repos["team/web/blog"] = [][]string{{"1700000001-abcdef0"}}
	return h, newServer(t, h)
}

func TestHarborListsTagsThroughItsAPI(t *testing.T) {
	h, host := newFakeHarbor(t)
	for _, token := range []string{"robot$lain:Harbor12345", base64.StdEncoding.EncodeToString([]byte("robot$lain:Harbor12345"))} {
		c := ForCluster(clusterconfig.Values{Registry: host + "/team", RegistryType: "harbor", HarborToken: token}, Options{Getenv: env(nil)})
		tags, err := c.Tags(context.Background(), "shop")
		if err != nil || len(tags) != 153 {
			t.Fatalf("token %q: %d tags, %v", token, len(tags), clierr.Format(err))
		}
		recent := SortRecent(tags, 3)
		if want := []string{"1799999999-fffffff", "1700000149-0000095", "1700000148-0000094"}; strings.Join(recent, " ") != strings.Join(want, " ") {
			t.Fatalf("recent %v", recent)
		}
	}
	if want := "/api/v2.0/projects/team/repositories/shop/artifacts?with_tag=true&page=2&page_size=100"; !contains(h.requests, want) {
		t.Fatalf("no second page: %v", h.requests)
	}
}

func TestHarborChecksATagAndEncodesNestedRepositories(t *testing.T) {
	h, host := newFakeHarbor(t)
	ctx := context.Background()
	c := ForCluster(clusterconfig.Values{Registry: host + "/team", RegistryType: "harbor", HarborToken: "robot$lain:Harbor12345"}, Options{Getenv: env(nil)})
	if ok, err := c.Exists(ctx, "shop", "1799999999-fffffff"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := c.Exists(ctx, "shop", "1800000000-0000000"); ok || err != nil {
		t.Fatal(ok, err)
	}
	// Nothing pushed yet: no tags, and no error.
	if tags, err := c.Tags(ctx, "never-pushed"); len(tags) != 0 || err != nil {
		t.Fatal(tags, err)
	}
	nested := ForCluster(clusterconfig.Values{Registry: host + "/team/web", RegistryType: "harbor", HarborToken: "robot$lain:Harbor12345"}, Options{Getenv: env(nil)})
	if tags, err := nested.Tags(ctx, "blog"); err != nil || len(tags) != 1 {
		t.Fatal(tags, err)
	}
	if want := "/api/v2.0/projects/team/repositories/web%252Fblog/artifacts?with_tag=true&page=1&page_size=100"; !contains(h.requests, want) {
		t.Fatalf("repository not encoded twice: %v", h.requests)
	}
}

func TestHarborFallsBackToDockerLoginAndExplainsRefusals(t *testing.T) {
	_, host := newFakeHarbor(t)
	ctx := context.Background()
	home := t.TempDir()
	writeConfig(t, filepath.Join(home, ".docker", "config.json"), map[string]any{"auths": map[string]any{
		host: map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte("robot$lain:Harbor12345"))},
	}})
	viaDocker := ForCluster(clusterconfig.Values{Registry: host + "/team", RegistryType: "harbor"}, Options{Getenv: env(map[string]string{"HOME": home})})
	if ok, err := viaDocker.Exists(ctx, "shop", "latest"); !ok || err != nil {
		t.Fatal(ok, err)
	}

	anon := ForCluster(clusterconfig.Values{Registry: host + "/team", RegistryType: "harbor"}, Options{Getenv: env(map[string]string{"HOME": t.TempDir()})})
	_, err := anon.Tags(ctx, "shop")
	if got := clierr.Format(err); !strings.Contains(got, "the registry "+host+" refused (401 Unauthorized: UNAUTHORIZED: unauthorized): you are not logged in") ||
		!strings.HasSuffix(got, "next: docker login "+host+"\n") {
		t.Fatal(got)
	}
	badToken := ForCluster(clusterconfig.Values{Registry: host + "/team", RegistryType: "harbor", HarborToken: "robot$lain:wrong"}, Options{Getenv: env(nil)})
	_, err = badToken.Tags(ctx, "shop")
	if got := clierr.Format(err); !strings.Contains(got, "Harbor at "+host+" refused the harbor_token of the cluster values") || !strings.Contains(got, "next: ask your admin to renew harbor_token") {
		t.Fatal(got)
	}
	noProject := ForCluster(clusterconfig.Values{Registry: host, RegistryType: "harbor"}, Options{Getenv: env(nil)})
	if _, err := noProject.Tags(ctx, "shop"); !strings.Contains(clierr.Format(err), "registry_type harbor needs registry: <harbor host>/<project>") {
		t.Fatal(clierr.Format(err))
	}
}

func contains(list []string, s string) bool {
	sort.Strings(list)
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
