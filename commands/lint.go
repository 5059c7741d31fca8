package commands

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/render"
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

	// HTTP asks the cluster's Prometheus for the resource advice.
	HTTP *http.Client
	Now  func() time.Time

	Simple    bool   // skip the resource advice
	Resources bool   // --resources: only the advice, as a table
	Output    string // with --resources: table or yaml
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
lain's, render it once with helm template and the options lain deploy uses,
and check the render as helm lint would (YAML that parses, object names and
labels the API server accepts, selectors). lain deploy runs this first
(unless --ignore-lint), on the render it then installs.

When the cluster values have prometheus, lint then sizes each deployment
and statefulSet from what it used over prometheus_query_range (default
7d): the CPU top (90th percentile) and the memory quantile, compared with
the proc's requests and limits as the original lain did, printed as the
resources block to paste. The advice never fails lint; a Prometheus that
does not answer within 10 s is one line of output. --resources prints only
the advice, as a table or (-o yaml) as a values-CLUSTER.yaml fragment.`,
		Example: `  lain lint
  lain --use prod lint        # with prod's values
  lain -f extra.yaml lint     # with an extra values file
  lain lint --resources       # the resource advice alone, as a table
  lain --use prod lint --resources -o yaml   # as a values-prod.yaml fragment`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.IO, o.Runner, o.Getenv, o.Values, o.Cluster = f.IO, f.Runner(), f.Getenv, f.Globals.Values, f.CurrentCluster
			o.HTTP, o.Now = f.HTTPClient(), f.Now
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			o.Dir = dir
			if o.Resources {
				return runResourceAdvice(cmd.Context(), o)
			}
			if cmd.Flags().Changed("output") {
				return clierr.Usage("--output only goes with --resources", "lain lint --resources -o "+o.Output)
			}
			return runLint(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Simple, "simple", false, "skip the resource advice (only the checks)")
	cmd.Flags().BoolVar(&o.Resources, "resources", false, "print only the resource advice from the cluster's Prometheus, for every proc")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", "with --resources: table, or yaml (a values-CLUSTER.yaml fragment)")
	cmd.MarkFlagsMutuallyExclusive("simple", "resources")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *LintOptions) flow() applint.Flow {
	return applint.Flow{Source: render.Source{Runner: o.Runner, Getenv: o.Getenv, Dir: o.Dir, Cluster: o.Cluster, Values: o.Values}, Out: o.IO.Out, ErrOut: o.IO.ErrOut,
		Advisor: o.Advisor, HTTP: o.HTTP, Now: o.Now}
}

func runLint(ctx context.Context, o *LintOptions) error { return o.flow().Lint(ctx, o.Simple) }

func runResourceAdvice(ctx context.Context, o *LintOptions) error {
	return o.flow().Resources(ctx, o.Output)
}
