package update

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/update/updatetest"
)

// fakeLain is an in-process lain: a temp file as its binary, a fake clock
// and an Exec that records instead of replacing the test process.
type fakeLain struct {
	o      *Options
	errOut *bytes.Buffer
	now    time.Time
	execed []string // path, then argv
	env    []string
}

func newFakeLain(t *testing.T, version, url string) *fakeLain {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "lain")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	os.WriteFile(bin, []byte("old lain"), 0o755)
	ios, _, _, errOut := iostreams.Test()
	f := &fakeLain{errOut: errOut, now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.o = &Options{
		IO: ios, HTTPClient: http.DefaultClient, Getenv: env(), CacheDir: filepath.Join(dir, "cache"), ConfigDir: filepath.Join(dir, "config"),
		Now: func() time.Time { return f.now }, Version: version, Config: Config{URL: url},
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Executable: func() (string, error) { return bin, nil },
		Args:       []string{"lain", "deploy"}, Environ: []string{"HOME=/h", EnvUpgradedFrom + "=0.0.1 1"},
		Exec: func(path string, argv, env []string) error {
			f.execed, f.env = append([]string{path}, argv...), env
			return errors.New("exec format error")
		},
		Pid: 4242, ReexecPid: 4242,
	}
	return f
}

func (f *fakeLain) launch(t *testing.T) string {
	t.Helper()
	f.errOut.Reset()
	if err := Launch(context.Background(), f.o); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	return f.errOut.String()
}

// staticSource serves releases from a directory, as any web server would,
// counting requests.
func staticSource(t *testing.T, rels ...updatetest.Release) (url string, requests *int) {
	t.Helper()
	dir := t.TempDir()
	if err := updatetest.WriteDir(dir, rels...); err != nil {
		t.Fatal(err)
	}
	return serveDir(t, dir)
}

func serveDir(t *testing.T, dir string) (url string, requests *int) {
	n := new(int)
	fs := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { *n++; fs.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	return srv.URL, n
}

func TestNoticeAtMostOnceADay(t *testing.T) {
	// index.json only: a notice never downloads.
	dir := t.TempDir()
	updatetest.WriteIndex(dir, "1.2.3", "1.2.4")
	url, requests := serveDir(t, dir)
	f := newFakeLain(t, "1.2.3", url)
	const notice = "lain: lain 1.2.4 is available (you have 1.2.3); to upgrade: lain upgrade\n"

	if got := f.launch(t); got != notice {
		t.Errorf("first launch: %q", got)
	}
	f.now = f.now.Add(time.Hour) // fresh cache
	if got := f.launch(t); got != "" {
		t.Errorf("an hour later: %q", got)
	}
	f.now = f.now.Add(7 * time.Hour) // checks again; notice not due
	if got := f.launch(t); got != "" {
		t.Errorf("8 hours later: %q", got)
	}
	f.now = f.now.Add(17 * time.Hour) // a day and a bit: due again
	if got := f.launch(t); got != notice {
		t.Errorf("a day later: %q", got)
	}
	if f.execed != nil || *requests != 3 {
		t.Errorf("a notice must not upgrade (%v); want 3 checks, got %d requests", f.execed, *requests)
	}
}

func TestFreshCacheNeverTouchesTheNetwork(t *testing.T) {
	url, requests := staticSource(t)
	f := newFakeLain(t, "1.2.3", url)
	SaveState(f.o.CacheDir, State{CheckedAt: f.now.Add(-time.Minute), Source: url, Version: "1.2.3", Latest: "9.0.0", NoticeAt: f.now})
	f.o.HTTPClient = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		t.Error("a fresh cache made a request")
		return nil, errors.New("no")
	})}
	if got := f.launch(t); got != "" || *requests != 0 || f.execed != nil {
		t.Errorf("got %q", got)
	}
}

