package image

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

// Docker runs the docker CLI through the runner (so every command is
// printed), against the daemon at Host when set (--remote-docker).
type Docker struct {
	Runner runner.Runner
	// Host is a docker daemon address (tcp://host:port) passed as -H, so the
	// printed commands say which daemon they talk to; "" is docker's own
	// choice (DOCKER_HOST, the current context).
	Host string
}

// RemoteHost turns a cluster's remote_docker (host:port, or a URL) into a
// docker -H address.
func RemoteHost(cluster, remoteDocker string) (string, error) {
	if strings.TrimSpace(remoteDocker) == "" {
		return "", clierr.Of(clierr.ClusterConfig, fmt.Sprintf("--remote-docker: cluster %s has no remote_docker in its cluster values", cluster),
			"run without --remote-docker (and unset LAIN_REMOTE_DOCKER), or ask your admin to set remote_docker: host:port")
	}
	if strings.Contains(remoteDocker, "://") {
		return remoteDocker, nil
	}
	return "tcp://" + remoteDocker, nil
}

// Cmd is a docker command line (with -H when Host is set).
func (d Docker) Cmd(args ...string) runner.Cmd {
	if d.Host != "" {
		args = append([]string{"-H", d.Host}, args...)
	}
	return runner.Cmd{Name: "docker", Args: args}
}

// Run runs a docker command built with Cmd.
func (d Docker) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	return d.Runner.Run(ctx, c)
}

// Exists reports whether the daemon has image (docker image inspect).
func (d Docker) Exists(ctx context.Context, image string) bool {
	c := d.Cmd("image", "inspect", "--format", "{{.Id}}", image)
	c.Capture, c.Quiet = true, true
	_, err := d.Runner.Run(ctx, c)
	return err == nil
}

// Tag gives image a second name.
func (d Docker) Tag(ctx context.Context, image, name string) error {
	c := d.Cmd("tag", image, name)
	c.Mutates = true
	_, err := d.Runner.Run(ctx, c)
	return err
}

// Pull pulls image.
func (d Docker) Pull(ctx context.Context, image string) error {
	_, err := d.Runner.Run(ctx, d.Cmd("pull", image))
	if e := d.DaemonUnreachable(err); e != nil {
		return e
	}
	return registryError(err, "docker pull", image)
}

// Push pushes image to its registry.
func (d Docker) Push(ctx context.Context, image string) error {
	c := d.Cmd("push", image)
	c.Mutates = true
	_, err := d.Runner.Run(ctx, c)
	if e := d.DaemonUnreachable(err); e != nil {
		return e
	}
	return registryError(err, "docker push", image)
}

// DaemonUnreachable explains a docker command that failed because docker
// could not reach its daemon; nil when that was not the cause.
func (d Docker) DaemonUnreachable(err error) error {
	var ee *runner.ExitError
	if !errors.As(err, &ee) || !strings.Contains(ee.Stderr, "Cannot connect to the Docker daemon") {
		return nil
	}
	where := "its daemon (DOCKER_HOST, or the current docker context)"
	next := "start docker, then check with: lain doctor"
	if d.Host != "" {
		where = "the cluster's remote_docker at " + d.Host
		next = "check that " + d.Host + " is reachable, or run without --remote-docker"
	}
	return &clierr.Error{Kind: clierr.ToolFailed, Msg: "docker cannot reach " + where, Next: next, Code: ee.Code, Err: err}
}

// registryError explains a failed pull or push whose cause docker printed
// (it streams to the terminal; the runner keeps its last lines).
func registryError(err error, what, image string) error {
	var ee *runner.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	host := Host(image)
	repo, _ := SplitName(image)
	msg := strings.ToLower(ee.Stderr)
	switch {
	case strings.Contains(msg, "no basic auth credentials") || strings.Contains(msg, "unauthorized") ||
		strings.Contains(msg, "authentication required") || strings.Contains(msg, "denied"):
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s %s: the registry %s refused it: you are not logged in there (or may not write to %s)", what, image, host, repo),
			Next: "docker login " + host, Code: ee.Code, Err: err}
	case strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") || strings.Contains(msg, "timeout") ||
		strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "dial tcp"):
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s %s: cannot reach the registry %s (%s)", what, image, host, lastLine(ee.Stderr)),
			Next: "check the network or VPN, then try again (docker login " + host + " tests the connection)", Code: ee.Code, Err: err}
	case strings.Contains(msg, "manifest unknown") || strings.Contains(msg, "not found"):
		return &clierr.Error{Kind: clierr.NotFound, Msg: fmt.Sprintf("%s %s: the registry %s has no such image", what, image, host),
			Next: "lain version   # the tags the registry has", Code: ee.Code, Err: err}
	}
	return &clierr.Error{Msg: fmt.Sprintf("%s %s failed (docker's message is above)", what, image), Code: ee.Code, Err: err}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
