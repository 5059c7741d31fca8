package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/image"
)

// BuildOptions are the inputs of `lain build`.
type BuildOptions struct {
	cmdutil.ImageEnv

	Push           bool
	Deploy         bool // push, then deploy the new tag
	KeepDockerfile bool
	// DeployTag deploys a pushed tag in-process (lain deploy --set
	// imageTag=TAG); nil while this lain has no deploy.
	DeployTag func(ctx context.Context, tag string) error
}

// NewCmdBuild builds `lain build`.
func NewCmdBuild(f *cmdutil.Factory) *cobra.Command {
	o := &BuildOptions{}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the app's image from the build clause of chart/values.yaml",
		Long: `Generate a Dockerfile from the build, build_args and release clauses of
chart/values.yaml (merged with chart/values-CLUSTER.yaml) and run docker build.
The image is <registry>/<appname>:<commit time>-<commit hash> (latest outside
git); uncommitted changes are built in, so lain warns about them.

The stages: build starts FROM build.base (or from the prepare image, see
lain prepare), adds the app at build.workdir (/lain/app) owned by 1001, and
runs build.script as one (a) && (b) step; release, when there is a release
clause, starts FROM release.dest_base and copies release.copy from build.
The image runs as USER 1001, with LAIN_META=<tag> in its environment.

lain writes Dockerfile (and .dockerignore, from .gitignore plus **/.git,
when the app has none) only while docker runs, and removes them afterwards,
also on failure and Ctrl-C (--keep-dockerfile keeps them). An app with its
own Dockerfile builds with docker itself: lain refuses to overwrite it.`,
		Example: `  lain build                      # build the image of the current commit
  lain build --push               # and push it (and :latest)
  lain build --keep-dockerfile    # keep the generated Dockerfile to read
  lain --remote-docker build      # build on the cluster's remote_docker`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			// --deploy deploys the tag just pushed, in this process.
			o.DeployTag = func(ctx context.Context, tag string) error {
				e := deploy.Env{Source: o.RenderSource(), IO: o.IO, DryRun: o.DryRun,
					Transport: o.Transport, Registry: func(cfg *clusterconfig.Config) deploy.Registry { return o.RegistryClient(cfg) }}
				_, err := deploy.Run(ctx, e, deploy.Flags{Sets: []string{"imageTag=" + tag}, Wait: o.IO.IsCI(), Timeout: deploy.DefaultTimeout,
					IgnoreLint: f.Globals.IgnoreLint, AutoPilot: f.Globals.AutoPilot})
				return err
			}
			return runBuild(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Push, "push", false, "push the image to the cluster's registry (also as :latest)")
	fl.BoolVar(&o.Deploy, "deploy", false, "push, then deploy the new image (lain deploy --set imageTag=TAG)")
	fl.BoolVar(&o.KeepDockerfile, "keep-dockerfile", false, "keep the generated Dockerfile and .dockerignore")
	return cmd
}

func runBuild(ctx context.Context, o *BuildOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	if _, err := buildApp(ctx, &o.ImageEnv, a, o.Push || o.Deploy, o.KeepDockerfile); err != nil {
		return err
	}
	if !o.Deploy {
		return nil
	}
	if o.DeployTag == nil {
		return clierr.Of(clierr.Failed, "lain build --deploy: this lain cannot deploy yet; the image is pushed",
			"helm upgrade --install ... --set imageTag="+a.Tag.Tag+"   # or lain deploy --set imageTag="+a.Tag.Tag+" once your lain has it")
	}
	return o.DeployTag(ctx, a.Tag.Tag)
}

// buildApp builds the image of the app's commit (and the prepare image it
// starts from, when missing), pushing it when push: lain build, and lain
// deploy --build. It returns the image name.
func buildApp(ctx context.Context, e *cmdutil.ImageEnv, a *cmdutil.AppImage, push, keepDockerfile bool) (string, error) {
	if image.OwnDockerfile(a.App.Dir) {
		return "", image.OwnDockerfileError(a.App.Dir, a.Image(""))
	}
	spec, err := a.Spec(e.Getenv)
	if err != nil {
		return "", err
	}
	if w := a.Tag.Warning(); w != "" {
		fmt.Fprintln(e.IO.ErrOut, w)
	}
	b, err := e.Builder(a)
	if err != nil {
		return "", err
	}
	return b.Build(ctx, image.Request{Dir: a.App.Dir, Registry: a.Config.Values.Registry, Spec: spec, Tag: a.Tag.Tag,
		Push: push, KeepDockerfile: keepDockerfile})
}
