//go:build unix

package update_test

// End-to-end tests of issue 13: self-update never leaves a broken lain.
// Binaries are built by scripts/release (TestMain); releases are served by
// a real nginx (fast, and throttled to 1 MB/s) and by the fake GitLab.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

// start starts cmd, retrying while the binary is "busy" (see runCmd).
func start(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	err := cmd.Start()
	for i := 0; errors.Is(err, syscall.ETXTBSY) && i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
		retry := exec.Command(cmd.Path, cmd.Args[1:]...)
		retry.Env, retry.Stdout, retry.Stderr = cmd.Env, cmd.Stdout, cmd.Stderr
		cmd, err = retry, retry.Start()
	}
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// replaceAtomically puts b at path the way a user's reinstall would.
func replaceAtomically(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := path + ".test-tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// assertWhole checks that the installed binary is byte for byte A or B
// and runs as that version.
func (in *install) assertWhole(t *testing.T, round int) string {
	t.Helper()
	got, err := os.ReadFile(in.path)
	if err != nil {
		t.Fatalf("round %d: the binary is gone: %v", round, err)
	}
	version := ""
	switch {
	case bytes.Equal(got, e2e.a):
		version = vA
	case bytes.Equal(got, e2e.b):
		version = vB
	default:
		t.Fatalf("round %d: the binary is neither lain %s nor %s (%d bytes)", round, vA, vB, len(got))
	}
	if r := in.run(t, []string{"LAIN_NO_UPDATE=1"}, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "lain "+version+"\n") {
		t.Fatalf("round %d: lain %s does not run:\n%s", round, version, r)
	}
	return version
}

// TestTwoCacheDirsUpgradeAtOnceOneKilled (point 1): two lains with
// different XDG_CACHE_HOME (sudo, two users, a CI runner) upgrade the same
// binary at once, one by launching and one with `lain upgrade`, and one
// of them is SIGKILLed at a random moment. After every round the
// installed binary is whole and runs; the survivor finishes its job.
func TestTwoCacheDirsUpgradeAtOnceOneKilled(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	killed, upgradedBySurvivor := 0, 0
	for round := range 50 {
		replaceAtomically(t, in.path, e2e.a)
		var cmds [2]*exec.Cmd
		var outs [2]*bytes.Buffer
		for i := range cmds {
			cache := filepath.Join(in.dir, fmt.Sprintf("cache%d", i))
			os.RemoveAll(cache)
			env := []string{update.EnvURL + "=" + url, "XDG_CACHE_HOME=" + cache}
			args := []string{"-v", "frobnicate"}
			if (round+i)%2 == 1 {
				args = []string{"upgrade"}
			}
			outs[i] = new(bytes.Buffer)
			cmd := in.command(in.path, env, args...)
			cmd.Stdout, cmd.Stderr = outs[i], outs[i]
			cmds[i] = start(t, cmd)
		}
		victim := rand.IntN(2)
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		_ = cmds[victim].Process.Signal(syscall.SIGKILL)
		for i, cmd := range cmds {
			err := cmd.Wait()
			if i == victim {
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					killed++
				}
				continue
			}
			// The survivor's command ran: on B after upgrading (or
			// re-executing B that the victim installed), or `lain upgrade`
			// succeeded.
			out := outs[i].String()
			if cmd.Args[1] == "upgrade" {
				if err != nil || !strings.Contains(out, "lain 1.2.3 -> 1.10.0") {
					t.Fatalf("round %d: the surviving lain upgrade failed (%v):\n%s", round, err, out)
				}
			} else if !strings.HasSuffix(out, unknownCommand) || !strings.Contains(out, "lain: upgraded 1.2.3 -> 1.10.0\n") {
				t.Fatalf("round %d: the surviving launch did not run the command on lain %s:\n%s", round, vB, out)
			}
			upgradedBySurvivor++
		}
		if v := in.assertWhole(t, round); v != vB {
			t.Fatalf("round %d: the survivor finished, yet the binary is lain %s", round, v)
		}
	}
	t.Logf("50 rounds: %d lains killed mid-run, every survivor upgraded (%d)", killed, upgradedBySurvivor)
	if killed < 15 {
		t.Errorf("only %d of 50 kills landed before the process ended", killed)
	}
	in.assertOnly(t, "lain", "lain.old", partOfB())
}

// TestReleaseThatDoesNotRunIsRefused (point 2): correctly signed releases
// whose binary does not run here are never swapped in.
func TestReleaseThatDoesNotRunIsRefused(t *testing.T) {
	needE2E(t)
	t.Parallel()
	t.Run("built for another GOARCH", func(t *testing.T) {
		rel := updatetest.NewRelease(vB, e2e.asset, e2e.bOther, &e2e.key)
		refused(t, e2e.a, rel, "the binary "+e2e.asset+" does not run here as lain 1.10.0: ")
	})
	t.Run("says another version", func(t *testing.T) {
		rel := updatetest.NewRelease("1.11.0", e2e.asset, e2e.b, &e2e.key) // B says 1.10.0
		g := newGitLab(t, rel)
		in := newInstall(t, e2e.a)
		r := in.run(t, gitlabEnv(g), "upgrade")
		if r.code != 1 || !strings.Contains(r.stderr, "does not run here as lain 1.11.0: it says it is lain 1.10.0") {
			t.Errorf("got:\n%s", r)
		}
		in.assertUnchanged(t, e2e.a, vA)
	})
}

