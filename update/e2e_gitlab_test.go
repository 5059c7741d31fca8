//go:build unix

package update_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

const token = "glpat-s3cret-t0ken"

// newGitLab is a GitLab project whose package list makes a naive client
// pick the wrong lain: 150 fuzzy matches ("lain-helper" 2.x, sorting
// first as text) push the real releases to later pages, and besides B
// (1.10.0) there are 1.9.9 (first as text), a pre-release, non-semver
// versions, a broken upload and another package type, all newer-looking.
func newGitLab(t *testing.T, rels ...updatetest.Release) *updatetest.GitLab {
	t.Helper()
	g := updatetest.NewGitLab(t, map[string]string{"PRIVATE-TOKEN": token, "JOB-TOKEN": "job-" + token})
	for i := range 150 {
		g.AddPackage(updatetest.Package{Name: "lain-helper", Version: fmt.Sprintf("2.%d.0", i)})
	}
	for i := range 100 {
		g.AddPackage(updatetest.Package{Name: "lain", Version: fmt.Sprintf("0.%d.0", i)})
	}
	for _, p := range []updatetest.Package{
		{Name: "blain", Version: "3.0.0"},
		{Name: "lain", Version: "2.0.0-rc.1"},
		{Name: "lain", Version: "latest"},
		{Name: "lain", Version: "1.11"},
		{Name: "lain", Version: "1.9.9"},
		{Name: "lain", Version: "5.0.0", Status: "error"},
		{Name: "lain", Version: "6.0.0", Type: "npm"},
		{Name: "lain", Version: vA},
	} {
		g.AddPackage(p)
	}
	for _, r := range rels {
		g.AddRelease("lain", r)
	}
	return g
}

func releaseB() updatetest.Release {
	return updatetest.NewRelease(vB, e2e.asset, e2e.b, &e2e.key)
}

func gitlabEnv(g *updatetest.GitLab, extra ...string) []string {
	return append([]string{update.EnvURL + "=" + g.PackageURL("lain"), update.EnvGitLabToken + "=" + token}, extra...)
}

func TestGitLabUpgradeThenReexec(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	in := newInstall(t, e2e.a)

	r := in.run(t, gitlabEnv(g), "frobnicate")
	in.assertUpgraded(t, r, e2e.b, vA, vB)
	if want := "lain: upgraded 1.2.3 -> 1.10.0\n" + unknownCommand; r.stderr != want {
		t.Errorf("off a terminal an upgrade is one log line; got:\n%s", r)
	}

	// Every page was read, with the token header; the token was never shown.
	var pages []string
	for _, req := range g.Requests() {
		if req.AuthHeader != "PRIVATE-TOKEN" {
			t.Errorf("%s %s sent no PRIVATE-TOKEN", req.Method, req.Path)
		}
		if strings.HasSuffix(req.Path, "/packages") {
			pages = append(pages, req.Query)
		}
	}
	if len(pages) != 3 || !strings.Contains(pages[2], "page=3") {
		t.Errorf("want 3 pages of packages, read: %q", pages)
	}

	// The cache records the check, for the new version, readable only by
	// the user.
	cache := filepath.Join(in.home, ".cache", "lain", update.StateFile)
	fi, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", cache, fi.Mode().Perm())
	}
	var st update.State
	b, _ := os.ReadFile(cache)
	if err := json.Unmarshal(b, &st); err != nil || st.Version != vB || st.Latest != vB || time.Since(st.CheckedAt) > time.Minute {
		t.Errorf("cache does not record the check: %s", b)
	}

	// The next launch trusts the cache: no request at all.
	n := len(g.Requests())
	r = in.run(t, gitlabEnv(g), "-v", "frobnicate")
	if len(g.Requests()) != n || r.code != 2 || !strings.HasPrefix(r.stderr, "lain: update check skipped: the last one (") ||
		!strings.HasSuffix(r.stderr, "; delete it to check now)\n"+unknownCommand) {
		t.Errorf("a warm launch asked the server (%d requests) or printed more:\n%s", len(g.Requests())-n, r)
	}
	if strings.Contains(r.stderr+r.stdout, token) {
		t.Error("the token was printed")
	}
}

