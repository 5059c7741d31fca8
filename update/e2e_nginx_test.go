//go:build unix

package update_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"

	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

// site is a directory nginx serves, as one team's release endpoint.
func site(t *testing.T, rels ...updatetest.Release) (dir, url string) {
	t.Helper()
	name := strings.ReplaceAll(t.Name(), "/", "_")
	dir = filepath.Join(e2e.www, name)
	if err := updatetest.WriteDir(dir, rels...); err != nil {
		t.Fatal(err)
	}
	return dir, e2e.nginx.URL + "/" + name
}

// TestReleaseScriptThenUpgradeOverNginx publishes B with `make release`
// into nginx's directory, then lets A (whose built-in source is that
// directory) find it and replace itself.
func TestReleaseScriptThenUpgradeOverNginx(t *testing.T) {
	needNginx(t)
	if _, err := exec.LookPath("minisign"); err != nil {
		testenv.Missing(t, "minisign is not installed (apt-get install minisign)")
	}
	out := filepath.Join(e2e.www, "releases")
	if err := updatetest.WriteIndex(out, vA); err != nil { // an earlier release
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "lain.key")
	if err := os.WriteFile(keyFile, e2e.key.SecretKeyFile(), 0o600); err != nil {
		t.Fatal(err)
	}
	makeRelease := func() *exec.Cmd {
		mk := exec.Command("make", "-s", "release", "VERSION=v"+vB, "OUT="+out)
		mk.Dir = e2e.repo
		mk.Env = append(cleanEnv(), "LAIN_UPDATE_URL="+e2e.bakedURL, "LAIN_RELEASE_KEY_FILE="+keyFile,
			"LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
		return mk
	}
	r := runCmd(t, makeRelease())
	if r.code != 0 || strings.Contains(r.stderr, "checksums only") {
		t.Fatalf("make release:\n%s", r)
	}

	// Exactly the HTTP endpoint layout.
	var files []string
	_ = filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(out, p)
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	want := []string{"1.10.0/checksums.txt", "1.10.0/checksums.txt.minisig", "1.10.0/" + e2e.asset, "index.json", "install.sh"}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Fatalf("release wrote %q, want %q", files, want)
	}
	var idx update.Index
	b, _ := os.ReadFile(filepath.Join(out, "index.json"))
	if err := json.Unmarshal(b, &idx); err != nil || strings.Join(idx.Versions, ",") != "1.2.3,1.10.0" {
		t.Errorf("index.json = %s", b)
	}
	published, err := os.ReadFile(filepath.Join(out, vB, e2e.asset))
	if err != nil {
		t.Fatal(err)
	}
	// A published version is never rewritten.
	if r := runCmd(t, makeRelease()); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second make release:\n%s", r)
	}

	in := newInstall(t, e2e.a)
	r = in.run(t, nil, "frobnicate") // no LAIN_UPDATE_URL: the built-in source
	in.assertUpgraded(t, r, published, vA, vB)
	if r := in.run(t, nil, "--version"); !strings.HasPrefix(r.stdout, "lain 1.10.0\n") {
		t.Errorf("the published binary says:\n%s", r)
	}
}

