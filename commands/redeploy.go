package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/release"
)

// RedeployOptions are the inputs of `lain redeploy`.
type RedeployOptions struct {
	DeployOptions
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
			if err := o.fillDeploy(f); err != nil {
				return err
			}
			return runRedeploy(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready (always on in CI)")
	cmd.Flags().IntVar(&o.Timeout, "timeout", 300, "helm's --timeout and the rollout's limit, in `SECONDS`")
	return cmd
}

func runRedeploy(ctx context.Context, o *RedeployOptions) error {
	a, err := app.Load(o.Dir)
	if err != nil {
		return err
	}
	v, err := release.Values(ctx, o.Runner, a.Release, 0)
	if err == release.ErrNotFound {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("release %s is not deployed: there is nothing to redeploy", a.Release), "lain deploy")
	}
	if err != nil {
		return err
	}
	tag := release.ImageTag(v)
	if tag == "" {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("release %s has no imageTag in its values", a.Release), "lain deploy --set imageTag=TAG")
	}
	fmt.Fprintf(o.IO.ErrOut, "redeploying %s with its running image tag %s\n", a.Release, tag)
	o.Sets = append([]string{"imageTag=" + tag}, o.Sets...)
	return runDeploy(ctx, &o.DeployOptions)
}
