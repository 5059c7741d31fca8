package commands

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/render"
	"github.com/lain-cli/lain/internal/runner"
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
	t, err := render.Load(ctx, render.Source{Runner: o.Runner, Getenv: o.Getenv, Dir: o.Dir, Cluster: o.Cluster, Values: o.Values}, false)
	if err != nil {
		return err
	}
	defer t.Close()
	extra := render.SetArgs(o.Sets)
	if o.Debug {
		extra = append(extra, "--debug")
	}
	return t.Print(ctx, o.Runner, extra...)
}
