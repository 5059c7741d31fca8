//go:build unix

package update_test

// End-to-end tests of self-update with real binaries: lain A (1.2.3)
// replaces itself with lain B (1.10.0) served by a fake GitLab (httptest,
// see updatetest.GitLab) or by a real nginx. TestMain builds the binaries
// once; every test gets its own install directory, HOME and server state.

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"

	"github.com/lain-cli/lain/update/updatetest"
)

const (
	vA = "1.2.3"
	vB = "1.10.0" // sorts before 1.9.x as text, as GitLab's order_by=version does
)

var e2e struct {
	skip     string // why end-to-end tests cannot run
	repo     string
	tmp      string
	key      updatetest.Key // baked into A and B
	otherKey updatetest.Key // someone else's key
	a, b     []byte         // the binaries, as `make release` builds them
	bOther   []byte         // B built for another GOARCH (the wrong-arch case)
	aNoKey   []byte         // A built without a public key
	dev      []byte         // a dev build: nothing baked in
	nginx    *updatetest.Nginx
	www      string // nginx's root
	bakedURL string // A's built-in update source: nginx /releases
	asset    string
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		if argv := os.Getenv("LAIN_TEST_RSS_ARGV"); argv != "" {
			return measureRSS(strings.Split(argv, "\x1f"), os.Getenv("LAIN_TEST_RSS_OUT"))
		}
		if os.Getenv("LAIN_TEST_SWAP_LOOP") != "" {
			// A child of TestCrashMidSwapLeavesAWholeBinary, killed at
			// random: it must not start servers or builds.
			return m.Run()
		}
		if testing.Short() {
			e2e.skip = "-short: no end-to-end tests"
			return m.Run()
		}
		cleanup, err := setupE2E()
		defer cleanup()
		if err != nil {
			fmt.Fprintln(os.Stderr, "update e2e setup:", err)
			return 2
		}
		return m.Run()
	}()
	os.Exit(code)
}

// measureRSS is the test binary as a small parent of lain (see runRSS):
// it runs argv, writes lain's peak resident memory in bytes to out, and
// exits as lain did.
func measureRSS(argv []string, out string) int {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAIN_TEST_RSS_") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		return 125
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru != nil {
		_ = os.WriteFile(out, []byte(fmt.Sprint(int64(ru.Maxrss)*1024)), 0o644) // kilobytes on Linux
	}
	return cmd.ProcessState.ExitCode()
}

func setupE2E() (cleanup func(), err error) {
	cleanup = func() {}
	if e2e.repo, err = filepath.Abs(".."); err != nil {
		return cleanup, err
	}
	if e2e.tmp, err = os.MkdirTemp("", "lain-update-e2e-"); err != nil {
		return cleanup, err
	}
	// Readable by nobody: the read-only test runs lain as another user.
	if err := os.Chmod(e2e.tmp, 0o755); err != nil {
		return cleanup, err
	}
	cleanup = func() { os.RemoveAll(e2e.tmp) }
	e2e.key, e2e.otherKey = updatetest.NewKey(), updatetest.NewKey()
	e2e.asset = updatetest.Asset(runtime.GOOS, runtime.GOARCH)

	e2e.www = filepath.Join(e2e.tmp, "www")
	if err := os.MkdirAll(e2e.www, 0o755); err != nil {
		return cleanup, err
	}
	e2e.bakedURL = "http://127.0.0.1:1/releases" // unreachable without nginx
	if n, err := updatetest.StartNginx(e2e.www, filepath.Join(e2e.tmp, "nginx")); err == nil {
		e2e.nginx = n
		e2e.bakedURL = n.URL + "/releases"
		prev := cleanup
		cleanup = func() { n.Stop(); prev() }
	} else {
		fmt.Fprintln(os.Stderr, "update e2e: nginx tests will skip:", err)
	}

	start := time.Now()
	keyFile := filepath.Join(e2e.tmp, "release.key")
	if err := os.WriteFile(keyFile, e2e.key.SecretKeyFile(), 0o600); err != nil {
		return cleanup, err
	}
	other := "linux/arm64"
	if runtime.GOARCH == "arm64" {
		other = "linux/amd64"
	}
	// release builds version with scripts/release, exactly as a team
	// publishes it, and returns its binaries by platform.
	release := func(version, key string, targets ...string) (map[string][]byte, error) {
		out := filepath.Join(e2e.tmp, "build", fmt.Sprintf("%s-%d", version, len(key)))
		cmd := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), version, out)
		cmd.Env = append(cleanEnv(), "LAIN_UPDATE_URL="+e2e.bakedURL, "LAIN_RELEASE_TARGETS="+strings.Join(targets, " "))
		if key != "" {
			cmd.Env = append(cmd.Env, "LAIN_RELEASE_KEY_FILE="+key)
		}
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("scripts/release %s: %v\n%s", version, err, b)
		}
		bins := map[string][]byte{}
		for _, t := range targets {
			b, err := os.ReadFile(filepath.Join(out, version, "lain_"+strings.ReplaceAll(t, "/", "_")))
			if err != nil {
				return nil, err
			}
			bins[t] = b
		}
		return bins, nil
	}
	here := runtime.GOOS + "/" + runtime.GOARCH
	a, err := release(vA, keyFile, here)
	if err != nil {
		return cleanup, err
	}
	b, err := release(vB, keyFile, here, other)
	if err != nil {
		return cleanup, err
	}
	aNoKey, err := release(vA, "", here)
	if err != nil {
		return cleanup, err
	}
	e2e.a, e2e.b, e2e.bOther, e2e.aNoKey = a[here], b[here], b[other], aNoKey[here]
	dev := filepath.Join(e2e.tmp, "build", "dev")
	cmd := exec.Command("go", "build", "-o", dev, "github.com/lain-cli/lain")
	cmd.Dir = e2e.repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return cleanup, fmt.Errorf("go build dev: %v\n%s", err, out)
	}
	if e2e.dev, err = os.ReadFile(dev); err != nil {
		return cleanup, err
	}
	fmt.Fprintf(os.Stderr, "update e2e: built lain %s and %s in %s\n", vA, vB, time.Since(start).Round(time.Millisecond))
	return cleanup, nil
}

