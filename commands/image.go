package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
)

// ImageOptions are the inputs of `lain image`.
type ImageOptions struct{ cmdutil.ImageEnv }

// NewCmdImage builds `lain image`.
func NewCmdImage(f *cmdutil.Factory) *cobra.Command {
	o := &ImageOptions{}
	return &cobra.Command{
		Use:   "image",
		Short: "Print the app's image name for the current commit (for CI: $(lain image))",
		Long: `Print <registry>/<appname>:<tag> on stdout and nothing else: the image lain
build makes for the current commit on the current cluster, where tag is
git log -1 --pretty=format:%ct-%H (latest outside a git repository).
Scanners and scripts in CI take it as $(lain image).`,
		Example: `  lain image
  trivy image "$(lain image)"
  lain --use prod image`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			return runImage(cmd.Context(), o)
		},
	}
}

func runImage(ctx context.Context, o *ImageOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.IO.Out, a.Image(""))
	return nil
}
