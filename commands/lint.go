package commands

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
)

// LintOptions are the inputs of `lain lint`.
type LintOptions struct {
	IO      *iostreams.IOStreams
	Runner  runner.Runner
	Getenv  func(string) string
	Dir     string
	Cluster func(appDir string) (*clusterconfig.Config, error)
	Values  []string // global -f files
	// Advisor suggests resources from Prometheus (nil until that exists).
	Advisor applint.Advisor

	Simple bool // skip the resource advice
}

// NewCmdLint builds `lain lint`.
func NewCmdLint(f *cmdutil.Factory) *cobra.Command {
	o := &LintOptions{}
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Check chart/values*.yaml and the chart before deploying",
		Long: `Check chart/values.yaml merged with chart/values-CLUSTER.yaml and the -f files
against everything lain's chart reads, and report every problem at once as
file:line: key: problem (hint). Then check that the chart is as new as this
lain's, and run helm lint and helm template with the options lain deploy
uses. lain deploy runs this first (unless --ignore-lint).`,
		Example: `  lain lint
  lain --use prod lint        # with prod's values
  lain -f extra.yaml lint     # with an extra values file`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.IO, o.Runner, o.Getenv, o.Values, o.Cluster = f.IO, f.Runner(), f.Getenv, f.Globals.Values, f.CurrentCluster
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			o.Dir = dir
			return runLint(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Simple, "simple", false, "skip the resource advice (only the checks)")
	return cmd
}

func runLint(ctx context.Context, o *LintOptions) error {
	t, err := loadForHelm(ctx, o.Dir, o.Cluster, o.Runner, o.Getenv, o.Values)
	if err != nil {
		return err
	}
	defer t.cleanup()
	files, err := t.app.ValuesFiles(t.cluster.Cluster, o.Values)
	if err != nil {
		return err
	}
	in := applint.Input{App: t.app, Files: files, Cluster: t.cluster, Runner: o.Runner, Helm: t.opts, ErrOut: o.IO.ErrOut}
	if !o.Simple {
		in.Advisor = o.Advisor
	}
	if err := applint.Run(ctx, in); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "lint: %s is ready to deploy to %s\n", t.app.Name, t.cluster.Cluster)
	return nil
}
