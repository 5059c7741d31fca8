package commands

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
)

// PrepareOptions are the inputs of `lain prepare`.
type PrepareOptions struct {
	cmdutil.ImageEnv

	SkipPush       bool
	KeepDockerfile bool
}

// NewCmdPrepare builds `lain prepare`.
func NewCmdPrepare(f *cmdutil.Factory) *cobra.Command {
	o := &PrepareOptions{}
	cmd := &cobra.Command{
		Use:   "prepare",
		Short: "Build and push the prepare image that lain build starts from",
		Long: `Build <registry>/<appname>:prepare from build.prepare in chart/values.yaml:
FROM build.base, add the app, run each line of build.prepare.script, then
delete every file except the paths in build.prepare.keep (dependencies,
typically). lain build then starts FROM this image, so slow steps run only
when you prepare again (after changing dependencies or build.base).

The image is pushed, since docker build --pull fetches it from the registry
(--skip-push keeps it local; lain build pushes a local one when the
registry has none).`,
		Example: `  lain prepare
  lain prepare --skip-push        # build it, do not push
  lain prepare --keep-dockerfile  # keep the generated Dockerfile to read`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			return runPrepare(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.SkipPush, "skip-push", false, "build the prepare image, do not push it")
	cmd.Flags().BoolVar(&o.KeepDockerfile, "keep-dockerfile", false, "keep the generated Dockerfile and .dockerignore")
	return cmd
}

func runPrepare(ctx context.Context, o *PrepareOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	if image.OwnDockerfile(a.App.Dir) {
		return image.OwnDockerfileError(a.App.Dir, a.Image(image.PrepareTag))
	}
	spec, err := a.Spec(o.Getenv)
	if err != nil {
		return err
	}
	if spec.Prepare == nil {
		file, line := app.Locate(a.Files, "build.prepare")
		return cmdutil.SpecUsage(file, line, "build.prepare: missing: there is nothing to prepare",
			"add build.prepare: {script: [...], keep: [...]} to chart/values.yaml, or just run: lain build")
	}
	b, err := o.Builder(a)
	if err != nil {
		return err
	}
	_, err = b.Prepare(ctx, image.Request{Dir: a.App.Dir, Registry: a.Config.Values.Registry, Spec: spec, Tag: image.PrepareTag,
		Push: !o.SkipPush, KeepDockerfile: o.KeepDockerfile})
	return err
}
