package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolcheck"
	"github.com/lain-cli/lain/internal/tools"
)

// Env is everything the checks look at.
type Env struct {
	Runner     runner.Runner
	Platform   tools.Platform
	Source     clusterconfig.Source
	Kube       kubehome.Home
	Getenv     func(string) string
	HTTPClient *http.Client
	HostsFile  string // /etc/hosts
	AppDir     string // the current directory
	// DockerConfig is the docker client's config.json.
	DockerConfig string
	Version      string
	// LatestRelease returns the newest published lain version; nil when
	// this build has no update source.
	LatestRelease func(ctx context.Context) (string, error)
}

// ClusterTimeout bounds each network check.
const ClusterTimeout = 3 * time.Second

// Checks returns the report's checks in the order a person fixes things.
func Checks(e Env) []Check {
	cl := &clusterState{env: e}
	chk := &toolcheck.Checker{Runner: e.Runner, Platform: e.Platform}
	return []Check{
		{Name: "lain version", Run: e.checkVersion},
		{Name: "helm", Required: true, Run: func(ctx context.Context) Result {
			v, err := chk.Helm(ctx)
			if err != nil {
				return fromErr(err)
			}
			return ok("helm %s (needs >= %s)", v, toolcheck.MinHelm)
		}},
		{Name: "kubectl", Required: true, Run: func(ctx context.Context) Result {
			v, err := chk.Kubectl(ctx, "--client")
			if err != nil {
				return fromErr(err)
			}
			return ok("kubectl %s", v.Client.GitVersion)
		}},
		{Name: "docker", Required: true, Run: func(ctx context.Context) Result {
			v, err := chk.Docker(ctx)
			if err != nil {
				return fromErr(err)
			}
			return ok("docker %s", v.Original())
		}},
		{Name: "git", Required: true, Run: e.checkGit},
		{Name: "current cluster", Required: true, Run: cl.checkCurrent},
		{Name: "kubeconfig", Required: true, Run: cl.checkKubeconfig},
		{Name: "cluster values", Required: true, Run: cl.checkValues},
		{Name: "secrets_env", Required: true, Run: cl.checkSecrets},
		{Name: "/etc/hosts", Required: true, Run: cl.checkHosts},
		{Name: "apiserver", Required: true, Run: func(ctx context.Context) Result { return cl.checkAPIServer(ctx, chk) }},
		{Name: "registry login", Required: true, Run: cl.checkRegistry},
		{Name: "app", Required: true, Run: e.checkApp},
	}
}

// fromErr turns an explained error into a failed line.
func fromErr(err error) Result {
	var ce *clierr.Error
	if errors.As(err, &ce) {
		return fail(ce.Msg, ce.Next)
	}
	return fail(err.Error(), "")
}

func (e Env) checkVersion(ctx context.Context) Result {
	if e.LatestRelease == nil {
		return skip("lain %s; this build has no update source to compare with", e.Version)
	}
	ctx, cancel := context.WithTimeout(ctx, ClusterTimeout)
	defer cancel()
	latest, err := e.LatestRelease(ctx)
	if err != nil {
		return warn(fmt.Sprintf("lain %s; could not reach the update source: %v", e.Version, err), "")
	}
	if latest == e.Version || "v"+latest == e.Version || latest == "v"+e.Version {
		return ok("lain %s (the newest)", e.Version)
	}
	return warn(fmt.Sprintf("lain %s; the newest release is %s", e.Version, latest), "lain upgrade")
}

func (e Env) checkGit(ctx context.Context) Result {
	res, err := e.Runner.Run(ctx, runner.Cmd{Name: "git", Args: []string{"--version"}, Capture: true, Quiet: true})
	var nf *runner.NotFoundError
	if errors.As(err, &nf) {
		return fromErr(toolcheck.Missing("git", e.Platform))
	}
	if err != nil {
		return fail(err.Error(), tools.Hint("git", e.Platform))
	}
	return ok("%s", strings.TrimSpace(string(res.Stdout)))
}

func (e Env) checkApp(_ context.Context) Result {
	values := filepath.Join(e.AppDir, "chart", "values.yaml")
	if _, err := os.Stat(values); errors.Is(err, os.ErrNotExist) {
		return skip("no ./chart here: not an app directory (lain init makes one)")
	}
	a, err := app.Load(e.AppDir)
	if err != nil {
		return fromErr(err)
	}
	if a.Name == "" {
		return fail(values+": appname is missing", "add appname: <your app's name> to "+values)
	}
	return ok("app %s (%s)", a.Name, values)
}
