package kube

import (
	"context"
	"io"
	"strconv"

	"github.com/lain-cli/lain/internal/lazy"
	"github.com/lain-cli/lain/internal/runner"
)

// ExecOptions are how a command runs in a pod.
type ExecOptions struct {
	Pod, Container string
	Command        []string
	// TTY gives the command a terminal and the user's stdin (kubectl exec
	// -it); only when stdin and stdout are terminals.
	TTY   bool
	Stdin io.Reader
}

// Exec runs a command in a container and returns its exit code. A
// non-zero exit is not an error: the caller passes the code on.
func (c *Client) Exec(ctx context.Context, o ExecOptions) (int, error) {
	args := []string{"exec"}
	if o.TTY {
		args = append(args, "-it")
	}
	args = append(args, o.Pod)
	if o.Container != "" {
		args = append(args, "-c", o.Container)
	}
	args = append(args, "--")
	args = append(args, o.Command...)
	cmd := runner.Cmd{Name: "kubectl", Args: args, Mutates: true}
	if o.TTY {
		cmd.Stdin = o.Stdin
	}
	res, err := c.Runner.Run(ctx, cmd)
	if err == nil {
		return res.ExitCode, nil
	}
	ee := asExit(err)
	if ee == nil {
		return -1, err
	}
	return remoteExitCode(ee), nil
}

// kubelets report a command's non-zero exit as kubectl's own exit code
// ("command terminated with exit code 3"); kwok's fake kubelet (the lab)
// reports it only in the message ("... exit status 3") and kubectl exits 1.
var execStatusRe = lazy.Regexp(`error executing command in container: .*exit status ([0-9]+)\s*$`)

func remoteExitCode(ee *runner.ExitError) int {
	if ee.Code == 1 {
		if m := execStatusRe().FindStringSubmatch(ee.Stderr); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				return n
			}
		}
	}
	return ee.Code
}

// HasBash reports whether bash is on the container's PATH (the default
// shell of lain x; sh otherwise).
func (c *Client) HasBash(ctx context.Context, pod, container string) bool {
	_, err := c.query(ctx, "exec", pod, "-c", container, "--", "sh", "-c", "command -v bash")
	return err == nil
}

// RolloutRestart restarts a Deployment's or StatefulSet's pods the way its
// update strategy says (one batch at a time, waiting for readiness), and
// waits until the rollout is done.
func (c *Client) RolloutRestart(ctx context.Context, kind, name string, timeoutSeconds int) error {
	obj := kind + "/" + name
	if _, err := c.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"rollout", "restart", obj}, Mutates: true}); err != nil {
		return err
	}
	_, err := c.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"rollout", "status", obj, "--timeout=" + strconv.Itoa(timeoutSeconds) + "s"}})
	return err
}