func TestGitLabWithoutToken(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + g.PackageURL("lain")}

	// On launch the 404 is silent, and the command runs.
	r := in.run(t, env, "frobnicate")
	if r.stderr != unknownCommand {
		t.Errorf("a failed check must be silent without -v:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)

	// `lain upgrade` explains what to do.
	r = in.run(t, env, "upgrade")
	// A private project: GitLab answers 404 without a token, as if there
	// were no project at all.
	want := "lain: GitLab has no lain releases at " + g.PackageURL("lain") + " that you may see without a token (404 Project Not Found)\n" +
		"  next: export LAIN_GITLAB_TOKEN=<GitLab token with read_api scope>, then: lain upgrade\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("got:\n%s\nwant stderr:\n%s", r, want)
	}
	// A wrong token is named as such, and not printed.
	r = in.run(t, append(env, update.EnvGitLabToken+"=glpat-wrong-one"), "upgrade")
	if r.code != 1 || !strings.Contains(r.stderr, "GitLab refused your token") || strings.Contains(r.stderr, "wrong-one") {
		t.Errorf("got:\n%s", r)
	}
	// In GitLab CI the job token is used (JOB-TOKEN header).
	r = in.run(t, append(env, "CI_JOB_TOKEN=job-"+token, "CI=true"), "upgrade", "--check")
	if r.code != 0 || r.stdout != "lain 1.10.0 is available (you have 1.2.3); to upgrade: lain upgrade\n" {
		t.Errorf("got:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)
}

// refused runs A against a GitLab serving rel as the newest release and
// checks that it is refused with msg, the command runs, and A is intact.
func refused(t *testing.T, bin []byte, rel updatetest.Release, msg string) {
	t.Helper()
	g := newGitLab(t, rel)
	in := newInstall(t, bin)
	r := in.run(t, gitlabEnv(g), "frobnicate")
	assertRanOld(t, r)
	if !strings.Contains(r.stderr, "lain: refusing lain 1.10.0 from "+g.PackageURL("lain")+": ") ||
		!strings.Contains(r.stderr, msg) || !strings.Contains(r.stderr, "lain: running this command with lain 1.2.3: upgrading to 1.10.0 failed (above)\n") {
		t.Errorf("want %q:\n%s", msg, r)
	}
	in.assertUnchanged(t, bin, vA)

	// Explained once per check interval; until the next check, each
	// command only says in one line why it runs on the old lain.
	if r := in.run(t, gitlabEnv(g), "frobnicate"); r.stderr != "lain: running this command with lain 1.2.3: it is too far behind 1.10.0, and upgrading failed 0s ago (to retry now: lain upgrade)\n"+unknownCommand {
		t.Errorf("second launch:\n%s", r)
	}
	// `lain upgrade` refuses too, with exit 1.
	if r := in.run(t, gitlabEnv(g), "upgrade"); r.code != 1 || !strings.Contains(r.stderr, msg) {
		t.Errorf("lain upgrade:\n%s", r)
	}
	in.assertUnchanged(t, bin, vA)
}

func TestRefusesTamperedAsset(t *testing.T) {
	needE2E(t)
	t.Parallel()
	rel := releaseB()
	bad := append([]byte(nil), e2e.b...)
	bad[len(bad)/2] ^= 0xff
	rel.Files[e2e.asset] = bad
	refused(t, e2e.a, rel, "the sha256 of "+e2e.asset+" does not match checksums.txt (tampered with, or corrupted on the way)")
}

func TestRefusesBadSignature(t *testing.T) {
	needE2E(t)
	t.Parallel()
	t.Run("other key", func(t *testing.T) {
		rel := releaseB()
		rel.Sign(e2e.otherKey)
		refused(t, e2e.a, rel, fmt.Sprintf("checksums.txt.minisig was signed with key %X, not this lain's release key %X", e2e.otherKey.ID, e2e.key.ID))
	})
	t.Run("checksums changed after signing", func(t *testing.T) {
		rel := releaseB()
		bad := append([]byte(nil), e2e.b...)
		bad = append(bad, "evil"...)
		rel.Files[e2e.asset] = bad
		rel.Files["checksums.txt"] = updatetest.NewRelease(vB, e2e.asset, bad, nil).Files["checksums.txt"]
		refused(t, e2e.a, rel, "the signature in checksums.txt.minisig does not match checksums.txt")
	})
	t.Run("old release replayed as new", func(t *testing.T) {
		rel := releaseB()
		rel.Files["checksums.txt.minisig"] = e2e.key.Sign(rel.Files["checksums.txt"], "lain 1.0.0")
		refused(t, e2e.a, rel, `checksums.txt.minisig is signed for "lain 1.0.0", not "lain 1.10.0"`)
	})
}

func TestRefusesMissingSignature(t *testing.T) {
	needE2E(t)
	t.Parallel()
	rel := releaseB()
	delete(rel.Files, "checksums.txt.minisig")
	refused(t, e2e.a, rel, "it has no signature (checksums.txt.minisig); this lain only installs signed releases")
}

func TestNoKeyBuiltInChecksChecksumsOnly(t *testing.T) {
	needE2E(t)
	t.Parallel()
	rel := updatetest.NewRelease(vB, e2e.asset, e2e.b, nil) // no signature published
	g := newGitLab(t, rel)
	in := newInstall(t, e2e.aNoKey)
	r := in.run(t, gitlabEnv(g), "frobnicate")
	const note = "lain: signatures are off: this lain has no release public key built in, so only checksums are verified (docs/releases.md)\n"
	if strings.Count(r.stderr, "signatures are off") != 1 || !strings.HasPrefix(r.stderr, note) {
		t.Errorf("want the note once:\n%s", r)
	}
	in.assertUpgraded(t, r, e2e.b, vA, vB)

	// Without a key the checksums still count.
	rel = updatetest.NewRelease(vB, e2e.asset, e2e.b, nil)
	rel.Files[e2e.asset] = append([]byte("x"), e2e.b...)
	refused(t, e2e.aNoKey, rel, "the sha256 of "+e2e.asset+" does not match checksums.txt")
}

func TestServer500IsSilent(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	g.Before = func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, `{"message":"500 Internal Server Error"}`, http.StatusInternalServerError)
		return true
	}
	in := newInstall(t, e2e.a)
	r := in.run(t, gitlabEnv(g), "frobnicate")
	if r.stderr != unknownCommand {
		t.Errorf("a server error must be silent without -v:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)

	// -v says what happened (after the interval: a fresh HOME).
	in2 := newInstall(t, e2e.a)
	r = in2.run(t, gitlabEnv(g), "-v", "frobnicate")
	assertRanOld(t, r)
	if !strings.Contains(r.stderr, "lain: update check failed: ") || !strings.Contains(r.stderr, "500 Internal Server Error") {
		t.Errorf("-v should explain:\n%s", r)
	}
	if strings.Contains(r.stderr, token) {
		t.Error("the token was printed")
	}
}

// maxLaunch is the budget plus time to start and exit the process twice
// (old and new) on a busy machine.
const maxLaunch = update.LaunchBudget + 700*time.Millisecond

func TestHungServerCostsAtMostTheBudget(t *testing.T) {
	needE2E(t)
	t.Parallel()
	for _, c := range []struct{ name, hangOn string }{
		{"listing", "/packages"},
		{"download", "/" + e2e.asset},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGitLab(t, releaseB())
			release := make(chan struct{})
			defer close(release)
			g.Before = func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, c.hangOn) {
					return false
				}
				if c.hangOn != "/packages" { // send a little, then stall
					w.Header().Set("Content-Length", fmt.Sprint(len(e2e.b)))
					_, _ = w.Write(e2e.b[:64<<10])
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
				return true
			}
			in := newInstall(t, e2e.a)
			r := in.run(t, gitlabEnv(g), "frobnicate")
			if r.took > maxLaunch {
				t.Errorf("took %s with a hung server (budget %s)", r.took, update.LaunchBudget)
			}
			// A hung listing is silent (no upgrade was known to be due); a
			// hung download of a forced upgrade says why the command runs
			// on the old lain, and keeps what arrived for the next launch.
			want := unknownCommand
			if c.name == "download" {
				want = "lain: running this command with lain 1.2.3: lain 1.2.3 is too far behind 1.10.0, whose download got to " + progress(64<<10) + "; " +
					"the next command continues it, or now: lain upgrade\n" + unknownCommand
			}
			if r.stderr != want {
				t.Errorf("got:\n%s\nwant:\n%s", r, want)
			}
			in.assertUnchanged(t, e2e.a, vA)
		})
	}
}

