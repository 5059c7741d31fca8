//go:build unix

package update_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"

	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

const deployToken = "gldt-d3ploy"

// TestDeployTokensFindReleasesThroughTheChannel (point 5): scripts/release
// uploads the release and then the channel (the index at package version
// "channel"); lain finds versions there with every kind of credential
// GitLab takes for package downloads, including deploy tokens (header, or
// HTTP basic in the URL), which the Packages API refuses.
func TestDeployTokensFindReleasesThroughTheChannel(t *testing.T) {
	needE2E(t)
	if _, err := exec.LookPath("minisign"); err != nil {
		testenv.Missing(t, "minisign is not installed (apt-get install minisign)")
	}
	g := updatetest.NewGitLab(t, map[string]string{"JOB-TOKEN": "job-t0ken", "PRIVATE-TOKEN": token, "Deploy-Token": deployToken})
	// An earlier release published by an earlier pipeline: its channel.
	g.AddRelease("lain", updatetest.NewRelease(vA, e2e.asset, e2e.a, &e2e.key))
	g.PublishChannel("lain")
	mk := exec.Command(filepath.Join(e2e.repo, "scripts", "release"), vB, t.TempDir())
	mk.Env = append(cleanEnv(), "LAIN_UPDATE_URL="+g.PackageURL("lain"), "LAIN_RELEASE_UPLOAD="+g.PackageURL("lain"),
		"CI_JOB_TOKEN=job-t0ken", "LAIN_RELEASE_KEY="+string(e2e.key.SecretKeyFile()),
		"LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	if r := runCmd(t, mk); r.code != 0 {
		t.Fatalf("scripts/release:\n%s", r)
	}
	var puts []string
	for _, req := range g.Requests() {
		if req.Method == "PUT" {
			puts = append(puts, strings.TrimPrefix(req.Path, "/api/v4/projects/42/packages/generic/lain/"))
		}
	}
	if want := vB + "/" + e2e.asset + " " + vB + "/checksums.txt.minisig " + vB + "/checksums.txt channel/index.json channel/install.sh"; strings.Join(puts, " ") != want {
		t.Errorf("uploads %q, want %q (the channel last)", puts, want)
	}
	var idx update.Index
	b, _ := g.File("lain", "channel", "index.json")
	bin, _ := g.File("lain", vB, e2e.asset)
	if err := json.Unmarshal(b, &idx); err != nil || strings.Join(idx.Versions, " ") != vA+" "+vB || idx.Sizes[vB][e2e.asset] != int64(len(bin)) {
		t.Fatalf("channel: %s", b)
	}

	u := g.PackageURL("lain")
	withBasic := strings.Replace(u, "http://", "http://deployer:"+deployToken+"@", 1)
	for _, c := range []struct {
		name string
		env  []string
		sent string
	}{
		{"deploy token header", []string{update.EnvURL + "=" + u, update.EnvGitLabDeployToken + "=" + deployToken}, "Deploy-Token"},
		{"gldt- token in LAIN_GITLAB_TOKEN", []string{update.EnvURL + "=" + u, update.EnvGitLabToken + "=" + deployToken}, "Deploy-Token"},
		{"deploy token as HTTP basic", []string{update.EnvURL + "=" + withBasic}, "Basic"},
		{"personal access token", []string{update.EnvURL + "=" + u, update.EnvGitLabToken + "=" + token}, "PRIVATE-TOKEN"},
		{"CI job token", []string{update.EnvURL + "=" + u, "CI_JOB_TOKEN=job-t0ken", "CI=true"}, "JOB-TOKEN"},
	} {
		before := len(g.Requests())
		in := newInstall(t, e2e.a)
		r := in.run(t, c.env, "frobnicate")
		in.assertUpgraded(t, r, bin, vA, vB)
		for _, req := range g.Requests()[before:] {
			if req.AuthHeader != c.sent || strings.HasSuffix(req.Path, "/packages") {
				t.Errorf("%s: %s %s sent %q (status %d)", c.name, req.Method, req.Path, req.AuthHeader, req.Status)
			}
		}
		if strings.Contains(r.stderr, deployToken) {
			t.Errorf("%s: the token was printed", c.name)
		}
	}

	// Private project, no token: GitLab hides the project (404).
	in := newInstall(t, e2e.a)
	r := in.run(t, []string{update.EnvURL + "=" + u}, "upgrade")
	if want := "lain: GitLab has no lain releases at " + u + " that you may see without a token (404 Project Not Found)\n"; r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("no token on a private project:\n%s", r)
	}
	// The same project made public: no token needed.
	g.Public = true
	r = in.run(t, []string{update.EnvURL + "=" + u}, "frobnicate")
	in.assertUpgraded(t, r, bin, vA, vB)
}

// TestDeployTokenWithoutChannelSaysWhy: releases published before the
// channel existed are listed through the Packages API, which GitLab
// refuses to deploy tokens; lain says so instead of "not found".
func TestDeployTokenWithoutChannelSaysWhy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	g.Tokens["Deploy-Token"] = deployToken
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + g.PackageURL("lain"), update.EnvGitLabDeployToken + "=" + deployToken}
	r := in.run(t, env, "upgrade")
	if want := "lain: " + g.PackageURL("lain") + " has no release channel (channel/index.json), and GitLab does not let deploy tokens list packages (404 Not Found)\n"; r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("got:\n%s\nwant:\n%s", r, want)
	}
	// With a personal token the Packages API fallback still works.
	r = in.run(t, gitlabEnv(g), "frobnicate")
	in.assertUpgraded(t, r, e2e.b, vA, vB)
}