func needE2E(t *testing.T) {
	t.Helper()
	if e2e.skip != "" {
		t.Skip(e2e.skip)
	}
}

func needNginx(t *testing.T) {
	t.Helper()
	needE2E(t)
	if e2e.nginx == nil {
		testenv.Missing(t, "nginx is not installed (apt-get install nginx)")
	}
}

// install is one user's lain: the binary in <dir>/bin/lain and a HOME.
type install struct {
	dir, path, home string
}

func newInstall(t *testing.T, bin []byte) *install {
	t.Helper()
	dir, err := os.MkdirTemp(e2e.tmp, strings.ReplaceAll(t.Name(), "/", "_")+"-")
	if err != nil {
		t.Fatal(err)
	}
	in := &install{dir: dir, path: filepath.Join(dir, "bin", "lain"), home: filepath.Join(dir, "home")}
	for _, d := range []string{filepath.Dir(in.path), in.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in.path, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return in
}

type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\n--- stdout\n%s--- stderr\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// command is lain as the user runs it: a clean environment (no
// LAIN_NO_UPDATE from the developer's shell) plus env.
func (in *install) command(path string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"HOME=" + in.home, "PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

func (in *install) run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runCmd(t, in.command(in.path, env, args...))
}

func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Start()
	// A binary just written may be "busy" for a moment: a process forked
	// concurrently by a parallel test still holds the write descriptor
	// until it execs (golang.org/issue/22315). Try again with a fresh Cmd.
	for i := 0; errors.Is(err, syscall.ETXTBSY) && i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
		retry := exec.Command(cmd.Path, cmd.Args[1:]...)
		retry.Env, retry.Dir, retry.SysProcAttr, retry.Stdout, retry.Stderr = cmd.Env, cmd.Dir, cmd.SysProcAttr, &out, &errOut
		cmd, err = retry, retry.Start()
	}
	if err == nil {
		err = cmd.Wait()
	}
	r := result{stdout: out.String(), stderr: errOut.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// unknownCommand is how lain (old or new) answers `lain frobnicate`: the
// tests' stand-in for "the user's command ran".
const unknownCommand = "lain: unknown command \"frobnicate\"\n  next: lain --help\n"

// assertRan checks that the command ran on the old binary: its output,
// and no upgrade.
func assertRanOld(t *testing.T, r result) {
	t.Helper()
	if r.code != 2 || !strings.HasSuffix(r.stderr, unknownCommand) || strings.Contains(r.stderr, "upgraded") {
		t.Errorf("the command did not run on the old lain:\n%s", r)
	}
}

// assertUnchanged checks that the binary on disk is exactly want, still
// runs, and that no staging file was left beside it.
func (in *install) assertUnchanged(t *testing.T, want []byte, version string) {
	t.Helper()
	got, err := os.ReadFile(in.path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s changed (%d bytes, want %d)", in.path, len(got), len(want))
	}
	if r := in.run(t, []string{"LAIN_NO_UPDATE=1"}, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "lain "+version+"\n") {
		t.Fatalf("lain no longer runs:\n%s", r)
	}
	in.assertOnly(t, "lain", partOfB())
}

// partOfB is the staging file of B's download (update.Target.StagePath):
// it may stay after an interrupted download, to be resumed.
func partOfB() string {
	sum := sha256.Sum256(e2e.b)
	return fmt.Sprintf(".lain-%s-%x.part", vB, sum[:4])
}

// assertOnly checks that the binary's directory holds only names (and the
// upgrade lock, which stays: see update.LockPath).
func (in *install) assertOnly(t *testing.T, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(in.path))
	for _, e := range entries {
		if e.Name() != ".lain.lock" && !slices.Contains(names, e.Name()) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// assertUpgraded checks that the binary on disk is exactly want and that
// the command's output came from it.
func (in *install) assertUpgraded(t *testing.T, r result, want []byte, from, to string) {
	t.Helper()
	got, err := os.ReadFile(in.path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not lain %s after the upgrade (%d bytes, want %d)\n%s", in.path, to, len(got), len(want), r)
	}
	// This line is printed by the new binary itself, with its own
	// built-in version: the command ran on it.
	if line := fmt.Sprintf("lain: upgraded %s -> %s\n", from, to); r.code != 2 || !strings.Contains(r.stderr, line+unknownCommand) {
		t.Fatalf("want %q then the command's output:\n%s", line, r)
	}
}
