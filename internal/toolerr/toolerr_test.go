package toolerr

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

var kindNames = map[string]Kind{
	"other": Other, "unreachable": Unreachable, "credentials": Credentials, "forbidden": Forbidden,
	"busy": Busy, "invalid": Invalid, "timedout": TimedOut,
}

// testdata/<kind>--<what>.txt is the stderr of a real helm or kubectl run
// on the lab (how each was made is in testdata/README.md).
func TestClassifiesRealToolOutput(t *testing.T) {
	files, _ := filepath.Glob("testdata/*--*.txt")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	seen := map[Kind]bool{}
	for _, f := range files {
		name, _, _ := strings.Cut(filepath.Base(f), "--")
		want, ok := kindNames[name]
		if !ok {
			t.Fatalf("%s: unknown kind %q", f, name)
		}
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := ClassifyText(string(text))
		if c.Kind != want {
			t.Errorf("%s: classified as %d (%s), want %s", f, c.Kind, c.Why(), name)
			continue
		}
		seen[want] = true
		if want != Other && (c.Next() == "" || c.Detail == "") {
			t.Errorf("%s: no next step or detail: %+v", f, c)
		}
	}
	for name, k := range kindNames {
		if !seen[k] {
			t.Errorf("no fixture of kind %s", name)
		}
	}
}

func exitErr(tool, stderr string) error {
	return &runner.ExitError{Name: tool, Line: tool + " x", Code: 1, Stderr: stderr}
}

func TestForbiddenNamesVerbResourceAndNamespace(t *testing.T) {
	c := ClassifyText(`Error from server (Forbidden): secrets "hello-env" is forbidden: User "system:serviceaccount:ns1:viewer" cannot get resource "secrets" in API group "" in the namespace "ns1"`)
	if c.Kind != Forbidden || c.User != "system:serviceaccount:ns1:viewer" || c.Verb != "get" || c.Resource != "secrets" || c.Namespace != "ns1" {
		t.Fatalf("%+v", c)
	}
	if want := `ask your cluster admin to let system:serviceaccount:ns1:viewer get secrets in namespace ns1`; !strings.HasPrefix(c.Next(), want) {
		t.Error(c.Next())
	}
}

func TestFailedKeepsTheCallSitesAdviceForUnknownCauses(t *testing.T) {
	e := Failed("helm rollback of x failed", exitErr("helm", "Error: something new"), "helm history x")
	if e.Msg != "helm rollback of x failed" || e.Next != "helm history x" {
		t.Fatalf("%+v", e)
	}
	e = Failed("helm rollback of x failed", exitErr("helm", `Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused`), "helm history x")
	if !strings.Contains(e.Msg, "the cluster did not answer (dial tcp 127.0.0.1:1: connect: connection refused)") || !strings.HasPrefix(e.Next, "lain doctor") {
		t.Fatalf("%+v", e)
	}
	// docker is not classified: its advice is the call site's.
	if e := Failed("docker push failed", exitErr("docker", "dial tcp: connection refused"), "docker login"); e.Next != "docker login" {
		t.Fatal(e.Next)
	}
}

// Every helm or kubectl failure that reaches the user has a next: line.
func TestExplainGivesEveryToolFailureANextStep(t *testing.T) {
	for _, err := range []error{
		exitErr("kubectl", "error: something new"),
		exitErr("helm", "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress"),
		&clierr.Error{Msg: "could not", Err: exitErr("kubectl", `The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?`)},
	} {
		got := clierr.Format(Explain(err))
		if !strings.Contains(got, "\n  next: ") {
			t.Errorf("%v: %s", err, got)
		}
	}
	plain := errors.New("not a tool")
	if Explain(plain) != plain {
		t.Error("other errors are left alone")
	}
	withNext := &clierr.Error{Msg: "m", Next: "n", Err: exitErr("helm", "x")}
	if Explain(withNext) != error(withNext) {
		t.Error("a next step given by the call site stands")
	}
}

func TestForbiddenListsEveryResourceOfOneQuery(t *testing.T) {
	c := ClassifyText("Error from server (Forbidden): jobs.batch is forbidden: User \"u\" cannot list resource \"jobs\" in API group \"batch\" in the namespace \"n\"\n" +
		"Error from server (Forbidden): pods is forbidden: User \"u\" cannot list resource \"pods\" in API group \"\" in the namespace \"n\"\n" +
		"Error from server (Forbidden): pods is forbidden: User \"u\" cannot list resource \"pods\" in API group \"\" in the namespace \"n\"\n")
	if c.Resource != "jobs, pods" || c.Verb != "list" {
		t.Fatalf("%+v", c)
	}
}

// A classified failure carries the documented kind of its cause
// (docs/errors.md); an unknown one is a tool failure.
func TestFailedCarriesTheCausesKind(t *testing.T) {
	unreachable := exitErr("helm", `Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused`)
	if k := Failed("helm rollback of x failed", unreachable, "helm history x").KindOf(); k != clierr.ClusterUnreachable {
		t.Errorf("unreachable: %s", k)
	}
	if k := Failed("helm rollback of x failed", exitErr("helm", "Error: something new"), "helm history x").KindOf(); k != clierr.ToolFailed {
		t.Errorf("unknown: %s", k)
	}
}