// TestCheckOfAnOlderVersion (point 7): --check --version about an older
// release says so, never "up to date (newest release: <older>)".
func TestCheckOfAnOlderVersion(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB(), updatetest.NewRelease("1.0.0", e2e.asset, e2e.a, &e2e.key))
	in := newInstall(t, e2e.b)
	r := in.run(t, []string{update.EnvURL + "=" + url}, "upgrade", "--check", "--version", "1.0.0")
	if want := "lain 1.0.0 is published; it is older than this lain (1.10.0); to go back to it: lain upgrade --version 1.0.0 --force\n"; r.code != 0 || r.stdout != want {
		t.Errorf("got:\n%s", r)
	}
}

// TestUpgradeGivesUpOnAStalledServer (point 7): `lain upgrade` against a
// server that stops sending mid-body says it is waiting, gives up after
// the stall timeout keeping what arrived, and the next `lain upgrade`
// continues from there (a range request) and finishes.
func TestUpgradeGivesUpOnAStalledServer(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t, releaseB())
	release := make(chan struct{})
	stall := true
	g.Before = func(w http.ResponseWriter, r *http.Request) bool {
		if !stall || !strings.HasSuffix(r.URL.Path, "/"+e2e.asset) {
			return false
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(e2e.b)))
		_, _ = w.Write(e2e.b[:3<<20])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	}
	defer close(release)
	in := newInstall(t, e2e.a)
	r := in.run(t, gitlabEnv(g), "upgrade")
	host := strings.TrimPrefix(g.URL, "http://")
	for _, want := range []string{
		"lain: " + host + " has sent less than 16 KB in 5s; giving up at 30s\n",
		"lain: " + host + " has sent less than 16 KB in 25s; giving up at 30s\n",
		"lain: the download of lain 1.10.0 stopped at " + progress(3<<20) + ": " + host + " sent less than 16 KB in 30s; what arrived is kept beside the binary\n  next: lain upgrade   (continues where it stopped)\n",
	} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("want %q:\n%s", want, r)
		}
	}
	if r.took > update.StallTimeout+10*time.Second {
		t.Errorf("took %s", r.took)
	}
	in.assertOnly(t, "lain", partOfB())
	stall = false
	before := len(g.Requests())
	r = in.run(t, gitlabEnv(g), "upgrade")
	if r.code != 0 || !strings.Contains(r.stderr, "lain: resuming the download of lain 1.10.0 after 3.1 MB\n") {
		t.Fatalf("second lain upgrade:\n%s", r)
	}
	resumed := false
	for _, req := range g.Requests()[before:] {
		resumed = resumed || (strings.HasSuffix(req.Path, e2e.asset) && req.Range == fmt.Sprintf("bytes=%d-", 3<<20) && req.Status == http.StatusPartialContent)
	}
	if !resumed {
		t.Errorf("the download did not continue with a range request: %+v", g.Requests()[before:])
	}
	if got, _ := os.ReadFile(in.path); !bytes.Equal(got, e2e.b) {
		t.Fatal("not upgraded")
	}
}

// TestNoStaleNoticeAfterAnotherLainUpgraded (point 7): a lain that started
// before another one replaced the binary does not announce a newer lain
// that is already installed.
func TestNoStaleNoticeAfterAnotherLainUpgraded(t *testing.T) {
	needE2E(t)
	t.Parallel()
	g := newGitLab(t)
	g.AddRelease("lain", updatetest.Release{Version: "channel", Files: map[string][]byte{"index.json": []byte(`{"versions":["1.2.3","1.2.5"]}`)}})
	g.Before = func(w http.ResponseWriter, r *http.Request) bool {
		time.Sleep(700 * time.Millisecond) // the other lain upgrades meanwhile
		return false
	}
	for _, replaced := range []bool{false, true} {
		in := newInstall(t, e2e.a)
		done := make(chan result)
		go func() { done <- in.run(t, gitlabEnv(g), "frobnicate") }()
		if replaced {
			time.Sleep(300 * time.Millisecond)
			replaceAtomically(t, in.path, e2e.b)
		}
		r := <-done
		notice := "lain: lain 1.2.5 is available (you have 1.2.3); to upgrade: lain upgrade\n"
		if got := strings.Contains(r.stderr, notice); got == replaced || r.code != 2 {
			t.Errorf("binary replaced meanwhile: %v; notice printed: %v\n%s", replaced, got, r)
		}
	}
}

// TestLaunchExplainsItself (point 8): -v says why no check ran; --dry-run
// says what a forced upgrade would install.
func TestLaunchExplainsItself(t *testing.T) {
	needNginx(t)
	t.Parallel()
	_, url := site(t, releaseB())
	in := newInstall(t, e2e.a)
	env := []string{update.EnvURL + "=" + url}
	r := in.run(t, env, "--dry-run", "frobnicate")
	if want := "lain: --dry-run: lain 1.2.3 is too far behind 1.10.0 and would install it from " + url +
		", then run this command with it; running it with lain 1.2.3 (nothing replaced)\n" + unknownCommand; r.stderr != want {
		t.Errorf("--dry-run:\n%s\nwant:\n%s", r, want)
	}
	in.assertUnchanged(t, e2e.a, vA)

	// The dry run did not count as the check: the next launch upgrades.
	// After that, with the check fresh, -v says why it did not ask.
	r = in.run(t, env, "frobnicate")
	in.assertUpgraded(t, r, e2e.b, vA, vB)
	r = in.run(t, env, "-v", "frobnicate")
	cache := filepath.Join(in.home, ".cache", "lain", update.StateFile)
	if !strings.HasPrefix(r.stderr, "lain: update check skipped: the last one (") ||
		!strings.HasSuffix(r.stderr, " ago, newest release 1.10.0) is fresh for 6h0m0s (cache: "+cache+"; delete it to check now)\n"+unknownCommand) {
		t.Errorf("-v with a fresh cache:\n%s", r)
	}
}
