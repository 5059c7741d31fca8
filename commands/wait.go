package commands

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
)

// WaitOptions are the inputs of `lain wait`.
type WaitOptions struct {
	cmdutil.ReleaseEnv
	Release  string // "" the app's
	Selector string
	Tries    int // the limit, in the original's polls of 3 s
}

// NewCmdWait builds `lain wait`.
func NewCmdWait(f *cmdutil.Factory) *cobra.Command {
	o := &WaitOptions{}
	cmd := &cobra.Command{
		Use:   "wait [RELEASE]",
		Short: "Wait until every pod of the app is ready (fails fast on pods that cannot start)",
		Long: `Look at the release's Deployments and StatefulSets until each runs only ready
pods of its current template: one look, then a watch when it is not settled
yet (polls every 3 s only if a watch breaks). A pod in CrashLoopBackOff, ImagePullBackOff,
CreateContainerConfigError, OOMKilled or Unschedulable stops the wait at
once, with its events and last log lines. --tries N gives up after N x 3 s
(the original lain's polls, kept for scripts).`,
		Example: `  lain wait
  lain wait -l app.kubernetes.io/instance=hello-web
  lain wait --tries 100`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: f.FirstReleaseCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.FillRelease(f); err != nil {
				return err
			}
			if len(args) == 1 {
				o.Release = args[0]
			}
			return runWait(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "wait only for the pods matching this label `SELECTOR`")
	cmd.Flags().IntVar(&o.Tries, "tries", 100, "give up after `N` x 3 s (the original's polls, 3 s apart)")
	return cmd
}

func runWait(ctx context.Context, o *WaitOptions) error {
	rel := o.Release
	if rel == "" {
		a, err := o.App()
		if err != nil {
			return err
		}
		rel = a.Release
	}
	tr := o.Tracker(rel, o.Selector, time.Duration(o.Tries)*3*time.Second)
	tr.Interval = 3 * time.Second
	if _, err := tr.Wait(ctx); err != nil {
		return err
	}
	o.IO.ErrOut.Write([]byte(rel + ": every pod is ready\n"))
	return nil
}
