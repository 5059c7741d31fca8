package commands

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// TemplateOptions are the inputs of `lain template`.
type TemplateOptions struct {
	IO     *iostreams.IOStreams
	Runner runner.Runner
	Getenv func(string) string
	Dir    string // the app
	// Cluster loads the current cluster's config for the app in Dir.
	Cluster func(appDir string) (*clusterconfig.Config, error)
	Values  []string // global -f files

	Sets  []string // --set k=v, after lain's own options
	Debug bool
}

// NewCmdTemplate builds `lain template`.
func NewCmdTemplate(f *cmdutil.Factory) *cobra.Command {
	o := &TemplateOptions{}
	cmd := &cobra.Command{
		Use:   "template",
		Short: "Print the Kubernetes manifests lain deploy would apply",
		Long: `Render ./chart with helm exactly as lain deploy does (the cluster's values,
chart/values-CLUSTER.yaml, -f files, the image tag of the current commit)
and print the manifests. Nothing is sent to the cluster.`,
		Example: `  lain template
  lain template --set imageTag=1732000000-abc123   # another image
  lain template --debug                             # render even when YAML is broken
  lain --use prod template | less                   # what prod would get`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.IO, o.Runner, o.Getenv, o.Values = f.IO, f.Runner(), f.Getenv, f.Globals.Values
			o.Cluster = f.CurrentCluster
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			o.Dir = dir
			return runTemplate(cmd.Context(), o)
		},
	}
	cmd.Flags().StringArrayVar(&o.Sets, "set", nil, "override a value, `KEY=VALUE` (repeatable), as helm --set")
	cmd.RegisterFlagCompletionFunc("set", completions.SetImageTag(f.ImageTagLister()))
	cmd.Flags().BoolVar(&o.Debug, "debug", false, "pass --debug to helm: print the render even when it is not valid YAML")
	return cmd
}

func runTemplate(ctx context.Context, o *TemplateOptions) error {
	if err := helmargs.CheckSets(o.Sets); err != nil {
		return err
	}
	t, err := loadForHelm(ctx, o.Dir, o.Cluster, o.Runner, o.Getenv, o.Values)
	if err != nil {
		return err
	}
	defer t.cleanup()
	var extra []string
	for _, s := range o.Sets {
		extra = append(extra, "--set", s)
	}
	if o.Debug {
		extra = append(extra, "--debug")
	}
	_, err = o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: helmargs.Template(t.app.Release, t.opts, extra...), Dir: t.app.Dir})
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		e := toolerr.Failed("helm template failed (its message is above)", err, "lain lint   # points at the file and line")
		e.Code = ee.Code
		return e
	}
	return err
}

// helmTarget is an app on the current cluster, with the helm options
// lain deploy would pass.
type helmTarget struct {
	app     *app.App
	cluster *clusterconfig.Config
	opts    helmargs.Options
	cleanup func() // removes the cluster values temp file
}

// loadForHelm loads the app in dir and the helm options deploy would use
// on the current cluster.
func loadForHelm(ctx context.Context, dir string, cluster func(string) (*clusterconfig.Config, error), r runner.Runner, getenv func(string) string, values []string) (*helmTarget, error) {
	a, err := app.Load(dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	cfg, err := cluster(a.Dir)
	if err != nil {
		return nil, err
	}
	opts, cleanup, err := helmargs.Gather(ctx, r, a, cfg, getenv, values, false)
	if err != nil {
		return nil, err
	}
	return &helmTarget{app: a, cluster: cfg, opts: opts, cleanup: cleanup}, nil
}
