package commands

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/rollout"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// ReleaseEnv is what the release commands (rollback, redeploy, wait,
// restart, update-image, delete, get-values, cherry, set-canary-group)
// touch besides their own flags.
type ReleaseEnv struct {
	IO        *iostreams.IOStreams
	Runner    runner.Runner
	Dir       string // the app
	DryRun    bool
	AutoPilot bool
	Now       func() time.Time
}

func (e *ReleaseEnv) fillRelease(f *cmdutil.Factory) error {
	e.IO, e.Runner, e.DryRun, e.AutoPilot, e.Now = f.IO, f.Runner(), f.Globals.DryRun, f.Globals.AutoPilot, f.Now
	d, err := os.Getwd()
	e.Dir = d
	return err
}

// app loads the app in Dir; an app without appname is reported like lint.
func (e *ReleaseEnv) app() (*app.App, error) {
	a, err := app.Load(e.Dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	return a, nil
}

// history is the release's helm history; a missing release says how to
// deploy it.
func (e *ReleaseEnv) history(ctx context.Context, rel string) ([]release.Revision, error) {
	revs, err := release.History(ctx, e.Runner, rel)
	if err == release.ErrNotFound {
		return nil, clierr.Of(clierr.NotFound, fmt.Sprintf("release %s is not deployed in this namespace", rel), "lain deploy")
	}
	return revs, err
}

// track follows the rollout of rel (or of the pods selected).
func (e *ReleaseEnv) track(ctx context.Context, rel, selector string, timeout time.Duration) error {
	_, err := e.tracker(rel, selector, timeout).Wait(ctx)
	return err
}

// releaseLister lists the helm releases of the current namespace, for Tab.
func releaseLister(f *cmdutil.Factory) completions.ReleaseLister {
	return func(ctx context.Context) ([]string, error) {
		res, err := f.Runner().Run(ctx, runner.Cmd{Name: "helm", Args: []string{"list", "-q", "--all"}, Capture: true, Quiet: true})
		if err != nil {
			return nil, err
		}
		return completions.Lines(res.Stdout), nil
	}
}

// procCompletion completes the app's procs.
func procCompletion(f *cmdutil.Factory) completions.Func {
	return completions.Procs(cmdutil.Cwd, func() string { return f.KubeHome().Current() })
}

// RollbackOptions are the inputs of `lain rollback`.
type RollbackOptions struct {
	ReleaseEnv
	Revision int // 0: the previous revision that ran
	Wait     bool
}

// NewCmdRollback builds `lain rollback`.
func NewCmdRollback(f *cmdutil.Factory) *cobra.Command {
	o := &RollbackOptions{}
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Roll the app back to the previous revision that ran (helm rollback)",
		Long: `Roll the app's release back to the newest earlier revision that was really
deployed (pending and failed revisions never served, so they are skipped),
saying which revision and image it goes back to.`,
		Example: `  lain rollback
  lain rollback --revision 12
  lain rollback --wait`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.fillRelease(f); err != nil {
				return err
			}
			if o.IO.IsCI() {
				o.Wait = true
			}
			return runRollback(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Revision, "revision", 0, "roll back to this `REVISION` (see helm history)")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready")
	return cmd
}

func runRollback(ctx context.Context, o *RollbackOptions) error {
	a, err := o.app()
	if err != nil {
		return err
	}
	revs, err := o.history(ctx, a.Release)
	if err != nil {
		return err
	}
	cur, _ := release.Current(revs)
	var target release.Revision
	if o.Revision > 0 {
		found := false
		for _, r := range revs {
			if r.Revision == o.Revision {
				target, found = r, true
			}
		}
		if !found {
			return clierr.Usage(fmt.Sprintf("release %s has no revision %d", a.Release, o.Revision), "helm history "+a.Release)
		}
	} else if target, err = release.RollbackTarget(revs); err != nil {
		return clierr.Of(clierr.ToolFailed, fmt.Sprintf("cannot roll back %s: %v", a.Release, err), "helm history "+a.Release)
	}
	tag := "unknown image"
	if v, err := release.Values(ctx, o.Runner, a.Release, target.Revision); err == nil {
		tag = "imageTag " + release.ImageTag(v)
	}
	fmt.Fprintf(o.IO.ErrOut, "rolling %s back from revision %d (%s) to revision %d (%s, deployed %s)\n", a.Release, cur.Revision, cur.Status, target.Revision, tag, target.Updated)
	if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"rollback", a.Release, strconv.Itoa(target.Revision)}, Mutates: true}); err != nil {
		return toolerr.Failed("helm rollback of "+a.Release+" failed (its message is above)", err, "helm history "+a.Release)
	}
	if o.Wait && !o.DryRun {
		return o.track(ctx, a.Release, "", 5*time.Minute)
	}
	return nil
}

func (e *ReleaseEnv) tracker(rel, selector string, timeout time.Duration) *rollout.Tracker {
	return &rollout.Tracker{Runner: e.Runner, Out: e.IO.ErrOut, TTY: e.IO.IsStderrTTY(), Release: rel, Selector: selector, Timeout: timeout, Now: e.Now}
}

// completionsFirstRelease completes a release name as the first argument.
func completionsFirstRelease(f *cmdutil.Factory) completions.Func {
	return completions.FirstArg(completions.Releases(releaseLister(f)))
}
