package commands

import (
	"context"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminStatusOptions are the inputs of `lain admin status`.
type AdminStatusOptions struct {
	AdminOptions
	Simple bool
	Via    string // --via: send URL probes to this address
	// Live is the terminal to refresh on (nil: print once).
	Live     *os.File
	Interval time.Duration
	Now      func() time.Time
}

func newCmdAdminStatus(f *cmdutil.Factory) *cobra.Command {
	o := &AdminStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "The whole cluster at a glance: nodes not Ready, unhealthy pods by reason, ingress URLs",
		Long: `Nodes that are not Ready (with their conditions), the pods that are not
healthy in every namespace you may read, grouped by reason
(CrashLoopBackOff, ImagePullBackOff, Pending/Unschedulable, OOMKilled,
Error, ...), and every ingress URL with how it answers (2 s each, in
parallel). When your kubeconfig may not list pods cluster-wide, the current
namespace is shown, and the report says so.

On a terminal: full screen, refreshed every few seconds (q leaves).
With -s (or off a terminal): printed once; exits 1 when a node is not
Ready, a pod is unhealthy or a URL answers 5xx, for cron and CI. A URL that
does not answer from where lain runs is shown, not counted.`,
		Example: `  lain admin status -s
  lain admin status -s --via 10.0.0.5:80   # probe URLs through the ingress controller`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			o.Now = f.Now
			o.Simple = o.Simple || f.Globals.Silent
			if !o.Simple {
				o.Live = systemTerminalOut(f)
			}
			return runAdminStatus(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Simple, "simple", false, "print once, as plain text (same as -s)")
	addViaFlag(cmd, &o.Via)
	return cmd
}

func runAdminStatus(ctx context.Context, o *AdminStatusOptions) error {
	c := admin.Collector{Kube: o.kubectl(), Prober: o.prober(o.Via)}
	if o.Live != nil {
		c.Kube.Quiet = true
		interval := o.Interval
		if interval == 0 {
			interval = 5 * time.Second
		}
		in, out := int(os.Stdin.Fd()), int(o.Live.Fd())
		screen := admin.Screen{In: os.Stdin, Out: o.Live,
			Raw: func() (func(), error) {
				old, err := term.MakeRaw(in)
				if err != nil {
					return nil, err
				}
				return func() { term.Restore(in, old) }, nil
			},
			Height: func() int {
				if _, h, err := term.GetSize(out); err == nil {
					return h
				}
				return 24
			},
		}
		interrupted, err := admin.Live(ctx, screen, interval, o.Now, c.Collect)
		if interrupted {
			return clierr.ErrInterrupted // exit 130, as shells report Ctrl-C
		}
		return err
	}
	r, err := c.Collect(ctx)
	if err != nil {
		return err
	}
	if err := r.WritePlain(o.IO.Out); err != nil {
		return err
	}
	if !r.Healthy() {
		return &clierr.Error{Kind: clierr.ReleaseFailed, Msg: r.Summary(), Next: "lain admin delete-bad-pod --dry-run   # what it would delete; kubectl describe shows more"}
	}
	return nil
}
