package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/image"
)

// DeployOptions are the inputs of `lain deploy`.
type DeployOptions struct {
	cmdutil.ImageEnv
	IgnoreLint bool
	AutoPilot  bool
	// Registry answers the image check; nil: the cluster's registry.
	Registry deploy.Registry
	// Notify sends the webhook message; nil: none.
	Notify func(ctx context.Context, r deploy.Result) error

	Sets        []string
	Build       bool
	Canary      bool
	Wait        bool
	DeleteAfter string
	Timeout     int
}

// NewCmdDeploy builds `lain deploy`.
func NewCmdDeploy(f *cmdutil.Factory) *cobra.Command {
	o := &DeployOptions{}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the app's image of this commit to the current cluster (helm upgrade --install)",
		Long: `Deploy the app to the current cluster: lint it (unless --ignore-lint), check
that its image is in the registry (--build or --auto-pilot builds and pushes
it when missing), create the Secret <appname>-env when absent, refuse during
an ongoing canary, explain a release stuck in pending-install,
pending-upgrade or uninstalling (--auto-pilot rolls it back first), clean
finished one-off jobs, label the nodes listed in nodes, and run

  helm upgrade --timeout=300s --set cluster=...,user=...,repo_url=...,imageTag=... \
    --install -f <cluster values> [-f chart/values-CLUSTER.yaml] [-f FILE]... RELEASE ./chart

With --wait (always in CI) lain follows the rollout: a table of each proc's
desired/updated/ready pods, and it stops at once when a new pod cannot start
(CrashLoopBackOff, ImagePullBackOff, a missing Secret key, OOMKilled,
Unschedulable), printing the pod's events and last log lines.

helm waits for the jobs (hooks: after the first install, before each
upgrade) until its --timeout: when that takes more than a few seconds, lain
looks at their pods and says at once when one cannot start, without
stopping helm.`,
		Example: `  lain deploy
  lain deploy --set imageTag=1732000000-abc123   # another image
  lain deploy --build --wait                    # build and push first if needed; follow the rollout
  lain deploy --canary                          # beside the running release; see lain set-canary-group
  lain --dry-run deploy                         # print the commands that would change things`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.IgnoreLint, o.AutoPilot = f.Globals.IgnoreLint, f.Globals.AutoPilot
			return runDeploy(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&o.Sets, "set", nil, "override a value, `KEY=VALUE` (repeatable), as helm --set")
	cmd.RegisterFlagCompletionFunc("set", completions.SetImageTag(f.ImageTagLister()))
	fl.BoolVar(&o.Build, "build", false, "build and push the image first when it is not in the registry")
	fl.BoolVar(&o.Canary, "canary", false, "deploy as <appname>-canary beside the running release")
	fl.BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready (always on in CI)")
	fl.StringVar(&o.DeleteAfter, "delete-after", "", "delete the release after `DELAY` (30m, 2h, 1d), for review apps: see lain delete --help")
	fl.IntVar(&o.Timeout, "timeout", deploy.DefaultTimeout, "helm's --timeout and the rollout's limit, in `SECONDS`")
	return cmd
}

func runDeploy(ctx context.Context, o *DeployOptions) error {
	e := deploy.Env{Source: o.RenderSource(), IO: o.IO, DryRun: o.DryRun,
		Transport: o.Transport, Registry: o.deployRegistry, Build: o.buildFor(), Notify: o.Notify}
	_, err := deploy.Run(ctx, e, deploy.Flags{Sets: o.Sets, Build: o.Build, Canary: o.Canary, Wait: o.Wait || o.IO.IsCI(),
		DeleteAfter: o.DeleteAfter, Timeout: o.Timeout, IgnoreLint: o.IgnoreLint, AutoPilot: o.AutoPilot})
	return err
}

// deployRegistry answers the image check: the test's, else the cluster's.
func (o *DeployOptions) deployRegistry(cfg *clusterconfig.Config) deploy.Registry {
	if o.Registry != nil {
		return o.Registry
	}
	return o.RegistryClient(cfg)
}

// buildFor builds and pushes the image of this commit (lain build --push,
// in-process).
func (o *DeployOptions) buildFor() func(ctx context.Context, tag string) error {
	return func(ctx context.Context, tag string) error {
		a, err := o.LoadApp(ctx)
		if err != nil {
			return err
		}
		if tag != a.Tag.Tag {
			return clierr.Of(clierr.NotFound, fmt.Sprintf("image tag %s is not in the registry, and lain can only build this commit's image (%s)", tag, a.Tag.Tag),
				"lain deploy --build   # without --set imageTag, deploys this commit")
		}
		if image.OwnDockerfile(a.App.Dir) {
			return image.OwnDockerfileError(a.App.Dir, a.Image(""))
		}
		spec, err := a.Spec(o.Getenv)
		if err != nil {
			return err
		}
		b, err := o.Builder(a)
		if err != nil {
			return err
		}
		_, err = b.Build(ctx, image.Request{Dir: a.App.Dir, Registry: a.Config.Values.Registry, Spec: spec, Tag: a.Tag.Tag, Push: true})
		return err
	}
}
