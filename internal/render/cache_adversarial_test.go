package render

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/chart/charttest"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
)

// realChart shows in its render everything an attack could change: the
// namespace helm takes from the kubeconfig, every file helm loads (and
// one's content), a value, and a subchart.
const realChart = `apiVersion: v1
kind: ConfigMap
metadata:
  name: probe
  namespace: {{ .Release.Namespace }}
data:
  a: {{ .Values.a | quote }}
  b: {{ .Values.b | quote }}
  files: "{{ range $p, $_ := .Files.Glob "**" }}{{ $p }} {{ end }}"
  linked: {{ .Files.Get "data/linked.txt" | quote }}
`

// realTarget is an app whose chart renders with the real helm and a render
// cache of its own, in a HOME and KUBECONFIG of the test's own.
func realTarget(t *testing.T) (*Target, string) {
	t.Helper()
	// The lab's helm first, as the chart tests take it; lain and the
	// test both find it on PATH.
	helm := charttest.Tool(t, "helm")
	t.Setenv("PATH", filepath.Dir(helm)+string(filepath.ListSeparator)+os.Getenv("PATH"))
	dir := t.TempDir()
	for _, k := range []string{"HELM_NAMESPACE", "HELM_KUBECONTEXT", "POD_NAMESPACE", "KUBERNETES_SERVICE_HOST"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", filepath.Join(dir, "home"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "home", ".cache"))
	t.Setenv("KUBECONFIG", filepath.Join(dir, "kubeconfig"))
	writeFile(t, filepath.Join(dir, "kubeconfig"), kubeconfigInNS("first"))
	writeFile(t, filepath.Join(dir, "app/chart/Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
	writeFile(t, filepath.Join(dir, "app/chart/values.yaml"), "appname: shop\na: one\n")
	writeFile(t, filepath.Join(dir, "app/chart/templates/probe.yaml"), realChart)
	writeFile(t, filepath.Join(dir, "app/chart/.helmignore"), "ignored.txt\n")
	writeFile(t, filepath.Join(dir, "outside/target.txt"), "AAAA")
	os.MkdirAll(filepath.Join(dir, "app/chart/data"), 0o755)
	if err := os.Symlink(filepath.Join(dir, "outside/target.txt"), filepath.Join(dir, "app/chart/data/linked.txt")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "cluster.yaml"), "registry: r\n")
	a, err := app.Load(filepath.Join(dir, "app"))
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(filepath.Join(dir, "home", ".cache", "lain"), "test")
	return &Target{App: a, Helm: helmargs.Options{Cluster: "lab", ImageTag: "1", ClusterValues: filepath.Join(dir, "cluster.yaml")}, cache: cache}, dir
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func kubeconfigInNS(ns string) string {
	return `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: ` + ns + `}}]
current-context: x
`
}

// sameSizeAndTime rewrites p with s, which has p's length, and puts its
// modification time back: only the content tells the change.
func sameSizeAndTime(t *testing.T, p, s string) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil || st.Size() != int64(len(s)) {
		t.Fatalf("%s: %v (size %d, new %d)", p, err, st.Size(), len(s))
	}
	if err := os.WriteFile(p, []byte(s), st.Mode()); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, st.ModTime(), st.ModTime())
}

// fresh is what helm template prints now for tg, without lain.
func fresh(t *testing.T, tg *Target, extra ...string) string {
	t.Helper()
	cmd := exec.Command("helm", helmargs.Template(tg.App.Release, tg.Helm, extra...)...)
	cmd.Dir = tg.App.Dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm template: %v\n%s", err, errOut.String())
	}
	return out.String()
}

// realRunner runs helm for real and counts the renders lain took from
// its cache.
type realRunner struct {
	*runner.Exec
	hits   int
	before func() // runs right before helm starts
}

func (r *realRunner) Note(msg string) {
	if strings.HasPrefix(msg, "render from lain's cache") {
		r.hits++
	}
}

func (r *realRunner) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	if r.before != nil {
		r.before()
	}
	return r.Exec.Run(ctx, c)
}

func newRealRunner() *realRunner {
	return &realRunner{Exec: runner.NewExec(runner.Options{Out: io.Discard, ErrOut: io.Discard, Env: os.Environ()})}
}

