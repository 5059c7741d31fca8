package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// RollbackOptions are the inputs of `lain rollback`.
type RollbackOptions struct {
	cmdutil.ReleaseEnv
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
			if err := o.FillRelease(f); err != nil {
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
	a, err := o.App()
	if err != nil {
		return err
	}
	revs, err := o.History(ctx, a.Release)
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
		return o.Track(ctx, a.Release, "", 5*time.Minute)
	}
	return nil
}