// TestReleaseScriptUploadsToGitLab: in CI the script takes the key from a
// variable, uploads every file one at a time with the job token,
// checksums.txt last; A then upgrades from the registry.
func TestReleaseScriptUploadsToGitLab(t *testing.T) {
	needE2E(t)
	if _, err := exec.LookPath("minisign"); err != nil {
		testenv.Missing(t, "minisign is not installed (apt-get install minisign)")
	}
	g := updatetest.NewGitLab(t, map[string]string{"JOB-TOKEN": "job-t0ken", "PRIVATE-TOKEN": token})
	mk := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), vB, t.TempDir())
	mk.Env = append(cleanEnv(), "LAIN_UPDATE_URL="+g.PackageURL("lain"), "LAIN_RELEASE_UPLOAD="+g.PackageURL("lain"),
		"CI_JOB_TOKEN=job-t0ken", "LAIN_RELEASE_KEY="+string(e2e.key.SecretKeyFile()),
		"LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	r := runCmd(t, mk)
	if r.code != 0 || strings.Contains(r.stderr, "job-t0ken") {
		t.Fatalf("scripts/release:\n%s", r)
	}
	var puts []string
	for _, req := range g.Requests() {
		if req.Method == "PUT" {
			if req.AuthHeader != "JOB-TOKEN" {
				t.Errorf("%s without JOB-TOKEN", req.Path)
			}
			puts = append(puts, req.Path[strings.LastIndex(req.Path, "/")+1:])
		}
	}
	// The channel (index.json, then install.sh) goes last: it announces
	// the release, so every file it names is already there.
	if want := e2e.asset + " checksums.txt.minisig checksums.txt index.json install.sh"; strings.Join(puts, " ") != want {
		t.Errorf("uploads: %q, want %q", puts, want)
	}
	bin, _ := g.File("lain", vB, e2e.asset)
	in := newInstall(t, e2e.a)
	r = in.run(t, gitlabEnv(g), "frobnicate")
	in.assertUpgraded(t, r, bin, vA, vB)
}

