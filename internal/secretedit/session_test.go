package secretedit

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/webhook"
	"github.com/lain-cli/lain/prompts"
)

const helloEnv = `{"metadata":{"name":"hello-env","resourceVersion":"42"},"data":{"FOO":"YmFy","PORT":"ODA4MA=="}}`

type sessionEnv struct {
	s        *Session
	rec      *runner.Recorder
	out, err *strings.Builder
	hooks    []string
	prompter *prompts.Scripted
}

// newSession edits hello-env with a recorded kubectl and a real editor:
// a shell script (script is its body; the file is $1).
func newSession(t *testing.T, script string) *sessionEnv {
	t.Helper()
	e := &sessionEnv{rec: &runner.Recorder{}, out: &strings.Builder{}, err: &strings.Builder{}, prompter: &prompts.Scripted{}}
	e.rec.On("kubectl get secret hello-env -o json", helloEnv, 0)
	ed := filepath.Join(t.TempDir(), "ed.sh")
	os.WriteFile(ed, []byte("#!/bin/sh\n"+script+"\n"), 0o755)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.hooks = append(e.hooks, string(b))
	}))
	t.Cleanup(srv.Close)
	ios, _, _, _ := iostreams.Test()
	ios.Out, ios.ErrOut = e.out, e.err
	e.s = &Session{
		Kind: Env, App: "hello", Cluster: "prod", IO: ios, Prompter: e.prompter,
		Kube:   kube.New(e.rec),
		Runner: runner.NewExec(runner.Options{Out: io.Discard, ErrOut: io.Discard, Env: os.Environ()}),
		Editor: []string{ed}, KeptDir: t.TempDir(), User: "alice",
		Webhook: webhook.Config{URL: srv.URL}, HTTP: srv.Client(),
	}
	return e
}

func (e *sessionEnv) sent(t *testing.T) map[string][]byte {
	t.Helper()
	for i, l := range e.rec.Lines {
		if l == "kubectl replace -f -" || l == "kubectl create -f -" {
			b, _ := io.ReadAll(e.rec.Cmds[i].Stdin)
			var s struct{ Data map[string][]byte }
			json.Unmarshal(b, &s)
			return s.Data
		}
	}
	return nil
}

func TestEditAppliesAndAnnouncesKeys(t *testing.T) {
	e := newSession(t, `sed -i 's/^FOO: .*/FOO: baz/' "$1"; echo 'NEW: "1"' >> "$1"`)
	if err := e.s.Edit(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if d := e.sent(t); string(d["FOO"]) != "baz" || string(d["NEW"]) != "1" || string(d["PORT"]) != "8080" {
		t.Fatalf("sent %q\n%s", d, e.rec)
	}
	if !strings.Contains(e.err.String(), "hello-env on cluster prod: added NEW; changed FOO\n") {
		t.Error(e.err.String())
	}
	if len(e.hooks) != 1 || !strings.Contains(e.hooks[0], `"added":["NEW"]`) || strings.Contains(e.hooks[0], "baz") {
		t.Errorf("hooks %q", e.hooks)
	}
	if b, _ := KeptFor(e.s.KeptDir, "prod", "hello-env", "").Load(); b != nil {
		t.Error("kept file left behind")
	}
}

func TestEditNotConfirmedIsKept(t *testing.T) {
	e := newSession(t, `echo 'NEW: "1"' >> "$1"`)
	e.s.IO.SetTTY(true, true, true)
	e.prompter.Expect("confirm", "Apply these changes to hello-env on cluster prod?", false)
	err := e.s.Edit(context.Background(), "")
	kept := KeptFor(e.s.KeptDir, "prod", "hello-env", "")
	if got := clierr.Format(err); !strings.Contains(got, "hello-env was not changed: you did not confirm; your edit is kept in "+kept.Path) ||
		!strings.Contains(got, "next: lain env edit") {
		t.Fatal(got)
	}
	if e.sent(t) != nil {
		t.Fatal("applied without confirmation")
	}
	if b, _ := kept.Load(); !strings.Contains(string(b), `NEW: "1"`) {
		t.Fatalf("kept %q", b)
	}
	// The next edit starts from it.
	e2 := newSession(t, "true")
	e2.s.KeptDir = e.s.KeptDir
	if err := e2.s.Edit(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if d := e2.sent(t); string(d["NEW"]) != "1" || !strings.Contains(e2.err.String(), "resuming your edit") {
		t.Fatalf("%q %s", d, e2.err)
	}
}

func TestEditorFailureKeepsTheEdit(t *testing.T) {
	e := newSession(t, `echo 'NEW: "1"' >> "$1"; exit 1`)
	err := e.s.Edit(context.Background(), "")
	if got := clierr.Format(err); !strings.Contains(got, "the editor did not finish") || !strings.Contains(got, "your edit is kept in") {
		t.Fatal(got)
	}
}

func TestEditOneFileOfTheSecret(t *testing.T) {
	e := newSession(t, `printf 'new content\n' > "$1"`)
	e.s.Kind = Files
	e.rec = &runner.Recorder{}
	e.rec.On("kubectl get secret hello-secret -o json", `{"metadata":{"name":"hello-secret","resourceVersion":"7"},"data":{"a.txt":"YQ=="}}`, 0)
	e.s.Kube = kube.New(e.rec)
	if err := e.s.Edit(context.Background(), "b.txt"); err != nil {
		t.Fatal(err)
	}
	if d := e.sent(t); string(d["a.txt"]) != "a" || string(d["b.txt"]) != "new content\n" {
		t.Fatalf("%q", d)
	}
}

func TestFirstUseCreatesTheSecret(t *testing.T) {
	e := newSession(t, "true")
	e.s.Kind = Files
	e.rec = &runner.Recorder{}
	e.rec.OnError("kubectl get secret hello-secret -o json", &runner.ExitError{Code: 1, Stderr: `Error from server (NotFound): secrets "hello-secret" not found`})
	e.s.Kube = kube.New(e.rec)
	e.s.DryRun = true
	e.rec.DryRun = true
	if err := e.s.Show(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.out.String(), "topsecret.txt: |\n") || !strings.Contains(e.err.String(), "hello-secret does not exist on cluster prod yet: creating it (first use)") {
		t.Fatalf("%s\n%s", e.out, e.err)
	}
	if d := e.sent(t); string(d[ExampleFile]) == "" {
		t.Fatalf("created %q\n%s", d, e.rec)
	}
}

func TestSetRejectsBadNames(t *testing.T) {
	e := newSession(t, "true")
	err := e.s.Set(context.Background(), map[string][]byte{"1X": []byte("v"), "OK": []byte("v")})
	if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), "1X: not a valid environment variable name") || len(e.rec.Lines) != 0 {
		t.Fatal(err, e.rec)
	}
}

