package toolcheck

import (
	"context"
	"errors"
	"fmt"

	"github.com/Masterminds/semver/v3"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
)

// MinHelm is the oldest helm lain works with (the original's rule).
var MinHelm = semver.MustParse("3.8.0")

// Checker runs the version commands through the runner (so they are printed
// with -v) and explains what is wrong.
type Checker struct {
	Runner   runner.Runner
	Platform tools.Platform
}

// Missing is the error for a tool that is not installed.
func Missing(name string, p tools.Platform) *clierr.Error {
	return clierr.Of(clierr.ToolMissing, name+" is not installed (not found in PATH)", tools.Hint(name, p))
}

func (c *Checker) query(ctx context.Context, name string, args ...string) (runner.Result, error) {
	res, err := c.Runner.Run(ctx, runner.Cmd{Name: name, Args: args, Capture: true, Quiet: true})
	var nf *runner.NotFoundError
	if errors.As(err, &nf) {
		return res, Missing(name, c.Platform)
	}
	return res, err
}

// Helm checks helm is installed and >= MinHelm.
func (c *Checker) Helm(ctx context.Context) (*semver.Version, error) {
	res, err := c.query(ctx, "helm", "version", "--short")
	if err != nil {
		var ce *clierr.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		// helm 2 exits non-zero without tiller but still prints its version.
	}
	v, perr := ParseHelm(string(res.Stdout) + string(res.Stderr))
	if perr != nil {
		return nil, clierr.Of(clierr.ToolMissing, perr.Error(), tools.Hint("helm", c.Platform))
	}
	if v.LessThan(MinHelm) {
		return v, clierr.Of(clierr.ToolMissing, fmt.Sprintf("helm %s is too old: lain needs helm >= %s", v, MinHelm), tools.Hint("helm", c.Platform))
	}
	return v, nil
}

// Kubectl checks kubectl is installed and, when the cluster answers, that
// its minor version is within one of the server's (Kubernetes' skew policy).
// A cluster that does not answer is not an error here.
func (c *Checker) Kubectl(ctx context.Context, args ...string) (KubectlVersions, error) {
	res, err := c.query(ctx, "kubectl", append([]string{"version", "-o", "json"}, args...)...)
	var ce *clierr.Error
	if errors.As(err, &ce) {
		return KubectlVersions{}, err
	}
	v, perr := ParseKubectl(res.Stdout)
	if perr != nil {
		return v, clierr.Of(clierr.ToolMissing, perr.Error(), tools.Hint("kubectl", c.Platform))
	}
	return v, Skew(v, c.Platform)
}

// Skew explains a client/server minor difference greater than one.
func Skew(v KubectlVersions, p tools.Platform) error {
	if v.Server == nil || v.Client == nil {
		return nil
	}
	cm, err1 := v.Client.MinorNumber()
	sm, err2 := v.Server.MinorNumber()
	if err1 != nil || err2 != nil || v.Client.Major != v.Server.Major {
		return nil
	}
	if d := cm - sm; d > 1 || d < -1 {
		return clierr.Of(clierr.ToolMissing, fmt.Sprintf("kubectl %s is too far from the cluster's %s: kubectl must be within one minor version of the server (1.%d to 1.%d)",
			v.Client.GitVersion, v.Server.GitVersion, sm-1, sm+1), tools.Hint("kubectl", p)+fmt.Sprintf(", version 1.%d", sm))
	}
	return nil
}

// Docker checks the docker client is installed.
func (c *Checker) Docker(ctx context.Context) (*semver.Version, error) {
	res, err := c.query(ctx, "docker", "version", "--format", "{{.Client.Version}}")
	var ce *clierr.Error
	if errors.As(err, &ce) {
		return nil, err
	}
	v, perr := ParseDocker(string(res.Stdout))
	if perr != nil {
		return nil, clierr.Of(clierr.ToolMissing, perr.Error(), tools.Hint("docker", c.Platform))
	}
	return v, nil
}
