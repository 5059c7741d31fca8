package commands

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
)

// RedeployOptions are the inputs of `lain redeploy`.
type RedeployOptions struct {
	cmdutil.ImageEnv
	IgnoreLint, AutoPilot bool
	Wait                  bool
	Timeout               int
}

// NewCmdRedeploy builds `lain redeploy`.
func NewCmdRedeploy(f *cmdutil.Factory) *cobra.Command {
	o := &RedeployOptions{}
	cmd := &cobra.Command{
		Use:   "redeploy",
		Short: "Deploy the running image again with the current chart and values",
		Long: `Deploy the image the release runs now again, with the chart and values files
of the working copy: for a change of values (or of the cluster's values)
without a new image. Everything else is as lain deploy.`,
		Example: `  lain redeploy
  lain redeploy --wait`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.IgnoreLint, o.AutoPilot = f.Globals.IgnoreLint, f.Globals.AutoPilot
			return runRedeploy(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready (always on in CI)")
	cmd.Flags().IntVar(&o.Timeout, "timeout", deploy.DefaultTimeout, "helm's --timeout and the rollout's limit, in `SECONDS`")
	return cmd
}

func runRedeploy(ctx context.Context, o *RedeployOptions) error {
	e := deploy.Env{Source: o.RenderSource(), IO: o.IO, DryRun: o.DryRun,
		Transport: o.Transport, Registry: func(cfg *clusterconfig.Config) deploy.Registry { return o.RegistryClient(cfg) }}
	return deploy.Redeploy(ctx, e, deploy.Flags{Wait: o.Wait || o.IO.IsCI(), Timeout: o.Timeout, IgnoreLint: o.IgnoreLint, AutoPilot: o.AutoPilot})
}
