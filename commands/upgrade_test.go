package commands

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

// releases serves 1.0.0 and 1.4.0 (signed) from a directory, counting
// requests; key is baked into the lains under test.
func releases(t *testing.T) (url string, key updatetest.Key, requests *int) {
	t.Helper()
	key = updatetest.NewKey()
	asset := update.AssetName(runtime.GOOS, runtime.GOARCH)
	dir := t.TempDir()
	if err := updatetest.WriteDir(dir,
		updatetest.NewRelease("1.0.0", asset, fakeLain("1.0.0"), &key),
		updatetest.NewRelease("1.4.0", asset, fakeLain("1.4.0"), &key)); err != nil {
		t.Fatal(err)
	}
	n := new(int)
	fs := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { *n++; fs.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	return srv.URL, key, n
}

// fakeLain is a "binary" that passes the trial run of release version.
func fakeLain(version string) []byte {
	return []byte("#!/bin/sh\necho 'lain " + version + "'\n")
}

type upgradeRun struct {
	opts        *UpgradeOptions
	bin         string
	out, errOut interface{ String() string }
}

// newUpgrade is `lain upgrade` of a lain whose binary is a temp file.
func newUpgrade(t *testing.T, version, url, key string) *upgradeRun {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "lain")
	if err := os.WriteFile(bin, fakeLain(version), 0o755); err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	return &upgradeRun{
		opts: &UpgradeOptions{UpdateEnv: cmdutil.UpdateEnv{
			IO: ios, HTTPClient: func() *http.Client { return &http.Client{} }, Now: time.Now,
			Getenv: func(string) string { return "" }, CacheDir: filepath.Join(dir, "cache"),
			ConfigDir:  filepath.Join(dir, "config"),
			Build:      cmdutil.BuildInfo{Version: version, UpdateURL: url, UpdatePublicKey: key},
			Executable: func() (string, error) { return bin, nil },
		}},
		bin: bin, out: out, errOut: errOut,
	}
}

