package commands

import (
	"context"
	"fmt"
	"strings"

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
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "every namespace, not only the current one")
	addYesFlag(cmd, &o.AdminOptions)
	return cmd
}

func runAdminDeleteBadPod(ctx context.Context, o *AdminDeleteBadPodOptions) error {
	k := o.kubectl()
	pods, err := k.Pods(ctx, o.AllNamespaces)
	if err != nil {
		return err
	}
	targets := admin.DeleteTargets(pods)
	if len(targets) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "no unhealthy pods: nothing to delete")
		return nil
	}
	var names []string
	for _, t := range targets {
		names = append(names, t.Kind+" "+t.Namespace+"/"+t.Name)
	}
	fmt.Fprintf(o.IO.ErrOut, "unhealthy: %s\n", strings.Join(names, ", "))
	if err := o.confirm(fmt.Sprintf("Delete these %d objects?", len(targets)), "delete "+strings.Join(names, ", ")); err != nil {
		return err
	}
	for _, t := range targets {
		if err := k.Mutate(ctx, "delete", t.Kind, t.Name, "-n", t.Namespace, "--ignore-not-found", "--wait=false"); err != nil {
			return err
		}
	}
	return nil
}