func TestConnectionCutMidDownload(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	g.Before = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/"+e2e.asset) {
			return false
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return true
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", len(e2e.b))
		_, _ = buf.Write(e2e.b[:len(e2e.b)/2])
		_ = buf.Flush()
		conn.Close()
		return true
	}
	in := newInstall(t, e2e.a)
	why := "lain: running this command with lain 1.2.3: lain 1.2.3 is too far behind 1.10.0, whose download got to " + progress(int64(len(e2e.b)/2)) + "; " +
		"the next command continues it, or now: lain upgrade\n"
	r := in.run(t, gitlabEnv(g), "frobnicate")
	if r.stderr != why+unknownCommand {
		t.Errorf("got:\n%s", r)
	}
	in.assertUnchanged(t, e2e.a, vA)
	// The next launch continues (the cache is fresh, but a download is
	// pending); this server ignores the range and cuts again.
	if r := in.run(t, gitlabEnv(g), "frobnicate"); r.stderr != why+unknownCommand {
		t.Errorf("second launch:\n%s", r)
	}
	// Once the server behaves, a launch finishes it with a range request.
	g.Before = nil
	n := len(g.Requests())
	r = in.run(t, gitlabEnv(g), "frobnicate")
	in.assertUpgraded(t, r, e2e.b, vA, vB)
	for _, req := range g.Requests()[n:] {
		if strings.HasSuffix(req.Path, e2e.asset) && (req.Range != fmt.Sprintf("bytes=%d-", len(e2e.b)/2) || req.Status != http.StatusPartialContent) {
			t.Errorf("not resumed: %+v", req)
		}
	}
}

