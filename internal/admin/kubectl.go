// Package admin holds what `lain admin` knows about a whole cluster: which
// nodes and pods are unhealthy and why, which ingress URLs answer, which
// Deployments run a single replica, which registry tags no pod runs. It
// asks the cluster through kubectl (internal/runner prints each command)
// and the registry through its HTTP API.
package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// Kubectl runs kubectl for the admin commands.
type Kubectl struct {
	Runner runner.Runner
	// Quiet hides read-only commands unless --verbose (the full-screen
	// view must not be written over).
	Quiet bool
}

// GetJSON runs `kubectl get ARGS -o json` and decodes the answer into v. A
// refusal (RBAC, an unreachable cluster) comes back explained, naming the
// verb and resource that were refused.
func (k Kubectl) GetJSON(ctx context.Context, v any, args ...string) error {
	args = append(append([]string{"get"}, args...), "-o", "json")
	res, err := k.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Capture: true, Quiet: k.Quiet})
	if err != nil {
		return Failed(args, err)
	}
	if err := json.Unmarshal(res.Stdout, v); err != nil {
		return fmt.Errorf("kubectl %s: unexpected output: %w", strings.Join(args, " "), err)
	}
	return nil
}

// Mutate runs a kubectl command that changes the cluster (printed; under
// --dry-run only printed).
func (k Kubectl) Mutate(ctx context.Context, args ...string) error {
	if _, err := k.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Mutates: true, Capture: true}); err != nil {
		return Failed(args, err)
	}
	return nil
}

// Failed is the user error for a failed kubectl (or helm) command: what
// was run, and the cause when it is known (a refusal by RBAC names the
// user, verb, resource and namespace).
func Failed(args []string, err error) error {
	return toolerr.Failed("kubectl "+strings.Join(args, " ")+" failed", err,
		"lain doctor   # checks your kubeconfig and the cluster; kubectl's message above says what went wrong")
}

// NamespaceArgs are kubectl's namespace flags: every namespace, or the
// kubeconfig's current one.
func NamespaceArgs(all bool) []string {
	if all {
		return []string{"--all-namespaces"}
	}
	return nil
}
