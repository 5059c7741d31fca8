package commands

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/dashboards"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// LogsOptions are the inputs of `lain logs`.
type LogsOptions struct {
	cmdutil.AppOnCluster

	Proc   string // "" for every proc
	Tail   int
	Follow bool
	Stern  bool
	Kibana bool
}

// NewCmdLogs builds `lain logs`.
func NewCmdLogs(f *cmdutil.Factory) *cobra.Command {
	o := &LogsOptions{}
	cmd := &cobra.Command{
		Use:   "logs [PROC]",
		Short: "Print the logs of a proc's pods (all procs without PROC), each line prefixed with its pod",
		Long: `Print the last --tail lines of every pod of PROC (or of the whole app) with
kubectl logs, each line prefixed with [pod/NAME/CONTAINER]. On a terminal it
keeps following new lines until Ctrl-C (--follow=false to stop at once);
piped or in CI it prints and exits unless --follow.

--stern uses stern (colours per pod, follows pods that come and go) when it
is installed. --kibana prints the Kibana link for the app's (or PROC's) logs,
from the cluster's kibana value: older logs than the pods keep are there.`,
		Example: `  lain logs web
  lain logs web --tail 20
  lain logs --stern          # every proc, with stern
  lain logs web --kibana     # the Kibana URL`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: f.FirstProcCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			if len(args) == 1 {
				o.Proc = args[0]
			}
			if !cmd.Flags().Changed("follow") {
				o.Follow = f.IO.IsStdoutTTY()
			}
			return runLogs(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&o.Tail, "tail", 200, "how many recent lines of each pod (-1: all)")
	fl.BoolVar(&o.Follow, "follow", false, "keep printing new lines until Ctrl-C (default: on a terminal)")
	fl.BoolVar(&o.Stern, "stern", false, "use stern instead of kubectl logs")
	fl.BoolVar(&o.Kibana, "kibana", false, "print the Kibana URL of these logs instead")
	cmd.MarkFlagsMutuallyExclusive("stern", "kibana")
	return cmd
}

func runLogs(ctx context.Context, o *LogsOptions) error {
	ra, err := o.Load(ctx)
	if err != nil {
		return err
	}
	// A proc of the chart (or the whole app) is read at once with kubectl,
	// without listing the app first; only when kubectl finds no pod does
	// lain look at what runs, to say why. stern, which says nothing when
	// there is no pod, is started after that look.
	if sel, ok := localLogsSelector(ra, o.Proc); ok && !o.Kibana && !o.Stern {
		if sel.cronjob {
			fmt.Fprintf(o.IO.ErrOut, "note: Jobs are cleaned up after a while; older runs' logs are in Kibana%s\n", kibanaHint(ra, sel.proc))
		}
		if found, err := streamLogs(ctx, o, ra, sel); found || err != nil {
			return err
		}
	}
	st, err := ra.DeployedState(ctx)
	if err != nil {
		return err
	}
	sel := logsSelector{selector: kube.AppSelector(ra.App.Name)}
	if o.Proc != "" {
		name, ok := ra.InstanceName(st, o.Proc)
		if !ok {
			return clierr.Usage(fmt.Sprintf("%s has no proc %q on cluster %s (it has: %s)", ra.App.Name, o.Proc, ra.Config.Cluster, ra.ProcList(st, "Deployment", "StatefulSet", "CronJob", "Job")),
				"lain logs PROC   # or lain logs, for every proc")
		}
		w, _ := st.Workload(name)
		sel = logsSelector{selector: kube.InstanceSelector(ra.App.Name, name), proc: ra.ProcOf(name)}
		if w.Kind == "CronJob" {
			// A cronjob's pods carry its name as their instance too.
			fmt.Fprintf(o.IO.ErrOut, "note: Jobs are cleaned up after a while; older runs' logs are in Kibana%s\n", kibanaHint(ra, sel.proc))
		}
	}
	if o.Kibana {
		url := dashboards.Kibana(ra.Config.Values.Kibana, ra.App.Release, sel.proc)
		if url == "" {
			return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("cluster %s has no kibana in its cluster values", ra.Config.Cluster), "lain logs "+o.Proc+"   # kubectl logs instead")
		}
		fmt.Fprintln(o.IO.Out, url)
		return nil
	}
	for _, w := range st.Workloads {
		if sel.proc == "" || w.Name == ra.App.Release+"-"+sel.proc || w.Name == o.Proc {
			sel.pods += len(w.Pods)
		}
	}
	if sel.pods > 0 {
		if found, err := streamLogs(ctx, o, ra, sel); found || err != nil {
			return err
		}
	}
	return clierr.Of(clierr.NotFound, fmt.Sprintf("no pods of %s on cluster %s right now", orAll(o.Proc, ra.App.Name), ra.Config.Cluster), "lain status   # what runs, and what is wrong")
}

// logsSelector is the pods lain logs reads.
type logsSelector struct {
	selector string
	proc     string // "" for the whole app
	cronjob  bool
	pods     int // how many there are; 0: not known yet
}

// localLogsSelector is the selector of PROC (or of the app) from the
// chart's values alone; false when PROC is not a proc there (a workload's
// full name, say), which only the cluster can tell.
func localLogsSelector(ra *cmdutil.RunningApp, proc string) (logsSelector, bool) {
	if proc == "" {
		return logsSelector{selector: kube.AppSelector(ra.App.Name)}, true
	}
	for _, p := range app.Procs(ra.Values) {
		if p.Name == proc {
			return logsSelector{selector: kube.InstanceSelector(ra.App.Name, ra.App.Release+"-"+proc), proc: proc, cronjob: p.Kind == "cronjobs"}, true
		}
	}
	return logsSelector{}, false
}

// streamLogs runs kubectl logs (or stern) on the selected pods; found is
// false when kubectl found none. Only following needs their number first.
func streamLogs(ctx context.Context, o *LogsOptions, ra *cmdutil.RunningApp, sel logsSelector) (found bool, err error) {
	tail := strconv.Itoa(o.Tail)
	if o.Stern {
		args := []string{"--selector", sel.selector, "--tail", tail}
		if !o.Follow {
			args = append(args, "--no-follow")
		}
		_, err := o.Runner.Run(ctx, runner.Cmd{Name: "stern", Args: args})
		return true, logsError(err, ra, sel.proc)
	}
	if o.Follow && sel.pods == 0 {
		if sel.pods, err = ra.Kube.CountPods(ctx, sel.selector); err != nil {
			return false, ra.AskError(err)
		}
		if sel.pods == 0 {
			return false, nil
		}
	}
	res, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: kube.LogsArgs(sel.selector, o.Tail, o.Follow, sel.pods)})
	if err == nil && bytes.Contains(res.Stderr, []byte(kube.NoPodsSaid)) {
		return false, nil
	}
	return true, logsError(err, ra, sel.proc)
}

func logsError(err error, ra *cmdutil.RunningApp, proc string) error {
	if err == nil || clierr.Interrupted(err) {
		return err
	}
	return &clierr.Error{Kind: clierr.ToolFailed, Msg: "could not read the logs: " + err.Error(), Next: "lain logs --stern   # or Kibana" + kibanaHint(ra, proc), Err: err}
}

func kibanaHint(ra *cmdutil.RunningApp, proc string) string {
	if u := dashboards.Kibana(ra.Config.Values.Kibana, ra.App.Release, proc); u != "" {
		return ": " + u
	}
	return ""
}

func orAll(proc, appname string) string {
	if proc == "" {
		return appname
	}
	return "proc " + proc
}