// TestSkippedWhereItMustNotRun: no request at all for completion, Tab,
// help, --version, upgrade itself, bare lain, and the two bypasses.
func TestSkippedWhereItMustNotRun(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	in := newInstall(t, e2e.a)
	for _, c := range []struct {
		env  []string
		args []string
	}{
		{nil, []string{"completion", "bash"}},
		{nil, []string{"__complete", "completion", ""}},
		{nil, []string{"__completeNoDesc", "compl"}},
		{nil, []string{"help"}},
		{nil, []string{"help", "completion"}},
		{nil, []string{"--help"}},
		{nil, []string{"--version"}},
		{nil, []string{"upgrade", "--help"}},
		{nil, nil},
		{[]string{"LAIN_NO_UPDATE=1"}, []string{"frobnicate"}},
		{[]string{"LAIN_IGNORE_LINT=true"}, []string{"frobnicate"}},
		{nil, []string{"--ignore-lint", "frobnicate"}},
	} {
		r := in.run(t, gitlabEnv(g, c.env...), c.args...)
		if n := len(g.Requests()); n != 0 {
			t.Fatalf("lain %s (env %v) made %d requests:\n%s", strings.Join(c.args, " "), c.env, n, r)
		}
		if strings.Contains(r.stderr, "upgraded") {
			t.Fatalf("lain %s upgraded:\n%s", strings.Join(c.args, " "), r)
		}
	}
	in.assertUnchanged(t, e2e.a, vA)
	// The control: a real command does check.
	in.run(t, gitlabEnv(g), "frobnicate")
	if len(g.Requests()) == 0 {
		t.Fatal("the check never ran")
	}
}

func TestDevBuildWithoutSourceDoesNothing(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	in := newInstall(t, e2e.dev)
	// Nothing baked in (like `go build .`): no check, no cache, no output.
	r := in.run(t, nil, "-v", "frobnicate")
	if r.stderr != unknownCommand {
		t.Errorf("got:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(in.home, ".cache", "lain")); !os.IsNotExist(err) {
		t.Errorf("a dev build wrote its cache dir (%v)", err)
	}
	// With a source but a version that is not a release: still nothing.
	r = in.run(t, gitlabEnv(g), "-v", "frobnicate")
	if len(g.Requests()) != 0 || !strings.Contains(r.stderr, `no update check: "dev" is a development build`) {
		t.Errorf("%d requests:\n%s", len(g.Requests()), r)
	}
	in.assertUnchanged(t, e2e.dev, "dev")
}

// progress is how lain reports done bytes of the release binary, which
// grows with every change to lain: tests must not pin its size.
func progress(done int64) string {
	return (&update.PartialError{Done: done, Total: int64(len(e2e.b))}).Progress()
}