func (u *upgradeRun) binary(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(u.bin)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUpgradeCheck(t *testing.T) {
	url, key, _ := releases(t)
	for version, want := range map[string]string{
		"1.2.3": "lain 1.4.0 is available (you have 1.2.3); to upgrade: lain upgrade\n",
		"1.4.0": "lain 1.4.0 is up to date (newest release: 1.4.0)\n",
		"dev":   "lain dev is a development build; the newest release is 1.4.0\n",
	} {
		u := newUpgrade(t, version, url, key.PublicString())
		u.opts.Check = true
		if err := runUpgrade(context.Background(), u.opts); err != nil || u.out.String() != want {
			t.Errorf("%s: %q, %v", version, u.out.String(), err)
		}
		if u.binary(t) != string(fakeLain(version)) {
			t.Errorf("--check changed the binary")
		}
	}
}

func TestUpgradeToNewest(t *testing.T) {
	url, key, _ := releases(t)
	u := newUpgrade(t, "1.2.3", url, key.PublicString())
	if err := runUpgrade(context.Background(), u.opts); err != nil {
		t.Fatal(err)
	}
	if got := u.out.String(); got != "lain 1.2.3 -> 1.4.0 ("+u.bin+"; the previous one is kept as "+u.bin+".old: lain upgrade --rollback)\n" {
		t.Errorf("stdout %q", got)
	}
	if u.binary(t) != string(fakeLain("1.4.0")) {
		t.Errorf("binary %q", u.binary(t))
	}
	if want := "Upgrading lain 1.2.3 -> 1.4.0 from " + url + "\n"; u.errOut.String() != want {
		t.Errorf("off a terminal only what it does is said: %q", u.errOut.String())
	}

	u = newUpgrade(t, "1.4.0", url, key.PublicString())
	if err := runUpgrade(context.Background(), u.opts); err != nil || u.out.String() != "lain 1.4.0 is already installed\n" {
		t.Errorf("%q %v", u.out.String(), err)
	}
}

func TestUpgradeDryRunReplacesNothing(t *testing.T) {
	url, key, _ := releases(t)
	u := newUpgrade(t, "1.2.3", url, key.PublicString())
	u.opts.DryRun = true
	if err := runUpgrade(context.Background(), u.opts); err != nil ||
		u.out.String() != "would upgrade lain 1.2.3 -> 1.4.0 from "+url+" (--dry-run: nothing replaced)\n" {
		t.Errorf("%q %v", u.out.String(), err)
	}
	if u.binary(t) != string(fakeLain("1.2.3")) {
		t.Error("--dry-run replaced the binary")
	}
}

func TestUpgradeToAVersion(t *testing.T) {
	url, key, _ := releases(t)
	u := newUpgrade(t, "1.2.3", url, key.PublicString())
	u.opts.Version = "1.0.0"
	err := runUpgrade(context.Background(), u.opts)
	if got := clierr.Format(err); got != "lain: lain 1.0.0 is older than this lain (1.2.3); lain does not downgrade unless told to\n"+
		"  next: lain upgrade --version 1.0.0 --force\n" {
		t.Errorf("got %q", got)
	}
	if u.binary(t) != string(fakeLain("1.2.3")) {
		t.Fatal("downgraded without --force")
	}

	u.opts.Force = true
	if err := runUpgrade(context.Background(), u.opts); err != nil || !strings.HasPrefix(u.out.String(), "lain 1.2.3 -> 1.0.0 ("+u.bin+";") {
		t.Errorf("%q %v", u.out.String(), err)
	}
	if u.binary(t) != string(fakeLain("1.0.0")) {
		t.Errorf("binary %q", u.binary(t))
	}
	// A deliberate downgrade is pinned, in the config dir (deleting the
	// cache must not undo it): launches of 1.0.0 only notify.
	if pin := update.LoadPin(u.opts.ConfigDir); pin != "1.0.0" {
		t.Errorf("pin %q", pin)
	}
	if err := os.RemoveAll(u.opts.CacheDir); err != nil || update.LoadPin(u.opts.ConfigDir) != "1.0.0" {
		t.Errorf("the pin went with the cache")
	}

	u = newUpgrade(t, "1.2.3", url, key.PublicString())
	u.opts.Version = "9.9.9"
	if got := clierr.Format(runUpgrade(context.Background(), u.opts)); got != "lain: lain 9.9.9 is not published at "+url+" (newest is 1.4.0)\n"+
		"  next: lain upgrade --version 1.4.0\n" {
		t.Errorf("got %q", got)
	}
	u.opts.Version = "latest"
	if err := runUpgrade(context.Background(), u.opts); clierr.Code(err) != clierr.ExitUsage {
		t.Errorf("--version latest: %v", err)
	}
}

// TestUpgradeCheckAVersion: --check --version says how the named version
// relates to this lain, never "up to date" about an older one.
func TestUpgradeCheckAVersion(t *testing.T) {
	url, key, _ := releases(t)
	for _, c := range []struct{ running, asked, want string }{
		{"1.4.0", "1.0.0", "lain 1.0.0 is published; it is older than this lain (1.4.0); to go back to it: lain upgrade --version 1.0.0 --force\n"},
		{"1.2.3", "1.4.0", "lain 1.4.0 is published (you have 1.2.3); to install it: lain upgrade --version 1.4.0\n"},
		{"1.4.0", "1.4.0", "lain 1.4.0 is this lain\n"},
	} {
		u := newUpgrade(t, c.running, url, key.PublicString())
		u.opts.Check, u.opts.Version = true, c.asked
		if err := runUpgrade(context.Background(), u.opts); err != nil || u.out.String() != c.want {
			t.Errorf("%s --check --version %s: %q %v", c.running, c.asked, u.out.String(), err)
		}
	}
}

// TestUpgradeRollback puts the replaced lain back, pins it, and a second
// rollback goes forward again.
func TestUpgradeRollback(t *testing.T) {
	url, key, _ := releases(t)
	u := newUpgrade(t, "1.2.3", url, key.PublicString())
	u.opts.Rollback = true
	if got := clierr.Format(runUpgrade(context.Background(), u.opts)); !strings.HasPrefix(got, "lain: no earlier lain to go back to: "+u.bin+".old does not exist") {
		t.Errorf("got %q", got)
	}
	u.opts.Rollback = false
	if err := runUpgrade(context.Background(), u.opts); err != nil {
		t.Fatal(err)
	}
	// Now running 1.4.0, which replaced 1.2.3.
	u2 := newUpgrade(t, "1.4.0", url, key.PublicString())
	u2.opts.Executable, u2.opts.ConfigDir, u2.opts.Rollback = u.opts.Executable, u.opts.ConfigDir, true
	if err := runUpgrade(context.Background(), u2.opts); err != nil {
		t.Fatal(err)
	}
	if want := "lain 1.4.0 -> 1.2.3 (" + u.bin + "; lain 1.4.0 is kept as " + u.bin + ".old)\nlain stays on 1.2.3 until you run: lain upgrade\n"; u2.out.String() != want {
		t.Errorf("stdout %q", u2.out.String())
	}
	if u.binary(t) != string(fakeLain("1.2.3")) || update.LoadPin(u.opts.ConfigDir) != "1.2.3" {
		t.Errorf("binary %q, pin %q", u.binary(t), update.LoadPin(u.opts.ConfigDir))
	}
	if b, _ := os.ReadFile(u.bin + ".old"); string(b) != string(fakeLain("1.4.0")) {
		t.Errorf("lain.old is %q", b)
	}
}

func TestUpgradeDevBuildNeedsForce(t *testing.T) {
	url, key, _ := releases(t)
	u := newUpgrade(t, "dev", url, key.PublicString())
	if got := clierr.Format(runUpgrade(context.Background(), u.opts)); got != "lain: lain \"dev\" is a development build; replacing it with release 1.4.0 needs --force\n"+
		"  next: lain upgrade --force\n" {
		t.Errorf("got %q", got)
	}
	u.opts.Force = true
	if err := runUpgrade(context.Background(), u.opts); err != nil || u.binary(t) != string(fakeLain("1.4.0")) {
		t.Errorf("%v, binary %q", err, u.binary(t))
	}
}

func TestUpgradeWithoutSource(t *testing.T) {
	u := newUpgrade(t, "1.2.3", "", "")
	if got := clierr.Format(runUpgrade(context.Background(), u.opts)); got != "lain: this lain has no update source built in\n"+
		"  next: export LAIN_UPDATE_URL=<your team's release URL> (docs/releases.md), then: lain upgrade\n" {
		t.Errorf("got %q", got)
	}
}

func TestUpgradeRefusesUnsignedReleaseWhenKeyBakedIn(t *testing.T) {
	url, _, _ := releases(t)
	other := updatetest.NewKey()
	u := newUpgrade(t, "1.2.3", url, other.PublicString())
	err := runUpgrade(context.Background(), u.opts)
	if !strings.Contains(clierr.Format(err), "lain: refusing lain 1.4.0 from "+url+": checksums.txt.minisig was signed with key") || clierr.Code(err) != 1 {
		t.Errorf("got %q", clierr.Format(err))
	}
	if u.binary(t) != string(fakeLain("1.2.3")) {
		t.Error("binary changed")
	}
}

// TestLaunchCheckRunsOnlyWhereItShould drives the real command tree. The
// source never offers a newer lain, so nothing can touch the test binary.
func TestLaunchCheckRunsOnlyWhereItShould(t *testing.T) {
	dir := t.TempDir()
	if err := updatetest.WriteIndex(dir, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	requests := 0
	fs := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests++; fs.ServeHTTP(w, r) }))
	defer srv.Close()

	run := func(env map[string]string, url string, args ...string) (checked bool) {
		t.Helper()
		env["HOME"] = t.TempDir() // an empty cache every time
		ios, _, _, _ := iostreams.Test()
		f := &cmdutil.Factory{
			IO: ios, Globals: &cmdutil.Globals{}, Platform: tools.Platform{GOOS: runtime.GOOS},
			Build:   cmdutil.BuildInfo{Version: "1.2.3", UpdateURL: url},
			Getenv:  func(k string) string { return env[k] },
			Environ: func() []string { return nil }, Now: time.Now,
			HTTPClient: func() *http.Client { return srv.Client() },
		}
		before := requests
		_ = Execute(context.Background(), f, args)
		return requests > before
	}
	for _, args := range [][]string{
		{"completion", "bash"}, {"__complete", "completion", ""}, {"__completeNoDesc", ""}, {"help"},
		{"help", "upgrade"}, {"--help"}, {"--version"}, {"upgrade", "--help"}, {},
		{"--ignore-lint", "frobnicate"},
	} {
		if run(map[string]string{}, srv.URL, args...) {
			t.Errorf("lain %s checked for updates", strings.Join(args, " "))
		}
	}
	for _, env := range []map[string]string{{"LAIN_NO_UPDATE": "1"}, {"LAIN_IGNORE_LINT": "yes"}} {
		if run(env, srv.URL, "frobnicate") {
			t.Errorf("env %v: checked for updates", env)
		}
	}
	if run(map[string]string{}, "", "frobnicate") {
		t.Error("a build without an update source checked")
	}
	if !run(map[string]string{"LAIN_UPDATE_URL": srv.URL}, "", "frobnicate") {
		t.Error("LAIN_UPDATE_URL should turn the check on")
	}
	if !run(map[string]string{}, srv.URL, "frobnicate") {
		t.Error("lain frobnicate did not check (the control)")
	}
}
