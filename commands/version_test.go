package commands

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
)

// fakeV2 is a Registry HTTP API v2 with one repository, t/shop, and its tags.
func fakeV2(t *testing.T, tags ...string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/":
		case "/v2/t/shop/tags/list":
			json.NewEncoder(w).Encode(map[string]any{"name": "t/shop", "tags": tags})
		default:
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}}})
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

var versionTags = []string{"latest", "prepare", "1700000000-aaaaaaa", "1800000000-bbbbbbb", "1750000000-ccccccc"}

func TestVersionListsRecentTagsAndMarksTheDeployedOne(t *testing.T) {
	host := fakeV2(t, versionTags...)
	env, rec, out, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues, "chart/values-test.yaml": "registry: " + host + "/t\n"})
	rec.On("helm get values shop -o json", `{"cluster":"test","imageTag":"1750000000-ccccccc"}`, 0)
	if err := runVersion(context.Background(), &VersionOptions{ImageEnv: env, Version: "1.2.3", Count: 3}); err != nil {
		t.Fatal(clierr.Format(err))
	}
	want := "lain 1.2.3\n lain deploy --set imageTag=1800000000-bbbbbbb\n lain deploy --set imageTag=1750000000-ccccccc   # deployed on test\n lain deploy --set imageTag=1700000000-aaaaaaa\n"
	if out.String() != want {
		t.Fatalf("got:\n%s", out)
	}
	if errOut.String() != "recent images of "+host+"/t/shop, newest first:\n" {
		t.Fatal(errOut.String())
	}
	// Deployed, but older than the tags shown.
	out.Reset()
	errOut.Reset()
	runVersion(context.Background(), &VersionOptions{ImageEnv: env, Version: "1.2.3", Count: 1})
	if !strings.Contains(errOut.String(), "deployed on test: 1750000000-ccccccc (not among these)") {
		t.Fatal(errOut.String())
	}
}

func TestVersionOutsideAnAppAndBeforeAnyPush(t *testing.T) {
	env, _, out, _ := newImageEnv(t, nil)
	env.Dir = t.TempDir()
	if err := runVersion(context.Background(), &VersionOptions{ImageEnv: env, Version: "1.2.3", Count: 10}); err != nil || out.String() != "lain 1.2.3\n" {
		t.Fatal(out.String(), err)
	}
	host := fakeV2(t)
	env, _, out, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": strings.Replace(shopValues, "appname: shop", "appname: blog", 1), "chart/values-test.yaml": "registry: " + host + "/t\n"})
	if err := runVersion(context.Background(), &VersionOptions{ImageEnv: env, Version: "1.2.3", Count: 10}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "lain 1.2.3\n" || !strings.Contains(errOut.String(), "no images of "+host+"/t/blog in the registry yet (lain build --push makes one)") {
		t.Fatal(out.String(), errOut.String())
	}
}

// Tab after --set imageTag= offers the registry's recent tags: the whole
// path from cobra's __complete through the current cluster's config to the
// registry.
func TestSetImageTagCompletesFromTheRegistry(t *testing.T) {
	host := fakeV2(t, versionTags...)
	cv := t.TempDir()
	os.WriteFile(filepath.Join(cv, "values-test.yaml"), []byte("registry: "+host+"/t\n"), 0o644)
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".kube"), 0o755)
	os.WriteFile(filepath.Join(home, ".kube", "kubeconfig-test"), []byte("# test\n"), 0o600)
	os.Symlink(filepath.Join(home, ".kube", "kubeconfig-test"), filepath.Join(home, ".kube", "config"))
	t.Chdir(newApp(t, map[string]string{"chart/values.yaml": shopValues}))

	complete := func(args ...string) string {
		f, out, errOut, _ := testFactory(map[string]string{"HOME": home, "CLUSTER_VALUES_DIR": cv})
		root := NewRootCmd(f)
		root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
		root.SetOut(out)
		root.SetErr(errOut)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	got := complete("template", "--set", "imageTag=1")
	if !strings.HasPrefix(got, "imageTag=1800000000-bbbbbbb\nimageTag=1750000000-ccccccc\nimageTag=1700000000-aaaaaaa\n:36\n") {
		t.Fatalf("got:\n%s", got)
	}
	if got := complete("template", "--set", "ima"); !strings.HasPrefix(got, "imageTag=\n:6\n") {
		t.Fatalf("got:\n%s", got)
	}
}
