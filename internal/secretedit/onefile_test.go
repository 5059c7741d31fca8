package secretedit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// secret edit NAME with an editor that truncates the file: the file keeps
// its content on the cluster, and lain says how to empty it on purpose.
func TestEditOneFileThatComesBackEmptyAppliesNothing(t *testing.T) {
	e := newFilesSession(t, `: > "$1"`, `{"a.txt":"czNjcjN0"}`)
	err := e.s.Edit(context.Background(), "a.txt")
	got := clierr.Format(err)
	if err == nil || !strings.Contains(got, `hello-secret was not changed: a.txt came back empty; to make it an empty file on purpose, run lain secret edit and write a.txt: ""`) {
		t.Fatal(got)
	}
	if e.sent(t) != nil || strings.Contains(got+e.err.String(), "s3cr3t") {
		t.Fatalf("applied or printed: %s\n%s", e.rec, e.err)
	}
	if b, _ := KeptFor(e.s.KeptDir, "prod", "hello-secret", "a.txt").Load(); b != nil {
		t.Error("an empty edit was kept")
	}
}

// An editor that fails twice: the leftovers of the first stay beside those
// of the second.
func TestEditorFailingTwiceKeepsBothLeftovers(t *testing.T) {
	var dir string
	for i, word := range []string{"first", "second"} {
		e := newSession(t, `echo '`+word+`-work' >> "$1"; exit 1`)
		if i == 0 {
			dir = e.s.KeptDir
		}
		e.s.KeptDir = dir
		if err := e.s.Edit(context.Background(), ""); err == nil {
			t.Fatal("applied")
		}
	}
	kept := KeptFor(dir, "prod", "hello-env", "")
	for p, word := range map[string]string{kept.Path + ".unfinished": "first-work", kept.Path + ".unfinished-2": "second-work"} {
		if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), word) {
			t.Errorf("%s: %q %v", p, b, err)
		}
	}
}

// secret edit NAME of a binary file (a keystore) never opens the editor.
func TestEditOneBinaryFileIsRefused(t *testing.T) {
	e := newFilesSession(t, `echo opened > "$1.opened"`, `{"k.p12":"MIIC/wD+"}`)
	err := e.s.Edit(context.Background(), "k.p12")
	if got := clierr.Format(err); clierr.Code(err) != clierr.ExitUsage || !strings.Contains(got, "k.p12 is binary") || !strings.Contains(got, "next: lain secret show k.p12 > k.p12") {
		t.Fatal(got)
	}
	if e.sent(t) != nil {
		t.Fatal("applied")
	}
}

// secret edit token saved unchanged in an editor that ends files with a
// newline: the token stays as it was.
func TestEditOneFileOnlyGainingAFinalNewlineIsNoChange(t *testing.T) {
	e := newFilesSession(t, `echo >> "$1"`, `{"token":"czNjcjN0"}`)
	if err := e.s.Edit(context.Background(), "token"); err != nil {
		t.Fatal(err)
	}
	if e.sent(t) != nil || !strings.Contains(e.err.String(), "token only gained a final newline (editors add one on save): not applied") || !strings.Contains(e.err.String(), "hello-secret: no change, nothing applied") {
		t.Fatalf("%s\n%s", e.rec, e.err)
	}
}

// newFilesSession is newSession on hello-secret holding data (the JSON
// "data" map of kubectl get, base64 values).
func newFilesSession(t *testing.T, script, data string) *sessionEnv {
	t.Helper()
	e := newSession(t, script)
	e.s.Kind = Files
	e.rec = &runner.Recorder{}
	e.rec.On("kubectl get secret hello-secret -o json", `{"metadata":{"name":"hello-secret","resourceVersion":"7"},"data":`+data+`}`, 0)
	e.s.Kube = kube.New(e.rec)
	return e
}

// A kept edit resumed after someone else changed the Secret: lain warns
// that saving replaces their change.
func TestResumingAfterTheSecretChangedWarns(t *testing.T) {
	e := newSession(t, `echo 'BROKEN: [' >> "$1"`)
	if err := e.s.Edit(context.Background(), ""); err == nil {
		t.Fatal("applied a broken edit")
	}
	same := newSession(t, "true") // resumed, same version: no warning
	same.s.KeptDir = e.s.KeptDir
	if err := same.s.Edit(context.Background(), ""); err == nil || strings.Contains(same.err.String(), "warning") {
		t.Fatalf("%v\n%s", err, same.err)
	}
	e2 := newSession(t, `sed -i 's/^BROKEN: \[/BROKEN: "ok"/' "$1"`)
	e2.s.KeptDir = e.s.KeptDir
	e2.rec = &runner.Recorder{}
	e2.rec.On("kubectl get secret hello-env -o json", strings.Replace(helloEnv, `"42"`, `"43"`, 1), 0)
	e2.s.Kube = kube.New(e2.rec)
	if err := e2.s.Edit(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e2.err.String(), "warning: hello-env changed on cluster prod since your edit was kept (someone else's change)") {
		t.Fatal(e2.err.String())
	}
	if left, _ := filepath.Glob(filepath.Join(e.s.KeptDir, "prod", "*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(e.s.KeptDir, "prod", ".*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
