//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Five lain env add of different keys at once, on an app whose hello-env
// does not exist yet: every one succeeds and every key is kept (lain reads
// again and adds to the others' on 409 Conflict / AlreadyExists).
func TestAdversarialEnvAddAtOnce(t *testing.T) {
	a := newLiveApp(t, "")
	var wg sync.WaitGroup
	results := make([]Result, 5)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = a.lain("env", "add", fmt.Sprintf("K%d=v%d", i, i))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Code != 0 {
			t.Errorf("env add K%d: %s", i, r)
		}
	}
	got := secretData(t, a.ns, "hello-env")
	for i := range results {
		if k := fmt.Sprintf("K%d", i); got[k] != fmt.Sprintf("v%d", i) {
			t.Errorf("%s lost: hello-env holds %v", k, got)
		}
	}
}

// Input a user gets wrong by accident: refused with exit 2 before the
// cluster changes, and no value appears in what lain prints.
func TestAdversarialBadInputNeverPrintsAValue(t *testing.T) {
	a := newLiveApp(t, "")
	a.must("env", "add", "DB_PASSWORD=hunter2-old")
	lainEd := func(script string, args ...string) Result {
		t.Helper()
		return Lain(t, Cmd{Args: args, Dir: a.dir, Home: a.home, Env: []string{"EDITOR=" + editor(t, script)}})
	}
	noValue := func(what string, r Result, values ...string) {
		t.Helper()
		for _, v := range values {
			if strings.Contains(r.Stdout+r.Stderr, v) {
				t.Errorf("%s printed the value %q:\n%s", what, v, r)
			}
		}
	}

	// A value typed without its name; a name given twice.
	r := a.lain("env", "add", "DB_PASSWORD", "hunter2-new", "A=1", "A=2")
	if r.Code != 2 || !strings.Contains(r.Stderr, "argument 2 is not NAME=VALUE: it has no =") || !strings.Contains(r.Stderr, "A: given twice, as arguments 3 and 4") {
		t.Errorf("env add: %s", r)
	}
	noValue("env add", r, "hunter2-new")

	// A numeric PIN left unquoted in the editor: kept (0600, in a 0700
	// directory), refused with its line, never echoed.
	r = lainEd(`echo 'PIN: 73311337' >> "$1"`, "env", "edit")
	m := keptRe.FindStringSubmatch(r.Stderr)
	if r.Code != 2 || m == nil || !strings.Contains(r.Stderr, "PIN: must be a string, got a number (int)") {
		t.Fatalf("env edit: %s", r)
	}
	noValue("env edit", r, "73311337", "hunter2")
	for p, want := range map[string]os.FileMode{m[1]: 0o600, filepath.Dir(m[1]): 0o700} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", p, st.Mode(), err, want)
		}
	}
	os.Remove(m[1])
	if got := secretData(t, a.ns, "hello-env"); len(got) != 1 || got["DB_PASSWORD"] != "hunter2-old" {
		t.Errorf("hello-env changed: %v", got)
	}

	// Two files with one base name: the second would replace the first.
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"a/key.pem": "first-key", "b/key.pem": "second-key"})
	r = a.lain("secret", "add", filepath.Join(dir, "a/key.pem"), filepath.Join(dir, "b/key.pem"))
	if r.Code != 2 || !strings.Contains(r.Stderr, "would both be the file key.pem") {
		t.Errorf("secret add twice: %s", r)
	}
	a.must("secret", "add", filepath.Join(dir, "a/key.pem"))

	// An editor that truncates the one file it was given.
	r = lainEd(`: > "$1"`, "secret", "edit", "key.pem")
	if r.Code == 0 || !strings.Contains(r.Stderr, "key.pem came back empty") {
		t.Errorf("secret edit truncated: %s", r)
	}
	if got := secretData(t, a.ns, "hello-secret"); got["key.pem"] != "first-key" {
		t.Errorf("key.pem lost: %v", got)
	}

	// A file over Kubernetes' 1 MiB: the API's refusal, not the content.
	big := filepath.Join(dir, "big.txt")
	WriteFiles(t, dir, map[string]string{"big.txt": strings.Repeat("bigsecret", 130000)})
	r = a.lain("secret", "add", big)
	if r.Code != 1 || !strings.Contains(r.Stderr, "hello-secret was not changed: the cluster refused it") || !strings.Contains(r.Stderr, "1048576") {
		t.Errorf("secret add big: %s", r)
	}
	noValue("secret add big", r, "bigsecret", "first-key")
	if got := secretData(t, a.ns, "hello-secret"); len(got) != 1 {
		t.Errorf("hello-secret changed: %v", got)
	}
}

// lain init --template-only over a template the user edited: the edit is
// kept in chart/templates.backup-TIME/, and lain names it.
func TestAdversarialTemplateOnlyKeepsEdits(t *testing.T) {
	a := newLiveApp(t, "")
	p := filepath.Join(a.dir, "chart", "templates", "deployments.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, append(b, "# my tweak\n"...), 0o644)
	r := a.must("init", "--template-only")
	if !strings.Contains(r.Stderr, "kept the files it replaced, with any edits of yours, in chart/templates.backup-") || !strings.Contains(r.Stderr, ": deployments.yaml (delete") {
		t.Fatalf("init --template-only: %s", r)
	}
	kept, _ := filepath.Glob(filepath.Join(a.dir, "chart", "templates.backup-*", "deployments.yaml"))
	if len(kept) != 1 {
		t.Fatalf("backups: %v", kept)
	}
	if b, _ := os.ReadFile(kept[0]); !strings.HasSuffix(string(b), "# my tweak\n") {
		t.Errorf("the backup lost the edit")
	}
	// The chart still renders: helm ignores the backup.
	a.must("lint")
}

// lain secret show > secret.yaml failed (empty file), then apply -f, or
// env addfile --overwrite of an empty .env: refused, nothing removed.
func TestAdversarialEmptyFileRemovesNothing(t *testing.T) {
	a := newLiveApp(t, "")
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"key.pem": "k", "secret.yaml": "", "prod.env": "# nothing yet\n"})
	a.must("secret", "add", filepath.Join(dir, "key.pem"))
	a.must("env", "add", "A=1")
	r := a.lain("secret", "apply", "-f", filepath.Join(dir, "secret.yaml"))
	if r.Code != 2 || !strings.Contains(r.Stderr, "has no YAML at all") {
		t.Errorf("secret apply -f empty: %s", r)
	}
	r = a.lain("env", "addfile", "--overwrite", filepath.Join(dir, "prod.env"))
	if r.Code != 2 || !strings.Contains(r.Stderr, "has no variables: with --overwrite it would remove every variable") {
		t.Errorf("env addfile --overwrite empty: %s", r)
	}
	if got := secretData(t, a.ns, "hello-secret"); got["key.pem"] != "k" {
		t.Errorf("hello-secret: %v", got)
	}
	if got := secretData(t, a.ns, "hello-env"); got["A"] != "1" {
		t.Errorf("hello-env: %v", got)
	}
}