// TestRollbackAndThePin (points 2 and 6): the replaced lain is kept as
// lain.old; --rollback puts it back and pins it in the config dir, so
// deleting the cache does not undo it; `lain upgrade` lifts the pin.
func TestRollbackAndThePin(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + url}
	if r := in.run(t, env, "upgrade"); r.code != 0 || r.stdout != "lain 1.2.3 -> 1.10.0 ("+in.path+"; the previous one is kept as "+in.path+".old: lain upgrade --rollback)\n" {
		t.Fatalf("lain upgrade:\n%s", r)
	}
	if old, _ := os.ReadFile(in.path + ".old"); !bytes.Equal(old, e2e.a) {
		t.Fatal("lain.old is not the lain that was replaced")
	}
	r := in.run(t, env, "upgrade", "--rollback")
	if want := "lain 1.10.0 -> 1.2.3 (" + in.path + "; lain 1.10.0 is kept as " + in.path + ".old)\nlain stays on 1.2.3 until you run: lain upgrade\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("--rollback:\n%s", r)
	}
	if got, _ := os.ReadFile(in.path); !bytes.Equal(got, e2e.a) {
		t.Fatal("--rollback did not put lain 1.2.3 back")
	}
	pin := filepath.Join(in.home, ".config", "lain", update.PinFile)
	if b, err := os.ReadFile(pin); err != nil || string(b) != "1.2.3\n" {
		t.Fatalf("pin %q %v", b, err)
	}
	// The troubleshooting advice (delete the cache) keeps the pin.
	os.RemoveAll(filepath.Join(in.home, ".cache"))
	r = in.run(t, env, "frobnicate")
	if want := "lain: lain 1.10.0 is available (you have 1.2.3); to upgrade: lain upgrade\n" + unknownCommand; r.stderr != want {
		t.Errorf("a pinned lain was upgraded away, or no notice:\n%s", r)
	}
	if got, _ := os.ReadFile(in.path); !bytes.Equal(got, e2e.a) {
		t.Fatal("the pinned lain was replaced")
	}
	// `lain upgrade` lifts the pin.
	if r := in.run(t, env, "upgrade"); r.code != 0 {
		t.Fatalf("lain upgrade:\n%s", r)
	}
	if _, err := os.Stat(pin); !os.IsNotExist(err) {
		t.Errorf("the pin stayed after lain upgrade (%v)", err)
	}
	in.assertOnly(t, "lain", "lain.old")
}

// TestDownloadIsStreamed (point 3): peak memory of `lain upgrade` and of a
// launch that upgrades a release-built lain, both under 64 MiB.
func TestDownloadIsStreamed(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	env := []string{update.EnvURL + "=" + url}
	for _, args := range [][]string{{"upgrade"}, {"frobnicate"}} {
		in := newInstall(t, e2e.a)
		r, rss := runRSS(t, in.command(in.path, env, args...))
		if got, _ := os.ReadFile(in.path); !bytes.Equal(got, e2e.b) {
			t.Fatalf("lain %s did not upgrade:\n%s", args[0], r)
		}
		t.Logf("lain %s of a %.1f MB binary: peak RSS %.1f MiB", args[0], float64(len(e2e.b))/1e6, float64(rss)/(1<<20))
		if rss > 64<<20 {
			t.Errorf("lain %s: peak RSS %d MiB, budget 64 MiB", args[0], rss>>20)
		}
	}
}

// runRSS runs cmd and returns its result and peak resident memory. Go
// starts children with vfork, and Linux counts the parent's memory at that
// moment in the child's peak: measured directly, the child of this big
// test process would look as big as it. So a small parent runs it: this
// test binary, started afresh (see measureRSS). Its few MB at the vfork
// are counted too: the figure is an upper bound.
func runRSS(t *testing.T, cmd *exec.Cmd) (result, int64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rss")
	wrapped := exec.Command(os.Args[0], "-test.run=^$")
	wrapped.Env = append(cmd.Env, "LAIN_TEST_RSS_ARGV="+strings.Join(cmd.Args, "\x1f"), "LAIN_TEST_RSS_OUT="+out)
	r := runCmd(t, wrapped)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no measure: %v\n%s", err, r)
	}
	var rss int64
	fmt.Sscan(string(b), &rss)
	return r, rss
}

