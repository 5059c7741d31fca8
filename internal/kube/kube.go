// Package kube is the one place lain asks the cluster what is running and
// what is wrong with it. Everything goes through runner.Runner as
// `kubectl ... -o json`, parsed into the small structs here (no client-go):
// the pods of an app or proc with their phase, readiness, restarts, age,
// node and waiting reasons; recent events; last log lines; Secrets; Jobs.
//
// kubectl runs against the kubeconfig's current context and namespace (lain
// use points ~/.kube/config at the cluster; the namespace is set there), so
// no command here passes -n.
package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// Labels the chart puts on every object and pod of an app (lain's reference,
// section 5).
const (
	NameLabel     = "app.kubernetes.io/name"     // the appname
	InstanceLabel = "app.kubernetes.io/instance" // <release>-<proc>, the workload's name
	// OneOffLabel marks the Jobs `lain job` creates, so that deploy can
	// clean old ones up: kubectl delete jobs -l lain.dev/one-off=true,...
	OneOffLabel = "lain.dev/one-off"
)

// AppSelector selects everything of an app (all procs, canary included).
func AppSelector(appname string) string { return NameLabel + "=" + appname }

// InstanceSelector selects the pods of one workload (<release>-<proc>).
func InstanceSelector(appname, instance string) string {
	return AppSelector(appname) + "," + InstanceLabel + "=" + instance
}

// Client asks the cluster through kubectl.
type Client struct {
	Runner runner.Runner
	// Getenv reads the environment kubectl runs in (KUBECONFIG, HOME);
	// os.Getenv when nil.
	Getenv func(string) string
}

// New returns a Client running kubectl through r.
func New(r runner.Runner) *Client { return &Client{Runner: r} }

// ErrNotFound is returned when the object asked for does not exist.
var ErrNotFound = errors.New("not found")

// query runs a read-only kubectl command whose output lain digests itself
// (printed only with --verbose).
func (c *Client) query(ctx context.Context, args ...string) ([]byte, error) {
	res, err := c.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Capture: true, Quiet: true})
	if err != nil {
		if isNotFound(res.Stderr, err) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return res.Stdout, nil
}

// getJSON runs `kubectl get ARGS -o json` and decodes the answer into v.
func (c *Client) getJSON(ctx context.Context, v any, args ...string) error {
	out, err := c.query(ctx, append(append([]string{"get"}, args...), "-o", "json")...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("kubectl get %s: unexpected output: %w", strings.Join(args, " "), err)
	}
	return nil
}

// mutate runs a kubectl command that changes the cluster (printed; under
// --dry-run only printed). stdin may be nil.
func (c *Client) mutate(ctx context.Context, stdin []byte, args ...string) (runner.Result, error) {
	cmd := runner.Cmd{Name: "kubectl", Args: args, Mutates: true, Capture: true}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	return c.Runner.Run(ctx, cmd)
}

func isNotFound(stderr []byte, err error) bool {
	var ee *runner.ExitError
	if errors.As(err, &ee) && strings.Contains(ee.Stderr, "(NotFound)") {
		return true
	}
	return bytes.Contains(stderr, []byte("(NotFound)"))
}

// meta is the part of metadata lain reads.
type meta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace"`
	UID               string            `json:"uid"`
	ResourceVersion   string            `json:"resourceVersion"`
	Labels            map[string]string `json:"labels"`
	CreationTimestamp string            `json:"creationTimestamp"`
	DeletionTimestamp string            `json:"deletionTimestamp"`
	OwnerReferences   []struct {
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Controller bool   `json:"controller"`
	} `json:"ownerReferences"`
}

func (m meta) owner() (kind, name string) {
	for _, o := range m.OwnerReferences {
		if o.Controller {
			return o.Kind, o.Name
		}
	}
	if len(m.OwnerReferences) > 0 {
		return m.OwnerReferences[0].Kind, m.OwnerReferences[0].Name
	}
	return "", ""
}

func asExit(err error) *runner.ExitError {
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		return ee
	}
	return nil
}

// Refusal is the API server's reason for refusing a change, from kubectl's
// stderr ("" when err is not a refusal by kubectl).
func Refusal(err error) string {
	ee := asExit(err)
	if ee == nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(ee.Stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

// refusal is kubectl's refusal, shown as the API server's reason; it still
// unwraps to kubectl's *runner.ExitError (whose stderr says the cause) and
// to ErrConflict when it is one.
type refusal struct {
	reason string
	causes []error
}

func (r *refusal) Error() string   { return r.reason }
func (r *refusal) Unwrap() []error { return r.causes }

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
