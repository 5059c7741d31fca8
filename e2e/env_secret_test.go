//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookServer records the bodies the app's webhook receives.
type hookServer struct {
	url    string
	mu     sync.Mutex
	bodies []string
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/hook"
	return h
}

func (h *hookServer) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string{}, h.bodies...)
}

// editor writes an executable shell script to use as $EDITOR; it gets the
// file to edit as $1.
func editor(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\nset -e\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// secretData is a Secret's data, decoded.
func secretData(t *testing.T, ns, name string) map[string]string {
	t.Helper()
	var s struct{ Data map[string][]byte }
	if err := json.Unmarshal([]byte(MustKubectl(t, ns, "get", "secret", name, "-o", "json")), &s); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range s.Data {
		out[k] = string(v)
	}
	return out
}

var keptRe = regexp.MustCompile(`your edit is kept in (\S+)`)

// env edit with a scripted $EDITOR: a valid edit is applied; an invalid
// one, and one the API refuses, are kept and resumed; the webhook gets the
// changed keys only.
func TestEnvEditKeepsAndResumes(t *testing.T) {
	hook := newHookServer(t)
	a := newLiveApp(t, "webhook:\n  url: "+hook.url+"\n")
	a.install(true)
	lain := func(editorScript string, args ...string) Result {
		t.Helper()
		env := []string{"USER=alice"}
		if editorScript != "" {
			env = append(env, "EDITOR="+editor(t, editorScript))
		}
		return Lain(t, Cmd{Args: args, Dir: a.dir, Home: a.home, Env: env})
	}

	// First use creates hello-env.
	r := lain("", "env", "show")
	if r.Code != 0 || r.Stdout != "{}\n" || !strings.Contains(r.Stderr, "hello-env does not exist on cluster lab yet: creating it (first use)") {
		t.Fatalf("env show: %s", r)
	}
	if r := lain("", "env", "add", "DB_PASSWORD=hunter2-topsecret", "DEBUG=false"); r.Code != 0 || !strings.Contains(r.Stderr, "hello-env on cluster lab: added DB_PASSWORD, DEBUG") {
		t.Fatalf("env add: %s", r)
	}

	// A valid edit.
	r = lain(`sed -i 's/^DB_PASSWORD: .*/DB_PASSWORD: hunter3-topsecret/; /^DEBUG:/d' "$1"; echo 'WORKERS: "4"' >> "$1"`, "env", "edit")
	if r.Code != 0 || !strings.Contains(r.Stderr, "hello-env on cluster lab: added WORKERS; changed DB_PASSWORD; removed DEBUG") {
		t.Fatalf("valid edit: %s", r)
	}
	if got := secretData(t, a.ns, "hello-env"); len(got) != 2 || got["DB_PASSWORD"] != "hunter3-topsecret" || got["WORKERS"] != "4" {
		t.Fatalf("hello-env after the edit: %v", got)
	}

	// Invalid YAML: nothing applied, the edit kept; the next edit resumes it.
	r = lain(`echo 'BROKEN: [unclosed' >> "$1"`, "env", "edit")
	m := keptRe.FindStringSubmatch(r.Stderr)
	if r.Code != 2 || m == nil || !strings.Contains(r.Stderr, "not valid YAML") || !strings.Contains(r.Stderr, "next: lain env edit") {
		t.Fatalf("invalid edit: %s", r)
	}
	kept := m[1]
	if b, err := os.ReadFile(kept); err != nil || !strings.Contains(string(b), "BROKEN: [unclosed") {
		t.Fatalf("kept file %s: %q %v", kept, b, err)
	}
	if st, _ := os.Stat(kept); st.Mode().Perm() != 0o600 {
		t.Errorf("kept file mode %v, want 0600 (it holds secret values)", st.Mode())
	}
	if _, ok := secretData(t, a.ns, "hello-env")["BROKEN"]; ok {
		t.Fatal("an invalid edit was applied")
	}
	r = lain(`sed -i 's/^BROKEN: .*/BROKEN: "fixed"/' "$1"`, "env", "edit")
	if r.Code != 0 || !strings.Contains(r.Stderr, "resuming your edit that was not applied, kept in "+kept) || !strings.Contains(r.Stderr, "added BROKEN") {
		t.Fatalf("resumed edit: %s", r)
	}
	if _, err := os.Stat(kept); !os.IsNotExist(err) {
		t.Errorf("kept file still there after the edit was applied: %v", err)
	}

	// Someone changes hello-env while the editor is open: the API refuses
	// lain's write (409 Conflict), the edit is kept, and resuming it shows
	// the keys that differ from their version.
	other := "kubectl --kubeconfig " + Lab.Kubeconfig + " -n " + a.ns + ` patch secret hello-env -p '{"stringData":{"OTHER":"theirs"}}' >/dev/null`
	r = lain(other+`; echo 'NEW: "mine"' >> "$1"`, "env", "edit")
	m = keptRe.FindStringSubmatch(r.Stderr)
	if r.Code != 1 || m == nil || !strings.Contains(r.Stderr, "someone changed it on the cluster while you edited") {
		t.Fatalf("conflicting edit: %s", r)
	}
	if got := secretData(t, a.ns, "hello-env"); got["OTHER"] != "theirs" || got["NEW"] != "" {
		t.Fatalf("after the refused edit: %v", got)
	}
	r = lain("true", "env", "edit")
	if r.Code != 0 || !strings.Contains(r.Stderr, "added NEW; removed OTHER") {
		t.Fatalf("resumed after conflict: %s", r)
	}

	// The API refuses a Secret over 1 MiB: kept, then resumed and fixed.
	r = lain(`printf 'BIG: "%s"\n' "$(head -c 1100000 /dev/zero | tr '\0' a)" >> "$1"`, "env", "edit")
	m = keptRe.FindStringSubmatch(r.Stderr)
	if r.Code != 1 || m == nil || !strings.Contains(r.Stderr, "the cluster refused it") {
		t.Fatalf("too large: %s", r)
	}
	if strings.Contains(r.Stderr, "aaaaaaaaaa") {
		t.Errorf("the value was printed:\n%.2000s", r.Stderr)
	}
	r = lain(`sed -i 's/^BIG: .*/BIG: "small"/' "$1"`, "env", "edit")
	if r.Code != 0 || !strings.Contains(r.Stderr, "added BIG") {
		t.Fatalf("resumed big edit: %s", r)
	}

	// The webhook heard of every change, by key only.
	bodies := hook.all()
	if len(bodies) != 5 {
		t.Fatalf("want 5 webhook calls (add, edit, 3 resumed edits), got %d: %q", len(bodies), bodies)
	}
	var first struct {
		Text, App, Cluster, User, Event, Object string
		Keys                                    struct{ Added, Changed, Removed []string }
	}
	if err := json.Unmarshal([]byte(bodies[1]), &first); err != nil {
		t.Fatal(err)
	}
	if first.App != "hello" || first.Cluster != "lab" || first.User != "alice" || first.Object != "hello-env" ||
		strings.Join(first.Keys.Added, ",") != "WORKERS" || strings.Join(first.Keys.Changed, ",") != "DB_PASSWORD" || strings.Join(first.Keys.Removed, ",") != "DEBUG" {
		t.Errorf("webhook body: %s", bodies[1])
	}
	for _, b := range bodies {
		for _, v := range []string{"hunter", "fixed", "mine", "theirs", "small", "aaaa"} {
			if strings.Contains(b, v) {
				t.Errorf("webhook got a value (%q): %s", v, b)
			}
		}
	}
}

// secret: the first use of show creates topsecret.txt, which the first add
// of the user's own file removes; files are shown, added, edited one at a
// time, applied from a file; names complete on Tab.
func TestSecretFiles(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	r := a.must("secret", "show")
	if !strings.HasPrefix(r.Stdout, "topsecret.txt: |\n") || !strings.Contains(r.Stderr, "creating it (first use)") {
		t.Fatalf("first show: %s", r)
	}
	if r := a.must("secret", "show", "topsecret.txt"); !strings.HasPrefix(r.Stdout, "An example file of hello-secret") {
		t.Errorf("show one file: %s", r)
	}
	WriteFiles(t, a.dir, map[string]string{"config.json": `{"debug": false}` + "\n"})
	if r := a.must("secret", "add", "config.json"); !strings.Contains(r.Stderr, "hello-secret on cluster lab: added config.json") ||
		!strings.Contains(r.Stderr, "removing the example file topsecret.txt") || strings.Contains(r.Stdout+r.Stderr, "debug") {
		t.Errorf("add: %s", r)
	}
	Eventually(t, 20*time.Second, "Tab to complete the secret's files", func() error {
		if r := a.must("__complete", "secret", "edit", ""); !strings.HasPrefix(r.Stdout, "config.json\n:") {
			return fmt.Errorf("completion: %q", r.Stdout)
		}
		return nil
	})
	a.extraLainEnv = []string{"EDITOR=" + editor(t, `echo '{"debug": true}' > "$1"`)}
	if r := a.must("secret", "edit", "config.json"); !strings.Contains(r.Stderr, "changed config.json") {
		t.Errorf("edit one file: %s", r)
	}
	a.extraLainEnv = nil
	if got := secretData(t, a.ns, "hello-secret")["config.json"]; got != "{\"debug\": true}\n" {
		t.Errorf("config.json: %q", got)
	}
	// show's output, minus one file, applied back.
	WriteFiles(t, a.dir, map[string]string{"notes.txt": "remove me\n"})
	a.must("secret", "add", "notes.txt")
	show := a.must("secret", "show").Stdout
	cut := show[:strings.Index(show, "notes.txt:")]
	WriteFiles(t, a.dir, map[string]string{"secret.yaml": cut})
	if r := a.must("secret", "apply", "-f", "secret.yaml"); !strings.Contains(r.Stderr, "hello-secret on cluster lab: removed notes.txt") {
		t.Errorf("apply: %s", r)
	}
	if got := secretData(t, a.ns, "hello-secret"); len(got) != 1 {
		t.Errorf("after apply: %v", got)
	}
}

// --auto-pilot restarts the app gracefully after a change.
func TestEnvChangeWithAutoPilotRestarts(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	r := a.must("--auto-pilot", "env", "add", "FEATURE=on")
	wantAll(t, r.Stderr, "--auto-pilot: restarting hello gracefully", "$ kubectl rollout restart deployment/hello-web", "$ kubectl rollout status deployment/hello-web")
	if got := MustKubectl(t, a.ns, "get", "deployment", "hello-web", "-o", "jsonpath={.spec.template.metadata.annotations}"); !strings.Contains(got, "kubectl.kubernetes.io/restartedAt") {
		t.Errorf("not restarted: %s", got)
	}
	// Without it, lain says how to restart.
	r = a.must("env", "add", "FEATURE=off")
	wantAll(t, r.Stderr, "running pods read hello-env when they start")
}

// awkwardValues are the values issue 14 found did not survive an edit
// saved unchanged (keys are what Kubernetes allows in a Secret).
var awkwardValues = map[string]string{
	"NEWLINE":       "\n",
	"LEADING_BLANK": "\n\nx",
	"INDENTED":      "\n x",
	"TAB_NEWLINE":   "\t\n",
	"0":             "<<",
	"NOT_UTF8":      "\xff\xfe\x00",
	"TRAILING":      "a \nb\t\n",
	"CRLF":          "a\r\nb\r\n",
	"BLANK_END":     "x\n\n",
	"LINE_SEP":      "a\u2028b\u0085c",
	"EMPTY":         "",
	"NUMBER":        "8080",
	"NULL":          "~",
	"COMMENT":       "a #b",
	"config.json":   "{\n  \"a\": 1\n}\n",
}

// createAwkward creates Secret name holding awkwardValues with kubectl, and
// returns its resourceVersion.
func createAwkward(t *testing.T, ns, name string) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"create", "secret", "generic", name}
	for k, v := range awkwardValues {
		p := filepath.Join(dir, k)
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--from-file="+k+"="+p)
	}
	MustKubectl(t, ns, args...)
	return MustKubectl(t, ns, "get", "secret", name, "-o", "jsonpath={.metadata.resourceVersion}")
}

