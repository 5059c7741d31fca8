// Package toolerr tells why helm or kubectl failed, from what they printed,
// and what to do next for that cause: a cluster that does not answer needs
// `lain doctor`, not `lain rollback`; a refusal by RBAC needs the admin; a
// release locked by another operation needs the stuck-release advice; an
// invalid manifest needs `lain lint`; a wait that timed out needs `lain
// status`. Every place that turns a helm or kubectl failure into a user
// error goes through Failed (or Classify), so they all end with a next step
// that fits.
package toolerr

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

// Kind is a cause of failure lain knows what to do about.
type Kind int

const (
	Other       Kind = iota // not recognised: the call site's advice stands
	Unreachable             // the API server did not answer
	Credentials             // the kubeconfig's credentials or CA were not accepted
	Forbidden               // RBAC refused a verb on a resource
	Busy                    // another helm operation holds the release
	Invalid                 // the cluster or helm refused a manifest
	TimedOut                // waiting for resources to be ready timed out
)

// Cause is why a helm or kubectl command failed.
type Cause struct {
	Kind Kind
	// Detail is what the tool said that shows the cause, on one line.
	Detail string
	// Full is all the tool said (the end of its stderr).
	Full string
	// Forbidden: who may not do what, where (Namespace "" at cluster scope).
	User, Verb, Resource, Namespace string
	// Invalid: the object or file refused ("Deployment.apps \"hello-web\"").
	Object string
}

// Classify reads the cause of err when it is a helm or kubectl command that
// failed; ok is false for any other error.
func Classify(err error) (c Cause, ok bool) {
	var ee *runner.ExitError
	if !errors.As(err, &ee) {
		return Cause{}, false
	}
	switch tool(ee) {
	case "helm", "kubectl":
		return ClassifyText(ee.Stderr), true
	}
	return Cause{}, false
}

func tool(ee *runner.ExitError) string {
	name := ee.Name
	if name == "" {
		name, _, _ = strings.Cut(ee.Line, " ")
	}
	return strings.TrimSuffix(filepath.Base(name), ".exe")
}

// Access reports whether the cause is reaching the cluster at all (it does
// not answer, or does not accept your credentials or RBAC): the same
// advice fits whatever the command was.
func (c Cause) Access() bool {
	return c.Kind == Unreachable || c.Kind == Credentials || c.Kind == Forbidden
}

// Why says the cause in a few words, with the tool's detail.
func (c Cause) Why() string {
	switch c.Kind {
	case Unreachable:
		return "the cluster did not answer (" + c.Detail + ")"
	case Credentials:
		return "the cluster did not accept your kubeconfig (" + c.Detail + ")"
	case Forbidden:
		return "the cluster's RBAC refused it: " + c.who() + " may not " + c.Verb + " " + c.Resource + c.where()
	case Busy:
		return "another helm operation holds the release: one is running, or one was interrupted and left it stuck"
	case Invalid:
		if c.Object != "" {
			return c.Object + " is not valid (" + c.Detail + ")"
		}
		return "the manifest is not valid (" + c.Detail + ")"
	case TimedOut:
		return "timed out waiting for it to be ready (" + c.Detail + ")"
	}
	return c.Detail
}

func (c Cause) who() string {
	if c.User == "" {
		return "you"
	}
	return c.User
}

func (c Cause) where() string {
	if c.Namespace == "" {
		return " (at cluster scope)"
	}
	return " in namespace " + c.Namespace
}

// Next is the step that fits the cause ("" for Other).
func (c Cause) Next() string {
	switch c.Kind {
	case Unreachable:
		return "lain doctor   # checks your kubeconfig and that the cluster answers; then run the command again"
	case Credentials:
		return "lain doctor   # checks your kubeconfig; an expired one comes from your cluster admin"
	case Forbidden:
		return "ask your cluster admin to let " + c.who() + " " + c.Verb + " " + c.Resource + c.where() +
			"   # kubectl auth can-i --list shows what you may do"
	case Busy:
		return "lain rollback   # ends the interrupted operation; or: lain --auto-pilot deploy, which rolls back first (lain status shows whether one is running)"
	case Invalid:
		what := "the manifest"
		if c.Object != "" {
			what = c.Object
		}
		return "lain lint   # checks the chart and its values; then fix " + what
	case TimedOut:
		return "lain status   # shows which pods are not ready, and why"
	}
	return ""
}

// Failed is the user error for a failed helm or kubectl command: msg says
// what failed (as the call site words it), the cause is added when known,
// and next is the cause's step, else fallback (the call site's advice).
func Failed(msg string, err error, fallback string) *clierr.Error {
	e := &clierr.Error{Kind: clierr.ToolFailed, Msg: msg, Next: fallback, Err: err}
	if c, ok := Classify(err); ok && c.Kind != Other {
		e.Msg += ": " + c.Why()
		e.Next = c.Next()
		e.Kind = c.ErrKind()
	}
	return e
}

// Explain gives err a next step when it is a helm or kubectl failure that
// reached the user without one: a bare tool error, or a *clierr.Error
// with no Next. Other errors are returned as they are.
func Explain(err error) error {
	c, ok := Classify(err)
	if !ok {
		return err
	}
	var ce *clierr.Error
	if errors.As(err, &ce) {
		if ce.Next != "" {
			return err
		}
		next := c.Next()
		if next == "" {
			next = genericNext(err)
		}
		out := *ce
		out.Next = next
		if out.Kind == "" {
			out.Kind = c.ErrKind()
		}
		if c.Kind != Other && !strings.Contains(out.Msg, c.Detail) {
			out.Msg += ": " + c.Why()
		}
		return &out
	}
	var ee *runner.ExitError
	errors.As(err, &ee)
	msg := "`" + ee.Line + "` failed"
	if c.Kind == Other {
		return &clierr.Error{Kind: clierr.ToolFailed, Msg: err.Error(), Next: genericNext(err), Err: err}
	}
	return &clierr.Error{Kind: c.ErrKind(), Msg: msg + ": " + c.Why(), Next: c.Next(), Err: err}
}

// genericNext is the step for a failure lain cannot classify: look at the
// cluster's own account of it.
func genericNext(err error) string {
	var ee *runner.ExitError
	errors.As(err, &ee)
	if tool(ee) == "helm" {
		return "lain status   # what runs now; helm's message above says what went wrong"
	}
	return "lain doctor   # checks your kubeconfig and the cluster; kubectl's message above says what went wrong"
}

// BeforeAnyChange reports whether a failed helm upgrade (or install)
// stopped before it changed anything: helm checks that the cluster
// answers, reads the release's history, refuses a release another
// operation holds, and builds the old and new objects, all before it
// records the new revision (helm.sh/helm/v3/pkg/action/upgrade.go, up to
// Releases.Create). Each of those failures has its own words.
func BeforeAnyChange(c Cause) bool {
	return containsAny(c.Full, []string{
		"Kubernetes cluster unreachable",
		"query: failed to query with labels",
		"another operation (install/upgrade/rollback) is in progress",
		"unable to build kubernetes objects from new release manifest",
		"unable to build kubernetes objects from current release manifest",
	})
}

// ErrKind is the documented error kind (docs/errors.md) of the cause.
func (c Cause) ErrKind() clierr.Kind {
	switch c.Kind {
	case Unreachable:
		return clierr.ClusterUnreachable
	case Credentials, Forbidden:
		return clierr.Forbidden
	case Busy, TimedOut:
		return clierr.ReleaseFailed
	case Invalid:
		return clierr.InvalidInput
	}
	return clierr.ToolFailed
}