// TestIndexSizeCapsTheDownload (point 3): a binary larger than the index
// says is cut off at that size and refused.
func TestIndexSizeCapsTheDownload(t *testing.T) {
	needNginx(t)
	t.Parallel()
	dir, url := site(t, releaseB())
	idx := fmt.Sprintf(`{"versions":["%s"],"sizes":{"%s":{"%s":%d}}}`, vB, vB, e2e.asset, 1<<20)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(idx), 0o644); err != nil {
		t.Fatal(err)
	}
	in := newInstall(t, e2e.a)
	r := in.run(t, []string{update.EnvURL + "=" + url}, "upgrade")
	if want := fmt.Sprintf("%s is %d bytes, more than the %d the release index gives", e2e.asset, len(e2e.b), 1<<20); r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("want %q:\n%s", want, r)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

// TestSlowLinkFinishesAcrossLaunches (point 4): against a server throttled
// to 1 MB/s a forced upgrade cannot finish in one launch budget. Each
// launch says why the command runs on the old lain, keeps what arrived,
// and the next one continues with a range request, until one upgrades.
func TestSlowLinkFinishesAcrossLaunches(t *testing.T) {
	needNginx(t)
	t.Parallel()
	www := filepath.Join(e2e.tmp, "slow-www")
	if err := updatetest.WriteDir(www, releaseB()); err != nil {
		t.Fatal(err)
	}
	n, err := updatetest.StartNginxWith(www, filepath.Join(e2e.tmp, "slow-nginx"), "limit_rate 1m;")
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + n.URL}
	var times []string
	for launch := 1; ; launch++ {
		if launch > 20 {
			t.Fatal("20 launches and no upgrade")
		}
		r := in.run(t, env, "frobnicate")
		times = append(times, r.took.Round(10*time.Millisecond).String())
		if r.took > maxLaunch {
			t.Errorf("launch %d took %s (budget %s)", launch, r.took, update.LaunchBudget)
		}
		if strings.Contains(r.stderr, "lain: upgraded 1.2.3 -> 1.10.0\n") {
			in.assertUpgraded(t, r, e2e.b, vA, vB)
			break
		}
		assertRanOld(t, r)
		if !strings.Contains(r.stderr, "lain: running this command with lain 1.2.3: lain 1.2.3 is too far behind 1.10.0, whose download got to ") ||
			!strings.Contains(r.stderr, "; the next command continues it, or now: lain upgrade\n") {
			t.Fatalf("launch %d does not say why it runs on lain 1.2.3:\n%s", launch, r)
		}
	}
	t.Logf("launch times at 1 MB/s (%.1f MB binary): %s", float64(len(e2e.b))/1e6, strings.Join(times, " "))
	log, _ := os.ReadFile(filepath.Join(n.Dir, "logs", "access.log"))
	if c := strings.Count(string(log), e2e.asset+" HTTP/1.1\" 206 "); c < 1 {
		t.Errorf("no download was resumed with a range request:\n%s", log)
	}
	if len(times) < 3 {
		t.Errorf("the link was not slow: upgraded at launch %d", len(times))
	}
}

// TestKeyRotation (point 8): a release built with LAIN_RELEASE_NEXT_PUBKEY
// trusts the signing key and the next one, so a later release signed only
// with the next key installs; a lain without the next key refuses it.
func TestKeyRotation(t *testing.T) {
	needNginx(t)
	t.Parallel()
	next := updatetest.NewKey()
	out := t.TempDir()
	mk := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), vA, out)
	mk.Env = append(cleanEnv(), "LAIN_RELEASE_KEY="+string(e2e.key.SecretKeyFile()), "LAIN_RELEASE_NEXT_PUBKEY="+next.PublicString(),
		"LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	r := runCmd(t, mk)
	if r.code != 0 || !strings.Contains(r.stderr, "release: trusting the next key too: "+next.PublicString()+"\n") {
		t.Fatalf("scripts/release:\n%s", r)
	}
	rotated, err := os.ReadFile(filepath.Join(out, vA, e2e.asset))
	if err != nil {
		t.Fatal(err)
	}
	_, url := site(t, updatetest.NewRelease(vB, e2e.asset, e2e.b, &next))
	env := []string{update.EnvURL + "=" + url}

	in := newInstall(t, rotated)
	r = in.run(t, env, "frobnicate")
	in.assertUpgraded(t, r, e2e.b, vA, vB)

	old := newInstall(t, e2e.a)
	r = old.run(t, env, "upgrade")
	if want := fmt.Sprintf("checksums.txt.minisig was signed with key %X, not this lain's release key %X", next.ID, e2e.key.ID); r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("a lain without the next key:\n%s", r)
	}
	old.assertUnchanged(t, e2e.a, vA)

	bad := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), "1.2.4", t.TempDir())
	bad.Env = append(cleanEnv(), "LAIN_RELEASE_KEY="+string(e2e.key.SecretKeyFile()), "LAIN_RELEASE_NEXT_PUBKEY=RWQnotakey")
	if r := runCmd(t, bad); r.code != 1 || !strings.Contains(r.stderr, "LAIN_RELEASE_NEXT_PUBKEY is not a minisign public key") {
		t.Errorf("a bad next key:\n%s", r)
	}
}