// newLain is a release binary that runs: its trial run prints the
// version the release names.
var newLain = []byte("#!/bin/sh\necho lain 1.4.0\n")

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUpgradeReexecsSameCommandLine(t *testing.T) {
	key := updatetest.NewKey()
	rel := updatetest.NewRelease("1.4.0", AssetName(runtime.GOOS, runtime.GOARCH), newLain, &key)
	url, _ := staticSource(t, rel)
	f := newFakeLain(t, "1.2.3", url)
	f.o.Config.PublicKey = key.PublicString()
	f.o.IO.SetTTY(false, false, true) // stderr is a terminal: say what happens, with a bar

	got := f.launch(t)
	bin, _ := f.o.Executable()
	if b, _ := os.ReadFile(bin); string(b) != string(newLain) {
		t.Fatalf("binary is %q:\n%s", b, got)
	}
	if strings.Join(f.execed, " ") != bin+" lain deploy" {
		t.Errorf("exec %q", f.execed)
	}
	if last := f.env[len(f.env)-1]; last != EnvUpgradedFrom+"=1.2.3 4242" || strings.Contains(strings.Join(f.env, " "), "0.0.1") {
		t.Errorf("env %q", f.env)
	}
	for _, want := range []string{
		"lain 1.2.3 is too far behind the newest release, 1.4.0; upgrading now\n",
		"\r  lain 1.4.0 [==============================] 100% 0.0 MB / 0.0 MB\n",
		"lain: upgraded to 1.4.0 but could not start it (exec format error); this run uses lain 1.2.3 (lain upgrade --rollback goes back)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	if st := LoadState(f.o.CacheDir); st.Version != "1.4.0" || st.Latest != "1.4.0" {
		t.Errorf("state %+v", st)
	}
}

func TestWindowsStyleExitIsPassedOn(t *testing.T) {
	rel := updatetest.NewRelease("1.4.0", AssetName(runtime.GOOS, runtime.GOARCH), newLain, nil)
	url, _ := staticSource(t, rel)
	f := newFakeLain(t, "1.2.3", url)
	f.o.Exec = func(string, []string, []string) error { return &ExitError{Code: 3} }
	err := Launch(context.Background(), f.o)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("Launch = %v", err)
	}
}

func TestTheNewLainSaysItTookOver(t *testing.T) {
	f := newFakeLain(t, "1.4.0", "http://127.0.0.1:1/unused")
	f.o.Getenv = env(EnvUpgradedFrom, "1.2.3 4242")
	if got := f.launch(t); got != "lain: upgraded 1.2.3 -> 1.4.0\n" {
		t.Errorf("got %q", got)
	}
	// A lain started later by that one (another pid) ignores the marker.
	f.o.ReexecPid = 5555
	f.o.Verbose = true
	if got := f.launch(t); strings.Contains(got, "upgraded") || !strings.Contains(got, "update check failed") {
		t.Errorf("got %q", got)
	}
}

func TestPinnedDowngradeIsNotUndone(t *testing.T) {
	rel := updatetest.NewRelease("1.4.0", AssetName(runtime.GOOS, runtime.GOARCH), newLain, nil)
	url, _ := staticSource(t, rel)
	f := newFakeLain(t, "1.0.0", url)
	f.o.ConfigDir = filepath.Join(t.TempDir(), "config")
	SavePin(f.o.ConfigDir, "1.0.0")
	got := f.launch(t)
	if f.execed != nil || got != "lain: lain 1.4.0 is available (you have 1.0.0); to upgrade: lain upgrade\n" {
		t.Errorf("a pinned lain was upgraded, or no notice: %q", got)
	}
}

func TestDryRunLaunchOnlyNotices(t *testing.T) {
	rel := updatetest.NewRelease("1.4.0", AssetName(runtime.GOOS, runtime.GOARCH), newLain, nil)
	url, _ := staticSource(t, rel)
	f := newFakeLain(t, "1.2.3", url)
	f.o.DryRun = true
	got := f.launch(t)
	bin, _ := f.o.Executable()
	if b, _ := os.ReadFile(bin); string(b) != "old lain" || f.execed != nil {
		t.Fatalf("--dry-run upgraded: %q", b)
	}
	if want := "lain: --dry-run: lain 1.2.3 is too far behind 1.4.0 and would install it from " + url +
		", then run this command with it; running it with lain 1.2.3 (nothing replaced)\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
