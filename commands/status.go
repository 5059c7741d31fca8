package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/dashboards"
	"github.com/lain-cli/lain/internal/statusview"
)

// StatusOptions are the inputs of `lain status`.
type StatusOptions struct {
	cmdutil.AppOnCluster
	HTTP *http.Client
	Now  func() time.Time
	// Terminal is the full-screen view's terminal; nil: print once.
	Terminal *statusview.Terminal
	Interval time.Duration

	Simple bool // -s/--simple: print once, plain text
}

// NewCmdStatus builds `lain status`.
func NewCmdStatus(f *cmdutil.Factory) *cobra.Command {
	o := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the app's pods, what is wrong with them, and whether its URLs answer",
		Long: `On a terminal: a full-screen view, refreshed every few seconds, of each
proc's pods (status, ready, restarts, age, node), kubectl top figures when
the cluster has metrics, each ingress URL with its HTTP status, and for
every unhealthy pod its recent events and last log lines. q or Ctrl-C
leaves it.

With -s (or off a terminal): the same, printed once as plain text, with
links to the cluster's Grafana and Kibana; exits 1 when something is
unhealthy (a proc lacks ready pods, a pod crash-loops or cannot start, a
URL answers 5xx), so CI can use it. A URL that does not answer from where
lain runs is reported but not counted (it may only be reachable inside the
cluster's network). Runs of jobs and cronjobs are shown, not counted.

-s is lain's global --silent flag; for status it means simple.`,
		Example: `  lain status          # full screen, q to quit
  lain status -s       # once, plain text, exit 1 when unhealthy
  lain --use prod status -s`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.HTTP, o.Now = f.HTTPClient(), f.Now
			o.Simple = o.Simple || f.Globals.Silent
			if !o.Simple && f.IO.IsStdoutTTY() && f.IO.CanPrompt() {
				t, stop := systemTerminal(f.Getenv("NO_COLOR") == "")
				defer stop()
				o.Terminal = t
			}
			return runStatus(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Simple, "simple", false, "print once, as plain text (same as -s)")
	return cmd
}

// systemTerminal is the process's terminal for the full-screen view.
func systemTerminal(color bool) (*statusview.Terminal, func()) {
	resized, stop := statusview.ResizeSignal()
	in, out := int(os.Stdin.Fd()), int(os.Stdout.Fd())
	return &statusview.Terminal{
		In: os.Stdin, Out: os.Stdout, Color: color, Resized: resized,
		Raw: func() (func(), error) {
			old, err := term.MakeRaw(in)
			if err != nil {
				return nil, err
			}
			return func() { term.Restore(in, old) }, nil
		},
		Size: func() (int, int) {
			w, h, err := term.GetSize(out)
			if err != nil {
				return 80, 24
			}
			return w, h
		},
	}, stop
}

func runStatus(ctx context.Context, o *StatusOptions) error {
	ra, err := o.Load(ctx)
	if err != nil {
		return err
	}
	c := &statusview.Collector{Kube: ra.Kube, HTTP: o.HTTP, App: ra.App.Name, Cluster: ra.Config.Cluster, Namespace: ra.Namespace, Now: o.Now}
	if o.Terminal != nil {
		interval := o.Interval
		if interval == 0 {
			interval = 3 * time.Second
		}
		// One list plus a watch per kind, not a listing per refresh.
		watchCtx, stop := context.WithCancel(ctx)
		defer stop()
		collect, changed := c.Watch(watchCtx)
		interrupted, err := statusview.Live(ctx, *o.Terminal, statusview.LiveOptions{
			Title:    fmt.Sprintf("%s on cluster %s (namespace %s)", ra.App.Name, ra.Config.Cluster, ra.Namespace),
			Interval: interval, Now: o.Now, Collect: collect, Changed: changed,
		})
		if interrupted {
			return clierr.PassExitCode(clierr.ExitInterrupted)
		}
		return err
	}
	r, err := c.Collect(ctx)
	if err != nil {
		return ra.AskError(err)
	}
	if !r.State.Deployed() {
		return ra.NotDeployed()
	}
	links := statusview.Links{
		Grafana: dashboards.Grafana(ra.Config.Values.GrafanaURL, ra.App.Release),
		Kibana:  dashboards.Kibana(ra.Config.Values.Kibana, ra.App.Release, ""),
	}
	if err := statusview.WritePlain(o.IO.Out, r, links); err != nil {
		return err
	}
	if !r.Healthy() {
		next := "lain status   # watch it live"
		if len(r.Diagnoses) > 0 {
			next = "lain logs " + ra.ProcOf(r.Diagnoses[0].Pod.Instance) + "   # or lain status to watch it live"
		}
		return &clierr.Error{Kind: clierr.ReleaseFailed, Msg: r.Summary(), Next: next}
	}
	return nil
}

// procOfInstance is the proc name of a workload (<release>-<proc>).
func procOfInstance(ra *cmdutil.RunningApp, instance string) string {
	if p, ok := strings.CutPrefix(instance, ra.App.Release+"-"); ok && p != "" {
		return p
	}
	return instance
}
