package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/rollout"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// upgradeFailed explains a failed helm upgrade by its cause. When the
// cluster stopped answering, rollback cannot help (it cannot reach the
// cluster either): lain says so, and says the release is unchanged only
// when it knows: helm's history still ends at the revision it had before,
// or helm stopped at its first check, before touching anything.
func (d *Deployer) upgradeFailed(ctx context.Context, rel string, before []release.Revision, err error, hook *rollout.Failure) *clierr.Error {
	what := fmt.Sprintf("helm upgrade of %s failed (helm's message is above)", rel)
	if c, _ := toolerr.Classify(err); c.Kind == toolerr.Unreachable {
		// A short look: a cluster that drops packets would hold helm
		// history for its whole client timeout.
		look, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		state := d.releaseState(look, rel, before, c)
		return &clierr.Error{Kind: clierr.ClusterUnreachable,
			Msg:  fmt.Sprintf("helm upgrade of %s failed: the cluster stopped answering (%s); %s", rel, c.Detail, state),
			Next: "lain doctor   # checks that the cluster answers; then lain deploy again",
			Err:  err,
		}
	}
	if concurrentHelm(err) {
		// Rolling back here would undo the other deploy, not this one.
		return &clierr.Error{Kind: clierr.ReleaseFailed,
			Msg:  fmt.Sprintf("helm upgrade of %s failed: another deploy, rollback or delete of %s ran at the same time, and helm refused this one", rel, rel),
			Next: "lain status   # what runs now; then lain deploy again if your change is still needed",
			Err:  err,
		}
	}
	if hook != nil {
		// helm ran out of time waiting for a hook whose pod never started
		// (seen and told while helm waited): its events say why.
		fmt.Fprintf(d.ErrOut, "helm upgrade of %s failed while its hook job %s-%s waited for a pod that cannot start\n", rel, rel, hook.Proc)
		return rollout.Explain(ctx, d.Runner, d.ErrOut, *hook)
	}
	d.printFailedJobs(ctx, rel) // a failed hook is the usual reason
	return toolerr.Failed(what, err, "lain rollback   # or fix the cause and lain deploy again")
}

// concurrentHelm reports whether helm refused an upgrade because another
// one of the same release was under way: it either still holds the
// release ("another operation ... is in progress") or wrote the revision
// number this one wanted ("release: already exists").
func concurrentHelm(err error) bool {
	var ee *runner.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	return strings.Contains(ee.Stderr, "another operation (install/upgrade/rollback) is in progress") ||
		strings.Contains(ee.Stderr, "UPGRADE FAILED: release: already exists")
}

// releaseState says what became of the release after a failed upgrade,
// only as far as lain knows it.
func (d *Deployer) releaseState(ctx context.Context, rel string, before []release.Revision, c toolerr.Cause) string {
	prev, had := release.Current(before)
	revs, err := release.History(ctx, d.Runner, rel)
	switch {
	case err == nil:
		cur, ok := release.Current(revs)
		if had && ok && cur.Revision == prev.Revision {
			return fmt.Sprintf("the release is unchanged (still revision %d, %s)", cur.Revision, cur.Status)
		}
		if ok && release.IsStuck(cur.Status) {
			return fmt.Sprintf("the release is now at revision %d, %s: stuck until rolled back (lain --auto-pilot deploy does it first)", cur.Revision, cur.Status)
		}
		if ok {
			return fmt.Sprintf("the release is now at revision %d, %s (lain status shows what runs)", cur.Revision, cur.Status)
		}
	case err == release.ErrNotFound && !had:
		return "nothing was installed"
	case toolerr.BeforeAnyChange(c):
		if had {
			return fmt.Sprintf("the release is unchanged (helm stopped before changing anything; it was at revision %d)", prev.Revision)
		}
		return "nothing was installed (helm stopped before changing anything)"
	}
	return "lain could not check whether the release changed: once the cluster answers, lain status shows it"
}
