package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/rollout"
	"github.com/lain-cli/lain/internal/runner"
)

// RestartOptions are the inputs of `lain restart`.
type RestartOptions struct {
	cmdutil.ReleaseEnv
	Procs    []string
	Selector string
	Graceful bool
	Wait     bool
}

// NewCmdRestart builds `lain restart`.
func NewCmdRestart(f *cmdutil.Factory) *cobra.Command {
	o := &RestartOptions{}
	cmd := &cobra.Command{
		Use:   "restart [PROC]...",
		Short: "Recreate the app's pods (all, some procs', or a selector's)",
		Long: `Delete the pods of the app (or of the procs given, or those matching -l) so
their controllers recreate them, e.g. to load a changed <appname>-env.
Pods of Jobs and CronJobs (migrations, lain job runs) are left to finish,
unless -l selects them. --graceful (and --auto-pilot) deletes one pod at a time and waits until every
pod is ready again before the next; it stops when a new pod cannot start.`,
		Example: `  lain restart
  lain restart web --graceful
  lain restart -l app.kubernetes.io/instance=hello-worker --wait`,
		ValidArgsFunction: f.ProcCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.FillRelease(f); err != nil {
				return err
			}
			o.Procs = args
			if o.AutoPilot {
				o.Graceful = true
			}
			return runRestart(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Selector, "selector", "l", "", "restart the pods matching this label `SELECTOR`")
	fl.BoolVar(&o.Graceful, "graceful", false, "one pod at a time, waiting for every pod to be ready before the next")
	fl.BoolVar(&o.Wait, "wait", false, "wait until every pod is ready again")
	return cmd
}

// selectors are the label selectors of what to restart.
func (o *RestartOptions) selectors(rel string) []string {
	if o.Selector != "" {
		return []string{o.Selector}
	}
	// Kubernetes labels every pod a Job creates with job-name: deleting
	// one would kill a running migration or lain job, not restart it.
	const notJobs = ",!job-name"
	if len(o.Procs) == 0 {
		return []string{rollout.Selector(rel) + notJobs}
	}
	var out []string
	for _, p := range o.Procs {
		out = append(out, "app.kubernetes.io/instance="+rel+"-"+p+notJobs)
	}
	return out
}

func runRestart(ctx context.Context, o *RestartOptions) error {
	a, err := o.App()
	if err != nil {
		return err
	}
	rel := a.Release
	for _, sel := range o.selectors(rel) {
		if !o.Graceful {
			if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "pod", "-l", sel, "--wait=false"}, Mutates: true}); err != nil {
				return err
			}
			if o.Wait && !o.DryRun {
				if err := o.Track(ctx, rel, sel, 5*time.Minute); err != nil {
					return err
				}
			}
			continue
		}
		res, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "pods", "-l", sel, "-o", "jsonpath={.items[*].metadata.name}"}, Capture: true, Quiet: true})
		if err != nil {
			return err
		}
		pods := strings.Fields(string(res.Stdout))
		if len(pods) == 0 {
			fmt.Fprintf(o.IO.ErrOut, "no pods match %s\n", sel)
		}
		for i, pod := range pods {
			if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "pod", pod, "--wait=false"}, Mutates: true}); err != nil {
				return err
			}
			if o.DryRun {
				continue
			}
			tr := o.Tracker(rel, sel, 5*time.Minute)
			tr.Replaced = []string{pod}
			if _, err := tr.Wait(ctx); err != nil {
				return err
			}
			fmt.Fprintf(o.IO.ErrOut, "restart: %d/%d: %s replaced, every pod is ready\n", i+1, len(pods), pod)
		}
	}
	return nil
}
