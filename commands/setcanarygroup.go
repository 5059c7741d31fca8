package commands

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
)

// SetCanaryGroupOptions are the inputs of `lain set-canary-group`.
type SetCanaryGroupOptions struct {
	cmdutil.ImageEnv
	IgnoreLint, AutoPilot bool
	Wait                  bool
	Group                 string
	Final                 bool
	Abort                 bool
}

// NewCmdSetCanaryGroup builds `lain set-canary-group`.
func NewCmdSetCanaryGroup(f *cmdutil.Factory) *cobra.Command {
	o := &SetCanaryGroupOptions{}
	cmd := &cobra.Command{
		Use:   "set-canary-group [GROUP]",
		Short: "Send a canary group's traffic to the canary, promote it (--final) or drop it (--abort)",
		Long: `A canary (lain deploy --canary) runs as <appname>-canary beside the app. Its
ingresses get the annotations of one of the canaryGroups of chart/values.yaml
(e.g. a header, or a weight): set-canary-group GROUP upgrades the canary with
canaryGroup=GROUP and the values it already has.

--final deploys the canary's image as the main release and deletes the
canary; --abort deletes the canary.`,
		Example: `  lain deploy --canary
  lain set-canary-group internal
  lain set-canary-group small
  lain set-canary-group --final     # or: --abort`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completions.FirstArg(canaryGroupCompletion(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.IgnoreLint, o.AutoPilot = f.Globals.IgnoreLint, f.Globals.AutoPilot
			if len(args) == 1 {
				o.Group = args[0]
			}
			return runSetCanaryGroup(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Final, "final", false, "deploy the canary's image as the main release, then delete the canary")
	cmd.Flags().BoolVar(&o.Abort, "abort", false, "delete the canary")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready")
	return cmd
}

func canaryGroupCompletion(f *cmdutil.Factory) completions.Func {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		a, err := app.Load(cmdutil.Cwd())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		files, err := a.ValuesFiles(f.KubeHome().Current(), nil)
		if err != nil {
			files = []*app.ValuesFile{a.Values}
		}
		return completions.Filter(deploy.CanaryGroups(app.Merged(files)), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func runSetCanaryGroup(ctx context.Context, o *SetCanaryGroupOptions) error {
	e := deploy.Env{Source: o.RenderSource(), IO: o.IO, DryRun: o.DryRun,
		Transport: o.Transport, Registry: func(cfg *clusterconfig.Config) deploy.Registry { return o.RegistryClient(cfg) }}
	return deploy.SetCanaryGroup(ctx, e, deploy.CanaryChange{Group: o.Group, Final: o.Final, Abort: o.Abort,
		Deploy: deploy.Flags{Wait: o.Wait || o.IO.IsCI(), Timeout: deploy.DefaultTimeout, IgnoreLint: o.IgnoreLint, AutoPilot: o.AutoPilot}})
}
