package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
)

// cachedApp is an app with a chart, a cluster values file and a fake helm
// binary (only its identity matters: the Recorder answers for helm).
func cachedApp(t *testing.T) (*Target, *runner.Recorder, string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, s string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/chart/values.yaml", "appname: shop\n")
	write("app/chart/Chart.yaml", "name: shop\n")
	write("app/chart/templates/a.yaml", "kind: A\n")
	write("cluster.yaml", "registry: r\n")
	write("bin/helm", "\x7fELF a helm\n")
	a, err := app.Load(filepath.Join(dir, "app"))
	if err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: filepath.Join(dir, "cache"), Version: "test",
		LookPath: func(string) (string, error) { return filepath.Join(dir, "bin/helm"), nil }}
	rec := &runner.Recorder{}
	rec.On("helm template", "---\nkind: A\n", 0)
	return &Target{App: a, Helm: helmargs.Options{Cluster: "lab", ImageTag: "1", ClusterValues: filepath.Join(dir, "cluster.yaml")}, cache: cache}, rec, dir
}

func helmRuns(rec *runner.Recorder) int {
	n := 0
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "helm template") {
			n++
		}
	}
	return n
}

// A second render of the same inputs comes from the cache, said under
// --verbose; any changed input renders again.
func TestRenderCacheHitsAndMisses(t *testing.T) {
	tg, rec, dir := cachedApp(t)
	ctx := context.Background()
	render := func(want int, extra ...string) {
		t.Helper()
		out, err := tg.Render(ctx, rec, "", extra...)
		if err != nil || string(out) != "---\nkind: A\n" {
			t.Fatalf("%q %v", out, err)
		}
		if got := helmRuns(rec); got != want {
			t.Fatalf("helm template ran %d times, want %d\n%s", got, want, rec)
		}
	}
	render(1)
	render(1)
	if len(rec.Notes) != 1 || !strings.HasPrefix(rec.Notes[0], "render from lain's cache (key ") || !strings.Contains(rec.Notes[0], "the same as: helm template shop ./chart --set") {
		t.Fatalf("%q", rec.Notes)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "cache", "render"))
	if info, _ := entries[0].Info(); len(entries) != 1 || info.Mode().Perm() != 0o600 {
		t.Fatalf("%v", entries)
	}
	// The cluster values are a new temp file each run: only content counts.
	b, _ := os.ReadFile(tg.Helm.ClusterValues)
	renamed := filepath.Join(dir, "cluster-2.yaml")
	os.WriteFile(renamed, b, 0o600)
	tg.Helm.ClusterValues = renamed
	render(1)

	runs := 1
	change := func(name string, f func()) {
		t.Helper()
		f()
		runs++
		render(runs)
		render(runs) // and the new render is cached in turn
	}
	appendTo := func(p, s string) {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	change("template", func() { appendTo(filepath.Join(dir, "app/chart/templates/a.yaml"), " ") })
	change("new chart file", func() { os.WriteFile(filepath.Join(dir, "app/chart/templates/b.yaml"), nil, 0o644) })
	change("values", func() { appendTo(renamed, "#") })
	change("helm", func() { appendTo(filepath.Join(dir, "bin/helm"), "#") })
	change("lain", func() { tg.cache.Version = "test2" })
	change("image tag", func() { tg.Helm.ImageTag = "2" })
	runs++
	render(runs, "--set", "x=1")
	render(runs, "--set", "x=1")

	// A corrupt or truncated entry is a miss, and is written again.
	entries, _ = os.ReadDir(filepath.Join(dir, "cache", "render"))
	if len(entries) > cacheEntries {
		t.Fatalf("%d entries kept", len(entries))
	}
	for _, e := range entries {
		p := filepath.Join(dir, "cache", "render", e.Name())
		b, _ := os.ReadFile(p)
		os.WriteFile(p, append(b[:len(b)-2], 'X', '\n'), 0o600)
	}
	runs++
	render(runs, "--set", "x=1")
	render(runs, "--set", "x=1")
	for _, e := range entries {
		os.WriteFile(filepath.Join(dir, "cache", "render", e.Name()), []byte("lain-render-cache v1 "), 0o600)
	}
	runs++
	render(runs, "--set", "x=1")
}

// An input the key cannot cover caches nothing: helm renders every time
// (no helm found, a link to a directory helm would follow).
func TestRenderCacheOffWhenAnInputIsUnreadable(t *testing.T) {
	for name, spoil := range map[string]func(*Target, string){
		"no helm": func(tg *Target, _ string) {
			tg.cache.LookPath = func(string) (string, error) { return "", os.ErrNotExist }
		},
		"linked dir": func(_ *Target, dir string) {
			os.MkdirAll(filepath.Join(dir, "shared"), 0o755)
			os.Symlink(filepath.Join(dir, "shared"), filepath.Join(dir, "app/chart/files"))
		},
	} {
		tg, rec, dir := cachedApp(t)
		spoil(tg, dir)
		for i := 1; i <= 2; i++ {
			if _, err := tg.Render(context.Background(), rec, ""); err != nil || helmRuns(rec) != i {
				t.Fatal(name, err, rec)
			}
		}
	}
}

// A render whose --set holds a secret is never kept on disk: the manifest
// would hold the secret in the clear, long after the deploy.
func TestRenderCacheKeepsNoSecret(t *testing.T) {
	tg, rec, dir := cachedApp(t)
	for i := 1; i <= 2; i++ {
		if _, err := tg.Render(context.Background(), rec, "", "--set", "env.API_TOKEN=s3cr3t-value"); err != nil || helmRuns(rec) != i {
			t.Fatal(err, rec)
		}
	}
	filepath.WalkDir(filepath.Join(dir, "cache"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("kept: %s", p)
		}
		return nil
	})
	// A plain --set is cached as before.
	for i := 0; i < 2; i++ {
		tg.Render(context.Background(), rec, "", "--set", "deployments.web.replicaCount=2")
	}
	if helmRuns(rec) != 3 {
		t.Errorf("plain --set: %d helm runs, want 3", helmRuns(rec))
	}
}
