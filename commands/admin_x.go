package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminXOptions are the inputs of `lain admin x`.
type AdminXOptions struct {
	AdminOptions
	Command []string
	All     bool // --all: show failures too
}

func newCmdAdminX(f *cmdutil.Factory) *cobra.Command {
	o := &AdminXOptions{}
	cmd := &cobra.Command{
		Use:   "x -- COMMAND...",
		Short: "Run a command in one pod of every Deployment of the current namespace",
		Long: fmt.Sprintf(`Run COMMAND with kubectl exec in one running pod of each Deployment of the
current namespace, %d at a time. Each pod's output follows a header line
naming it. Only the pods where COMMAND succeeded are shown, unless --all;
exits 1 if it failed in any pod.`, admin.MaxParallelExec),
		Example: `  lain admin x -- sh -c 'pip3 freeze | grep -i requests'
  lain admin x --all -- cat /etc/os-release`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.fillFrom(f)
			if cmd.ArgsLenAtDash() != 0 || len(args) == 0 {
				return clierr.Usage("give the command after --", "lain admin x -- COMMAND...")
			}
			o.Command = args
			return runAdminX(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "show the pods where the command failed too")
	return cmd
}

func runAdminX(ctx context.Context, o *AdminXOptions) error {
	pods, err := o.kubectl().Pods(ctx, false)
	if err != nil {
		return err
	}
	targets := admin.OnePodPerDeployment(pods)
	if len(targets) == 0 {
		return clierr.Of(clierr.NotFound, "no running pod of any Deployment in the current namespace", "lain admin status -s   # what runs, and what is wrong")
	}
	var failed []string
	for _, r := range admin.ExecAll(ctx, o.Runner, targets, o.Command) {
		if r.DryRun {
			continue
		}
		if admin.Refused(r.Err) {
			// Not the command failing: kubectl could not run it at all.
			return admin.Failed([]string{"exec", r.Pod}, r.Err)
		}
		if r.Err != nil {
			failed = append(failed, r.Pod)
			if !o.All {
				continue
			}
		}
		header := fmt.Sprintf("==> %s (deployment %s): ok", r.Pod, r.Deployment)
		if r.Err != nil {
			header = fmt.Sprintf("==> %s (deployment %s): FAILED: %s", r.Pod, r.Deployment, oneLineErr(r))
		}
		fmt.Fprintln(o.IO.Out, header)
		fmt.Fprint(o.IO.Out, r.Stdout)
		if r.Err != nil && r.Stderr != "" {
			fmt.Fprint(o.IO.Out, r.Stderr)
		}
	}
	if len(failed) > 0 {
		next := "lain admin x --all -- " + strings.Join(o.Command, " ") + "   # shows the failures"
		if o.All {
			next = ""
		}
		return &clierr.Error{Kind: clierr.Failed, Msg: fmt.Sprintf("the command failed in %d of %d pods: %s", len(failed), len(targets), strings.Join(failed, ", ")), Next: next}
	}
	return nil
}

func oneLineErr(r admin.ExecResult) string {
	if s := strings.TrimSpace(r.Stderr); s != "" {
		lines := strings.Split(s, "\n")
		return strings.TrimSpace(lines[len(lines)-1])
	}
	return r.Err.Error()
}