// TestReleaseScriptWithoutKey publishes checksums only, and says so.
func TestReleaseScriptWithoutKey(t *testing.T) {
	needE2E(t)
	out := t.TempDir()
	mk := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), "2.0.0-rc.1", out)
	mk.Env = append(cleanEnv(), "LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	r := runCmd(t, mk)
	for _, want := range []string{
		"release: warning: LAIN_UPDATE_URL is not set: these binaries will not update themselves\n",
		"release: no signing key (LAIN_RELEASE_KEY_FILE or LAIN_RELEASE_KEY): publishing checksums only; these binaries will not check signatures\n",
	} {
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("want %q:\n%s", want, r)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(out, "2.0.0-rc.1"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "checksums.txt "+e2e.asset {
		t.Errorf("published %q", names)
	}
	if r := runCmd(t, exec.Command(filepath.Join(e2e.repo, "scripts", "release"), "1.2", out)); r.code != 1 ||
		r.stderr != "release: version \"1.2\" is not x.y.z\n  next: make release VERSION=1.2.3 OUT="+out+"\n" {
		t.Errorf("bad version:\n%s", r)
	}
}

func TestWithinSkewOnlyNotices(t *testing.T) {
	needNginx(t)
	t.Parallel()
	dir, url := site(t)
	if err := updatetest.WriteIndex(dir, "1.2.3", "1.2.5", "1.1.9"); err != nil {
		t.Fatal(err)
	}
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + url}
	r := in.run(t, env, "frobnicate")
	if want := "lain: lain 1.2.5 is available (you have 1.2.3); to upgrade: lain upgrade\n" + unknownCommand; r.stderr != want {
		t.Errorf("got:\n%s\nwant stderr:\n%s", r, want)
	}
	// At most once a day.
	if r := in.run(t, env, "frobnicate"); r.stderr != unknownCommand {
		t.Errorf("second launch:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

func TestNeverDowngrades(t *testing.T) {
	needNginx(t)
	t.Parallel()
	older := updatetest.NewRelease("1.0.0", e2e.asset, e2e.b, &e2e.key)
	_, url := site(t, older, updatetest.NewRelease("1.1.0", e2e.asset, e2e.b, &e2e.key))
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + url}

	if r := in.run(t, env, "frobnicate"); r.stderr != unknownCommand {
		t.Errorf("launch with only older releases:\n%s", r)
	}
	r := in.run(t, env, "upgrade", "--version", "1.0.0")
	want := "lain: lain 1.0.0 is older than this lain (1.2.3); lain does not downgrade unless told to\n" +
		"  next: lain upgrade --version 1.0.0 --force\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("got:\n%s\nwant stderr:\n%s", r, want)
	}
	if r := in.run(t, env, "upgrade"); r.code != 0 || r.stdout != "lain 1.2.3 is newer than the newest release (1.1.0); nothing to do\n" {
		t.Errorf("lain upgrade:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

func TestReadOnlyInstallDir(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	cmd := in.command(in.path, []string{update.EnvURL + "=" + url}, "frobnicate")
	if os.Geteuid() == 0 {
		// root writes anywhere: run as nobody, who owns only its HOME.
		if err := os.Chown(in.home, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	} else {
		if err := os.Chmod(filepath.Dir(in.path), 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(filepath.Dir(in.path), 0o755)
	}
	r := runCmd(t, cmd)
	assertRanOld(t, r)
	dir := filepath.Dir(in.path)
	want := "lain: cannot upgrade lain: " + dir + " is not writable for you, so " + in.path + " cannot be replaced\n" +
		"  next: sudo --preserve-env=LAIN_UPDATE_URL " + in.path + " upgrade   (or install lain where you can write: install -D " +
		in.path + " ~/.local/bin/lain, put ~/.local/bin first in PATH, then: lain upgrade)\n" +
		"lain: running this command with lain 1.2.3: upgrading to 1.10.0 failed (above)\n" + unknownCommand
	if r.stderr != want {
		t.Errorf("got:\n%s\nwant stderr:\n%s", r, want)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

func TestConcurrentLaunches(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + url}
	const n = 4
	results := make(chan result, n)
	for range n {
		go func() { results <- runCmd(t, in.command(in.path, env, "frobnicate")) }()
	}
	upgraded := 0
	for range n {
		r := <-results
		if r.code != 2 || !strings.HasSuffix(r.stderr, unknownCommand) {
			t.Errorf("a launch failed:\n%s", r)
		}
		if strings.Contains(r.stderr, "lain: upgraded 1.2.3 -> 1.10.0\n") {
			upgraded++
		}
	}
	got, _ := os.ReadFile(in.path)
	if string(got) != string(e2e.b) {
		t.Fatalf("after %d concurrent launches the binary is not lain %s", n, vB)
	}
	if upgraded == 0 {
		t.Error("no launch ran on the new lain")
	}
	if r := in.run(t, nil, "--version"); !strings.HasPrefix(r.stdout, "lain 1.10.0\n") {
		t.Errorf("--version:\n%s", r)
	}
}

func TestSymlinkedInstallReplacesTheRealFile(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	// ~/bin/lain -> ../opt/lain/lain, as a hand install often is.
	real := filepath.Join(in.dir, "opt", "lain", "lain")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(in.path, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../opt/lain/lain", in.path); err != nil {
		t.Fatal(err)
	}
	r := in.run(t, []string{update.EnvURL + "=" + url}, "frobnicate")
	if fi, err := os.Lstat(in.path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced (%v)", err)
	}
	in.path = real
	in.assertUpgraded(t, r, e2e.b, vA, vB)
}

func TestPackageManagerInstallIsHandedOff(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	cellar := filepath.Join(in.dir, "homebrew", "Cellar", "lain", vA, "bin", "lain")
	if err := os.MkdirAll(filepath.Dir(cellar), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(in.path, cellar); err != nil {
		t.Fatal(err)
	}
	in.path = cellar
	r := in.run(t, []string{update.EnvURL + "=" + url}, "frobnicate")
	assertRanOld(t, r)
	want := "lain: lain at " + cellar + " is installed by Homebrew; lain does not replace it behind Homebrew's back\n" +
		"  next: brew upgrade lain\n"
	if !strings.HasPrefix(r.stderr, want) {
		t.Errorf("got:\n%s\nwant stderr to start with:\n%s", r, want)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

// cleanEnv is this process's environment without lain's own variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAIN_") && !strings.HasPrefix(kv, "CI_") {
			env = append(env, kv)
		}
	}
	return env
}
