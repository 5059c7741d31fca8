package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A stand-in Harbor: its project API (with the robot's basic auth) in
// front of an in-memory Registry v2 (go-containerregistry's).
// Deleted gets the path of each DELETE.
func fakeHarbor(t *testing.T, deleted *[]string) (host string) {
	t.Helper()
	v2 := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			*deleted = append(*deleted, r.URL.Path)
		}
		if !strings.HasPrefix(r.URL.Path, "/api/v2.0/") {
			v2.ServeHTTP(w, r)
			return
		}
		if u, p, ok := r.BasicAuth(); !ok || u != "robot$lain" || p != "s3cret" {
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"unauthorized"}]}`, http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/api/v2.0/projects/team/repositories" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `[{"name":"team/shop"},{"name":"team/web"}]`)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func push(t *testing.T, ref string) {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func TestHarborCleanup(t *testing.T) {
	var deleted []string
	host := fakeHarbor(t, &deleted)
	for i := 1; i <= 4; i++ {
		push(t, fmt.Sprintf("%s/team/shop:170000000%d-abcdef0", host, i))
	}
	push(t, host+"/team/shop:prepare")
	push(t, host+"/other/x:1")
	ctx := context.Background()
	token := base64.StdEncoding.EncodeToString([]byte("robot$lain:s3cret"))
	r := Registry{Prefix: host + "/team", Harbor: true, HarborToken: token}

	repos, err := r.Repositories(ctx)
	if err != nil || strings.Join(repos, " ") != "team/shop team/web" {
		t.Fatalf("repositories %v %v", repos, err)
	}
	tags, err := r.Tags(ctx, "team/shop")
	if err != nil {
		t.Fatal(err)
	}
	old, kept := OldTags("team/shop", tags, 2, InUse{Tags: map[string]bool{"team/shop:1700000001-abcdef0": true}})
	dels, _, err := PlanDeletions(ctx, r, "team/shop", old, kept, InUse{})
	if err != nil || len(dels) != 1 || dels[0].Tags[0] != "1700000002-abcdef0" {
		t.Fatalf("plan %v %v", dels, err)
	}
	if err := r.Delete(ctx, "team/shop", dels[0].Digest); err != nil {
		t.Fatal(err)
	}
	// (The in-memory registry keeps tags of a deleted digest listed;
	// Distribution and Harbor drop them. The request is what is checked.)
	if want := "/v2/team/shop/manifests/" + dels[0].Digest; len(deleted) != 1 || deleted[0] != want {
		t.Errorf("deleted %v, want %s", deleted, want)
	}
	if !strings.HasPrefix(dels[0].Digest, "sha256:") {
		t.Errorf("digest %q", dels[0].Digest)
	}

	bad := Registry{Prefix: host + "/team", Harbor: true, HarborToken: "robot$lain:wrong"}
	if _, err := bad.Repositories(ctx); err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED") {
		t.Errorf("a wrong harbor_token: %v", err)
	}
	noProject := Registry{Prefix: host, Harbor: true}
	if _, err := noProject.Repositories(ctx); err == nil || !strings.Contains(err.Error(), "<harbor host>/<project>") {
		t.Errorf("no project: %v", err)
	}
}
