package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminDeleteBadPodOptions are the inputs of `lain admin delete-bad-pod`.
type AdminDeleteBadPodOptions struct {
	AdminOptions
	AllNamespaces bool
}

func newCmdAdminDeleteBadPod(f *cmdutil.Factory) *cobra.Command {
	o := &AdminDeleteBadPodOptions{}
	cmd := &cobra.Command{
		Use:   "delete-bad-pod",
		Short: "Delete the unhealthy pods of the current namespace (the Job, for a Job's pod)",
		Long: `Delete every unhealthy pod (the ones lain admin status lists) of the current
namespace, or of every namespace with --all-namespaces. A pod that a Job
owns deletes its Job instead, once, since the Job would only start another
pod. Asks first on a terminal; --yes skips that, --dry-run only prints.`,
		Example: `  lain admin delete-bad-pod --dry-run
  lain admin delete-bad-pod --all-namespaces --yes`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			return runAdminDeleteBadPod(cmd.Context(), o)
		},
	}
	addAllNamespacesFlag(cmd, &o.AllNamespaces)
	addYesFlag(cmd, &o.AdminOptions)
	return cmd
}

func runAdminDeleteBadPod(ctx context.Context, o *AdminDeleteBadPodOptions) error {
	pods, err := o.kubectl().Pods(ctx, o.AllNamespaces)
	if err != nil {
		return err
	}
	targets := admin.DeleteTargets(pods)
	if len(targets) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "no unhealthy pods: nothing to delete")
		return nil
	}
	return o.deleteTargets(ctx, "unhealthy", targets)
}
