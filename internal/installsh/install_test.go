//go:build unix

package installsh

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"
	"github.com/lain-cli/lain/update/updatetest"
)

const version = "1.4.0"

var asset = updatetest.Asset(runtime.GOOS, runtime.GOARCH)

// source is a release published by scripts/release into a directory nginx
// serves, as a team's static release source.
type source struct {
	www, url string // served directory, its URL
}

func newSource(t *testing.T) source {
	t.Helper()
	needTools(t)
	www := t.TempDir()
	ng, err := updatetest.StartNginx(www, t.TempDir())
	if err != nil {
		testenv.Missing(t, err.Error())
	}
	t.Cleanup(ng.Stop)
	key := updatetest.NewKey()
	keyFile := filepath.Join(t.TempDir(), "lain.key")
	if err := os.WriteFile(keyFile, key.SecretKeyFile(), 0o600); err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	rel := exec.Command(filepath.Join(repo, "scripts", "release"), version, filepath.Join(www, "lain"))
	rel.Env = append(withoutLain(os.Environ()), "LAIN_UPDATE_URL="+ng.URL+"/lain",
		"LAIN_RELEASE_KEY_FILE="+keyFile, "LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	if out, err := rel.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}
	return source{www: filepath.Join(www, "lain"), url: ng.URL + "/lain"}
}

// tampered copies the release to a sibling path with the binary replaced
// by a stand-in claiming to be lain; resum also rewrites checksums.txt to
// match it (an attacker who controls the server but not the key).
func (s source) tampered(t *testing.T, name string, resum bool) (url string) {
	t.Helper()
	dir := filepath.Join(filepath.Dir(s.www), name)
	if out, err := exec.Command("cp", "-r", s.www, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	fake := []byte("#!/bin/sh\necho 'lain " + version + "'\n")
	if err := os.WriteFile(filepath.Join(dir, version, asset), fake, 0o755); err != nil {
		t.Fatal(err)
	}
	if resum {
		sum := sha256.Sum256(fake)
		line := hex.EncodeToString(sum[:]) + "  " + asset + "\n"
		if err := os.WriteFile(filepath.Join(dir, version, "checksums.txt"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return strings.TrimSuffix(s.url, "/lain") + "/" + name
}

type result struct {
	code           int
	stdout, stderr string
}

// curlPipeSh runs the README's line, `curl -fsSL URL/install.sh | sh`, in
// a temp HOME; extra are more environment variables.
func curlPipeSh(t *testing.T, scriptURL, home, path string, extra ...string) result {
	t.Helper()
	cmd := exec.Command("sh", "-c", `curl -fsSL "$1" | sh`, "sh", scriptURL)
	cmd.Env = append([]string{"HOME=" + home, "PATH=" + path, "TMPDIR=" + t.TempDir()}, extra...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

func TestInstallFromStaticSource(t *testing.T) {
	s := newSource(t)
	home := t.TempDir()
	r := curlPipeSh(t, s.url+"/install.sh", home, os.Getenv("PATH"))
	if r.code != 0 {
		t.Fatalf("install.sh exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	bin := filepath.Join(home, ".local", "bin", "lain")
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "lain "+version+"\n") {
		t.Fatalf("%s --version = %q, %v", bin, out, err)
	}
	for _, want := range []string{"signature verified", "installed lain " + version + " as " + bin,
		".local/bin is not on your PATH", `export PATH="` + filepath.Dir(bin) + `:$PATH"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, want := range []string{bin + " completion --help", bin + " doctor"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}

	// Run again with the directory on PATH: the next commands are plain
	// `lain ...`, and there is no PATH advice.
	r = curlPipeSh(t, s.url+"/install.sh", home, filepath.Dir(bin)+":"+os.Getenv("PATH"))
	if r.code != 0 || strings.Contains(r.stderr, "not on your PATH") || !strings.Contains(r.stdout, "  lain completion --help") {
		t.Fatalf("second install, on PATH: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}

	// LAIN_INSTALL_DIR picks another directory.
	other := filepath.Join(t.TempDir(), "tools")
	r = curlPipeSh(t, s.url+"/install.sh", t.TempDir(), os.Getenv("PATH"), "LAIN_INSTALL_DIR="+other)
	if _, err := os.Stat(filepath.Join(other, "lain")); r.code != 0 || err != nil {
		t.Fatalf("LAIN_INSTALL_DIR: exit %d, %v\n%s", r.code, err, r.stderr)
	}
}

// A binary that does not match checksums.txt is refused, and nothing is
// installed.
func TestInstallRefusesTamperedBinary(t *testing.T) {
	s := newSource(t)
	for _, tc := range []struct {
		name  string
		resum bool
		want  string
	}{
		{"bad-binary", false, "sha256"},
		{"bad-binary-and-checksums", true, "is not signed by the release key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := s.tampered(t, tc.name, tc.resum)
			home := t.TempDir()
			// The published install.sh, pointed at the tampered copy.
			r := curlPipeSh(t, s.url+"/install.sh", home, os.Getenv("PATH"), "LAIN_INSTALL_URL="+url)
			if r.code == 0 || !strings.Contains(r.stderr, "refusing lain "+version) || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, want a refusal naming %q\nstderr:\n%s", r.code, tc.want, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(home, ".local", "bin", "lain")); !os.IsNotExist(err) {
				t.Errorf("a lain was installed anyway (stat: %v)", err)
			}
		})
	}
}

// Without minisign, install.sh still installs a signed release, checking
// the sha256 only, and says so (and how to get minisign).
func TestInstallWithoutMinisign(t *testing.T) {
	s := newSource(t)
	// A PATH with what install.sh needs, minus minisign.
	bin := t.TempDir()
	for _, tool := range []string{"sh", "curl", "awk", "sha256sum", "mktemp", "uname", "tr", "grep", "cat", "cp", "mv", "mkdir", "chmod", "rm", "head", "tail"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			testenv.Missing(t, tool+" is not installed (apt-get install it)")
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	r := curlPipeSh(t, s.url+"/install.sh", home, bin)
	if r.code != 0 || !strings.Contains(r.stderr, "minisign is not installed: checking the sha256 only") {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "bin", "lain")); err != nil {
		t.Fatal(err)
	}
	// The sha256 is still checked.
	url := s.tampered(t, "bad-binary", false)
	r = curlPipeSh(t, s.url+"/install.sh", t.TempDir(), bin, "LAIN_INSTALL_URL="+url)
	if r.code == 0 || !strings.Contains(r.stderr, "sha256") {
		t.Fatalf("tampered, without minisign: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// A source without the release (a wrong URL) fails with the URL it tried.
func TestInstallFromWrongSource(t *testing.T) {
	s := newSource(t)
	r := curlPipeSh(t, s.url+"/install.sh", t.TempDir(), os.Getenv("PATH"), "LAIN_INSTALL_URL="+s.url+"/nothing-here")
	if r.code == 0 || !strings.Contains(r.stderr, "could not download "+s.url+"/nothing-here/"+version+"/checksums.txt") {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// From a private GitLab project: make release uploads install.sh to the
// channel, and a member with the team's deploy token installs with
//
//	curl -fsSL -H "Deploy-Token: $LAIN_GITLAB_TOKEN" <package URL>/channel/install.sh | sh
func TestInstallFromPrivateGitLab(t *testing.T) {
	needTools(t)
	const deploy = "gldt-team"
	g := updatetest.NewGitLab(t, map[string]string{"JOB-TOKEN": "job-t0ken", "Deploy-Token": deploy})
	key := updatetest.NewKey()
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	rel := exec.Command(filepath.Join(repo, "scripts", "release"), version, t.TempDir())
	rel.Env = append(withoutLain(os.Environ()), "LAIN_UPDATE_URL="+g.PackageURL("lain"), "LAIN_RELEASE_UPLOAD="+g.PackageURL("lain"),
		"CI_JOB_TOKEN=job-t0ken", "LAIN_RELEASE_KEY="+string(key.SecretKeyFile()),
		"LAIN_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH)
	if out, err := rel.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}
	home := t.TempDir()
	cmd := exec.Command("sh", "-c", `curl -fsSL -H "Deploy-Token: $LAIN_GITLAB_TOKEN" "$1" | sh`, "sh", g.PackageURL("lain")+"/channel/install.sh")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir(), "LAIN_GITLAB_TOKEN=" + deploy}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install from GitLab: %v\n%s", err, out)
	}
	v, err := exec.Command(filepath.Join(home, ".local", "bin", "lain"), "--version").Output()
	if err != nil || !strings.HasPrefix(string(v), "lain "+version+"\n") {
		t.Fatalf("installed lain --version = %q, %v\n%s", v, err, out)
	}
	// Without the token the private project answers 404: install.sh says
	// how to pass one.
	b, _ := g.File("lain", "channel", "install.sh")
	script := filepath.Join(t.TempDir(), "install.sh")
	if err := os.WriteFile(script, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("sh", script)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir()}
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "export LAIN_GITLAB_TOKEN=gldt-") {
		t.Fatalf("without a token: %v\n%s", err, out)
	}
}

// needTools skips (fails under CI=true) where install.sh cannot be tested.
func needTools(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("install.sh is for Linux and macOS")
	}
	for _, tool := range []string{"curl", "minisign", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool+" is not installed")
		}
	}
}

func withoutLain(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LAIN_") {
			out = append(out, kv)
		}
	}
	return out
}