// awkwardSecret is hello-env holding every value of issue 14 that did not
// survive an unchanged edit, as kubectl returns it.
func awkwardSecret(t *testing.T) string {
	data := map[string][]byte{}
	for k, v := range awkward {
		data[k] = []byte(v)
	}
	b, err := json.Marshal(map[string]any{"metadata": map[string]string{"name": "hello-env", "resourceVersion": "42"}, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEditSavedUnchangedAppliesNothing(t *testing.T) {
	e := newSession(t, "true") // an editor that saves the file as it is
	e.rec = &runner.Recorder{}
	e.rec.On("kubectl get secret hello-env -o json", awkwardSecret(t), 0)
	e.s.Kube = kube.New(e.rec)
	if err := e.s.Edit(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if d := e.sent(t); d != nil {
		t.Fatalf("applied %q", d)
	}
	if !strings.Contains(e.err.String(), "hello-env: no change, nothing applied") || len(e.hooks) != 0 {
		t.Fatal(e.err.String(), e.hooks)
	}
}

func TestEditChangingOneAwkwardValueChangesOnlyIt(t *testing.T) {
	e := newSession(t, `sed -i 's/^TAB_NEWLINE: .*/TAB_NEWLINE: "changed"/' "$1"`)
	e.rec = &runner.Recorder{}
	e.rec.On("kubectl get secret hello-env -o json", awkwardSecret(t), 0)
	e.s.Kube = kube.New(e.rec)
	if err := e.s.Edit(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	d := e.sent(t)
	for k, v := range awkward {
		if want := map[bool]string{true: "changed", false: v}[k == "TAB_NEWLINE"]; string(d[k]) != want {
			t.Errorf("%s: sent %q, want %q", k, d[k], want)
		}
	}
	if !strings.Contains(e.err.String(), "hello-env on cluster prod: changed TAB_NEWLINE\n") {
		t.Error(e.err.String())
	}
}

func TestEditThatComesBackEmptyAppliesNothing(t *testing.T) {
	e := newSession(t, `: > "$1"`) // an editor that truncates the file
	err := e.s.Edit(context.Background(), "")
	if got := clierr.Format(err); !strings.Contains(got, "hello-env was not changed: the edit came back empty") || !strings.Contains(got, "next: lain env edit") {
		t.Fatal(got)
	}
	if e.sent(t) != nil {
		t.Fatal("applied an empty edit")
	}
	if b, _ := KeptFor(e.s.KeptDir, "prod", "hello-env", "").Load(); b != nil {
		t.Error("an empty edit was kept")
	}
}

func TestEditWithInvalidUTF8IsKeptWithItsLine(t *testing.T) {
	e := newSession(t, `printf 'FOO: bar\nPORT: "\377"\n' > "$1"`)
	err := e.s.Edit(context.Background(), "")
	if got := clierr.Format(err); !strings.Contains(got, ".yaml:2: byte 0xff is not UTF-8 text") || !strings.Contains(got, "your edit is kept in") {
		t.Fatal(got)
	}
	if e.sent(t) != nil {
		t.Fatal("applied")
	}
}

// An editor killed after it wrote half the file: the half is not what the
// next edit resumes (saved unchanged it would remove every key it lost).
func TestEditorKilledMidwayKeepsTheEditAsOpened(t *testing.T) {
	e := newSession(t, `head -c 20 "$1" > "$1.x"; mv "$1.x" "$1"; kill -9 $$`)
	err := e.s.Edit(context.Background(), "")
	kept := KeptFor(e.s.KeptDir, "prod", "hello-env", "")
	if got := clierr.Format(err); !strings.Contains(got, "the editor did not finish") || !strings.Contains(got, "what it left is in "+kept.Path+".unfinished, not applied") {
		t.Fatal(got)
	}
	if b, _ := kept.Load(); !strings.Contains(string(b), "FOO: bar") {
		t.Fatalf("kept %q", b)
	}
	e2 := newSession(t, "true")
	e2.s.KeptDir = e.s.KeptDir
	if err := e2.s.Edit(context.Background(), ""); err != nil || e2.sent(t) != nil {
		t.Fatalf("resumed and saved unchanged: %v, sent %q", err, e2.sent(t))
	}
}

// lastSent is the Data of the last Secret written.
func (e *sessionEnv) lastSent() map[string][]byte {
	var out map[string][]byte
	for i, l := range e.rec.Lines {
		if l == "kubectl replace -f -" || l == "kubectl create -f -" {
			b, _ := io.ReadAll(e.rec.Cmds[i].Stdin)
			var s struct{ Data map[string][]byte }
			json.Unmarshal(b, &s)
			out = s.Data
		}
	}
	return out
}

// lain secret add on first use makes a Secret of the user's file alone:
// the example file is for show and edit.
func TestAddOnFirstUseHasNoExample(t *testing.T) {
	e := newSession(t, "true")
	e.s.Kind = Files
	e.rec = &runner.Recorder{}
	e.rec.OnError("kubectl get secret hello-secret -o json", &runner.ExitError{Code: 1, Stderr: `Error from server (NotFound): secrets "hello-secret" not found`})
	e.s.Kube = kube.New(e.rec)
	e.s.DryRun, e.rec.DryRun = true, true
	if err := e.s.Set(context.Background(), map[string][]byte{"config.json": []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	for i, l := range e.rec.Lines {
		if l == "kubectl create -f -" || l == "kubectl replace -f -" {
			if b, _ := io.ReadAll(e.rec.Cmds[i].Stdin); strings.Contains(string(b), ExampleFile) {
				t.Fatalf("%s wrote the example: %s", l, b)
			}
		}
	}
}

// The unchanged example goes when the user adds a file; an edited one stays.
func TestAddRemovesTheUnchangedExample(t *testing.T) {
	for _, tc := range []struct {
		example  []byte
		wantKept bool
	}{{Files.Defaults("hello")[ExampleFile], false}, {[]byte("mine now"), true}} {
		e := newSession(t, "true")
		e.s.Kind = Files
		e.rec = &runner.Recorder{}
		b, _ := json.Marshal(map[string]any{"metadata": map[string]string{"name": "hello-secret", "resourceVersion": "7"}, "data": map[string][]byte{ExampleFile: tc.example}})
		e.rec.On("kubectl get secret hello-secret -o json", string(b), 0)
		e.s.Kube = kube.New(e.rec)
		if err := e.s.Set(context.Background(), map[string][]byte{"config.json": []byte("{}")}); err != nil {
			t.Fatal(err)
		}
		d := e.lastSent()
		if _, kept := d[ExampleFile]; kept != tc.wantKept || string(d["config.json"]) != "{}" {
			t.Errorf("example %q: sent %q (want example kept: %v)\n%s", tc.example, d, tc.wantKept, e.err)
		}
	}
}
