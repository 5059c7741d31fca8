package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/jobrun"
	"github.com/lain-cli/lain/internal/kube"
)

// CreateJobOptions are the inputs of `lain create-job`.
type CreateJobOptions struct {
	cmdutil.AppOnCluster
	Now func() time.Time
	// Follow is true when stdout is a terminal (see JobOptions).
	Follow bool

	CronJob string
	Wait    bool
	Timeout int // seconds
	Poll    time.Duration
}

// NewCmdCreateJob builds `lain create-job`.
func NewCmdCreateJob(f *cmdutil.Factory) *cobra.Command {
	o := &CreateJobOptions{}
	cmd := &cobra.Command{
		Use:   "create-job CRONJOB",
		Short: "Run one of the app's cronjobs now",
		Long: `Start a Job from the cronjob's template now, as its schedule would
(kubectl create job --from=cronjob/...), named <cronjob>-manual-<time>.
CRONJOB is the cronjob's proc name (its name in chart/values.yaml) or its
full name; Tab completes the app's cronjobs on the current cluster.

With --wait, or on a terminal, lain streams the job's log and exits with
its exit code; otherwise it prints how to follow the job.`,
		Example: `  lain create-job nightly
  lain create-job nightly --wait --timeout 600`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completions.FirstArg(completions.CronJobs(cmdutil.Cwd, func() *kube.Client { return kube.New(f.Runner()) })),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Now, o.CronJob, o.Follow = f.Now, args[0], f.IO.IsStdoutTTY()
			return runCreateJob(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Wait, "wait", false, "stream the log and exit with the job's exit code (the default on a terminal)")
	fl.IntVar(&o.Timeout, "timeout", 3600, "`SECONDS` to wait for the job")
	return cmd
}

func runCreateJob(ctx context.Context, o *CreateJobOptions) error {
	ra, st, err := o.LoadDeployed(ctx)
	if err != nil {
		return err
	}
	name, ok := ra.InstanceName(st, o.CronJob)
	if w, found := st.Workload(name); !ok || !found || w.Kind != "CronJob" {
		return clierr.Usage(fmt.Sprintf("%s has no cronjob %q on cluster %s (cronjobs: %s)", ra.App.Name, o.CronJob, ra.Config.Cluster, ra.ProcList(st, "CronJob")),
			"lain create-job CRONJOB   # Tab lists them")
	}
	job := kube.ManualJobName(name, o.Now().Unix())
	if err := ra.Kube.CreateJobFromCronJob(ctx, name, job); err != nil {
		if clierr.Interrupted(err) {
			return err
		}
		return clierr.Of(clierr.Failed, fmt.Sprintf("could not start cronjob %s: %v", name, err), "kubectl get cronjob "+name)
	}
	fmt.Fprintf(o.IO.ErrOut, "job %s started from cronjob %s\n", job, name)
	jr := jobrun.Run{Kube: ra.Kube, App: ra.App.Name, Name: job, ErrOut: o.IO.ErrOut, In: o.IO.In, Timeout: time.Duration(o.Timeout) * time.Second, Poll: o.Poll, AskError: ra.AskError}
	if !o.Wait && !o.Follow {
		jr.PrintFollowUp()
		return nil
	}
	return jr.Follow(ctx)
}
