package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// SetCanaryGroupOptions are the inputs of `lain set-canary-group`.
type SetCanaryGroupOptions struct {
	DeployOptions
	Group string
	Final bool
	Abort bool
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
			if err := o.fillDeploy(f); err != nil {
				return err
			}
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

// canaryGroups are the group names in the app's values.
func canaryGroups(values map[string]any) []string {
	m, _ := values["canaryGroups"].(map[string]any)
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
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
		return completions.Filter(canaryGroups(app.Merged(files)), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func runSetCanaryGroup(ctx context.Context, o *SetCanaryGroupOptions) error {
	n := 0
	for _, b := range []bool{o.Group != "", o.Final, o.Abort} {
		if b {
			n++
		}
	}
	if n != 1 {
		return clierr.Usage("give one of: a canary group, --final, --abort", "lain set-canary-group --help")
	}
	a, err := app.Load(o.Dir)
	if err != nil {
		return err
	}
	canary := deploy.CanaryRelease(a.Name)
	v, err := release.Values(ctx, o.Runner, canary, 0)
	if err == release.ErrNotFound {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("there is no canary of %s (release %s)", a.Name, canary), "lain deploy --canary")
	}
	if err != nil {
		return err
	}
	uninstall := runner.Cmd{Name: "helm", Args: []string{"uninstall", canary}, Mutates: true}
	switch {
	case o.Abort:
		if _, err := o.Runner.Run(ctx, uninstall); err != nil {
			return toolerr.Failed("helm uninstall "+canary+" failed (its message is above)", err, "helm list")
		}
		fmt.Fprintf(o.IO.ErrOut, "canary %s deleted; %s is unchanged\n", canary, a.Release)
		return nil
	case o.Final:
		tag := release.ImageTag(v)
		fmt.Fprintf(o.IO.ErrOut, "promoting the canary: deploying its image tag %s as %s\n", tag, a.Release)
		o.Sets = append([]string{"imageTag=" + tag}, o.Sets...)
		d, q, cleanup, err := o.prepareDeploy(ctx)
		if err != nil {
			return err
		}
		defer cleanup()
		q.Promote = true
		if _, err := d.Deploy(ctx, q); err != nil {
			return err
		}
		if _, err := o.Runner.Run(ctx, uninstall); err != nil {
			return toolerr.Failed("helm uninstall "+canary+" failed (its message is above)", err, "helm uninstall "+canary)
		}
		fmt.Fprintf(o.IO.ErrOut, "canary promoted: %s runs %s; %s deleted\n", a.Release, tag, canary)
		return nil
	}
	files, err := a.ValuesFiles("", o.Values)
	if err != nil {
		return err
	}
	groups := canaryGroups(app.Merged(files))
	found := false
	for _, g := range groups {
		found = found || g == o.Group
	}
	if !found {
		return clierr.Usage(fmt.Sprintf("chart/values.yaml: canaryGroups: no group %q (groups: %s)", o.Group, strings.Join(groups, ", ")), "lain set-canary-group GROUP")
	}
	args := []string{"upgrade", canary, helmargs.Chart, "--reuse-values", "--set", "canaryGroup=" + o.Group}
	if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: args, Dir: a.Dir, Mutates: true}); err != nil {
		return toolerr.Failed("helm upgrade of "+canary+" failed (its message is above)", err, "lain set-canary-group --abort")
	}
	fmt.Fprintf(o.IO.ErrOut, "canary group %s: the ingresses of %s now carry its annotations\n", o.Group, canary)
	return nil
}