// TestRenderCacheNeverServesAStaleRender changes, one by one, every input
// helm template reads, in ways a size-and-time check or a careless key
// would miss, and checks after each that what lain renders is exactly what
// helm template prints now; the unchanged second render is a cache hit.
func TestRenderCacheNeverServesAStaleRender(t *testing.T) {
	tg, dir := realTarget(t)
	ctx := context.Background()
	chart := filepath.Join(dir, "app/chart")
	outsideValues := filepath.Join(dir, "elsewhere/extra.yaml")
	writeFile(t, outsideValues, "b: xx\n")
	tg.Helm.Extra = []string{outsideValues}

	check := func(attack string, extra ...string) {
		t.Helper()
		// The runner's environment is taken now: t.Setenv may have changed it.
		r := newRealRunner()
		for i := 0; i < 2; i++ {
			got, err := tg.Render(ctx, r, "", extra...)
			if err != nil {
				t.Fatalf("%s: %v", attack, err)
			}
			if want := fresh(t, tg, extra...); string(got) != want {
				t.Fatalf("%s: lain rendered a stale chart\n--- lain\n%s\n--- helm template now\n%s", attack, got, want)
			}
		}
		if r.hits != 1 {
			t.Fatalf("%s: %d renders from the cache, want 1 (the second)", attack, r.hits)
		}
	}
	check("first render")
	sameSizeAndTime(t, filepath.Join(chart, "values.yaml"), "appname: shop\na: two\n")
	check("values.yaml changed, same size and mtime")
	sameSizeAndTime(t, filepath.Join(chart, "templates/probe.yaml"), strings.Replace(realChart, "probe", "PROBE", 1))
	check("template changed, same size and mtime")
	writeFile(t, filepath.Join(chart, "templates/sub/deep.yaml"), "# nothing\n")
	check("file added in templates/sub/")
	os.Remove(filepath.Join(chart, "templates/sub/deep.yaml"))
	check("file removed")
	writeFile(t, filepath.Join(chart, "ignored.txt"), "x")
	check("a .helmignore'd file added")
	writeFile(t, filepath.Join(chart, ".dotfile"), "x")
	check("a dotfile added")
	writeFile(t, filepath.Join(chart, "charts/sub/Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
	writeFile(t, filepath.Join(chart, "charts/sub/templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sub}\n")
	check("a subchart added under charts/")
	sameSizeAndTime(t, filepath.Join(chart, "charts/sub/templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: SUB}\n")
	check("the subchart's template changed")
	sameSizeAndTime(t, filepath.Join(dir, "outside/target.txt"), "BBBB")
	check("a linked file's target outside chart/ changed")
	sameSizeAndTime(t, outsideValues, "b: yy\n")
	check("a -f file outside the app changed")
	sameSizeAndTime(t, tg.Helm.ClusterValues, "registry: s\n")
	check("the cluster values changed")
	check("--set in one order", "--set", "a=1", "--set", "a=2")
	check("--set in the other order", "--set", "a=2", "--set", "a=1")
	check("--set with an escaped comma", "--set", `a=x\,b=y`)
	check("--set with two keys", "--set", `a=x,b=y`)
	writeFile(t, os.Getenv("KUBECONFIG"), kubeconfigInNS("secnd"))
	check("the kubeconfig's namespace changed")
	second := filepath.Join(dir, "kubeconfig2")
	writeFile(t, second, strings.ReplaceAll(kubeconfigInNS("other"), "name: x", "name: y"))
	t.Setenv("KUBECONFIG", second+string(filepath.ListSeparator)+os.Getenv("KUBECONFIG"))
	check("another kubeconfig first in KUBECONFIG")
	t.Setenv("HELM_NAMESPACE", "fromenv")
	check("HELM_NAMESPACE set")
}

// A chart file that changes while helm reads it (an editor saving during
// a deploy) leaves no render under the old content's key: after the file
// is put back, lain renders what helm renders.
func TestRenderCacheKeepsNoRenderOfAFileChangedMidway(t *testing.T) {
	tg, dir := realTarget(t)
	ctx := context.Background()
	values := filepath.Join(dir, "app/chart/values.yaml")
	r := newRealRunner()
	r.before = func() { sameSizeAndTime(t, values, "appname: shop\na: two\n") }
	if _, err := tg.Render(ctx, r, ""); err != nil {
		t.Fatal(err)
	}
	sameSizeAndTime(t, values, "appname: shop\na: one\n")
	r.before = nil
	got, err := tg.Render(ctx, r, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := fresh(t, tg); string(got) != want || r.hits != 0 {
		t.Fatalf("hits %d; lain rendered\n%s\nhelm template renders\n%s", r.hits, got, want)
	}
}

// Entries lain cannot trust or reach: another user's render or a render
// dir others can write are never read; a cache path that is a file, or
// a full disk, only means no caching. The user sees helm's render each time.
func TestRenderCacheUntrustedOrUnusableStore(t *testing.T) {
	tg, rec, dir := cachedApp(t)
	ctx := context.Background()
	store := filepath.Join(dir, "cache", "render")
	renderOK := func(wantRuns int) {
		t.Helper()
		out, err := tg.Render(ctx, rec, "")
		if err != nil || string(out) != "---\nkind: A\n" || helmRuns(rec) != wantRuns {
			t.Fatalf("%q %v runs %d want %d", out, err, helmRuns(rec), wantRuns)
		}
	}
	renderOK(1)
	renderOK(1)
	entries, _ := os.ReadDir(store)
	entry := filepath.Join(store, entries[0].Name())

	// A planted render with a valid checksum, in a dir anyone can write.
	os.Chmod(store, 0o777)
	renderOK(2)
	os.Chmod(store, 0o700)
	renderOK(2)
	if os.Geteuid() == 0 {
		os.Chown(entry, 65534, 65534)
		renderOK(3)
		os.Chown(entry, 0, 0)
	}
	// The entry is a link to a file elsewhere.
	b, _ := os.ReadFile(entry)
	os.WriteFile(filepath.Join(dir, "planted"), b, 0o600)
	os.Remove(entry)
	os.Symlink(filepath.Join(dir, "planted"), entry)
	runs := helmRuns(rec)
	renderOK(runs + 1)

	// The cache dir is a file: renders work, nothing is cached.
	os.RemoveAll(filepath.Join(dir, "cache"))
	os.WriteFile(filepath.Join(dir, "cache"), []byte("x"), 0o600)
	renderOK(runs + 2)
	renderOK(runs + 3)
}

// Lains writing and reading the same entry at once: every reader gets
// the render whole or renders itself, and no temp file is left behind.
func TestRenderCacheConcurrentWriters(t *testing.T) {
	tg, _, dir := cachedApp(t)
	key, ok := tg.cache.key(tg.App.Dir, helmargs.Template("shop", tg.Helm))
	if !ok {
		t.Fatal("no key")
	}
	big := bytes.Repeat([]byte("kind: A\n"), 1<<16)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); tg.cache.put(key, big) }()
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if b, hit := tg.cache.get(key); hit && !bytes.Equal(b, big) {
					t.Error("a partial render was read")
					return
				}
			}
		}()
	}
	wg.Wait()
	if b, hit := tg.cache.get(key); !hit || !bytes.Equal(b, big) {
		t.Fatal("the entry does not read back")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "cache", "render"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A helm that is a shim picks the real helm by something the key cannot
// see (asdf reads .tool-versions): nothing is cached.
func TestRenderCacheOffForAHelmShim(t *testing.T) {
	for name, shim := range map[string]func(dir string) string{
		"script": func(dir string) string {
			p := filepath.Join(dir, "bin/helm")
			os.WriteFile(p, []byte("#!/bin/sh\nexec asdf exec helm \"$@\"\n"), 0o755)
			return p
		},
		"link to a multiplexer": func(dir string) string {
			os.WriteFile(filepath.Join(dir, "bin/mise"), []byte("\x7fELF"), 0o755)
			os.Symlink(filepath.Join(dir, "bin/mise"), filepath.Join(dir, "bin/helm-shim"))
			return filepath.Join(dir, "bin/helm-shim")
		},
	} {
		tg, rec, dir := cachedApp(t)
		p := shim(dir)
		tg.cache.LookPath = func(string) (string, error) { return p, nil }
		for i := 1; i <= 2; i++ {
			if _, err := tg.Render(context.Background(), rec, ""); err != nil || helmRuns(rec) != i {
				t.Fatal(name, err, rec)
			}
		}
	}
}
