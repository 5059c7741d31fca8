package commands

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/runner"
)

// GetValuesOptions are the inputs of `lain get-values`.
type GetValuesOptions struct {
	cmdutil.ReleaseEnv
	Release string
}

// NewCmdGetValues builds `lain get-values`.
func NewCmdGetValues(f *cmdutil.Factory) *cobra.Command {
	o := &GetValuesOptions{}
	return &cobra.Command{
		Use:   "get-values [RELEASE]",
		Short: "Print the values the release was deployed with (helm get values)",
		Example: `  lain get-values
  lain get-values hello-canary`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: f.FirstReleaseCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.FillRelease(f); err != nil {
				return err
			}
			if len(args) == 1 {
				o.Release = args[0]
			}
			return runGetValues(cmd.Context(), o)
		},
	}
}

func runGetValues(ctx context.Context, o *GetValuesOptions) error {
	rel := o.Release
	if rel == "" {
		a, err := o.App()
		if err != nil {
			return err
		}
		rel = a.Release
	}
	if _, err := o.History(ctx, rel); err != nil {
		return err
	}
	_, err := o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"get", "values", rel, "-o", "yaml"}})
	return err
}