// An edit saved unchanged applies nothing, whatever the Secret holds; an
// edit of one awkward value changes that key only.
func TestEditSavedUnchangedAppliesNothing(t *testing.T) {
	a := newLiveApp(t, "")
	// The editor writes the file back as it read it, as an editor's save does.
	a.extraLainEnv = []string{"EDITOR=" + editor(t, `cat "$1" > "$1.new"; mv "$1.new" "$1"`)}
	for _, kind := range []struct{ cmd, secret string }{{"env", "hello-env"}, {"secret", "hello-secret"}} {
		rv := createAwkward(t, a.ns, kind.secret)
		r := a.must(kind.cmd, "edit")
		if !strings.Contains(r.Stderr, kind.secret+": no change, nothing applied") {
			t.Errorf("lain %s edit: %s", kind.cmd, r)
		}
		if got := MustKubectl(t, a.ns, "get", "secret", kind.secret, "-o", "jsonpath={.metadata.resourceVersion}"); got != rv {
			t.Errorf("%s: resourceVersion %s -> %s: something was applied", kind.secret, rv, got)
		}
		if got := secretData(t, a.ns, kind.secret); !equalData(got, awkwardValues) {
			t.Errorf("%s now holds %q", kind.secret, got)
		}
	}

	a.extraLainEnv = []string{"EDITOR=" + editor(t, `sed -i 's/^TAB_NEWLINE: .*/TAB_NEWLINE: "changed"/' "$1"`)}
	r := a.must("env", "edit")
	if !strings.Contains(r.Stderr, "hello-env on cluster lab: changed TAB_NEWLINE\n") {
		t.Errorf("edit of one value: %s", r)
	}
	want := map[string]string{}
	for k, v := range awkwardValues {
		want[k] = v
	}
	want["TAB_NEWLINE"] = "changed"
	if got := secretData(t, a.ns, "hello-env"); !equalData(got, want) {
		t.Errorf("hello-env after changing TAB_NEWLINE: %q", got)
	}
}

func equalData(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			return false
		}
	}
	return true
}
