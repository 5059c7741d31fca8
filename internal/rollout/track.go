package rollout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

// Tracker follows one release's rollout.
type Tracker struct {
	Runner  runner.Runner
	Out     io.Writer // progress (stderr)
	TTY     bool      // redraw a live table instead of printing lines
	Release string
	// Selector defaults to Selector(Release).
	Selector string
	// Namespace is where the release runs ("": the kubeconfig's).
	Namespace string
	// Interval is the time between two looks when the cluster cannot be
	// watched and is polled instead (default 1s).
	Interval time.Duration
	Timeout  time.Duration // default 5 min
	Now      func() time.Time
	// Replaced are pods being replaced: the rollout is not done while they
	// are still there (and not terminating).
	Replaced []string

	silence time.Duration // see the const; tests shorten it
}

func (t *Tracker) selector() string {
	if t.Selector != "" {
		return t.Selector
	}
	return Selector(t.Release)
}

func (t *Tracker) replacedGone(st Status) bool {
	for _, p := range t.Replaced {
		if _, ok := st.Pods[p]; ok {
			return false
		}
	}
	return true
}

// Wait follows the rollout until every proc is done, a new pod fails (the
// error explains it, with its events and last log lines), or the timeout
// passes. It lists the release once, then, unless that settles it,
// watches the kinds it has (a failing pod is seen as soon as the API
// server records it), and polls when a watch breaks. Call it after the
// change that starts the rollout (helm upgrade): it judges the workloads
// by what that change made of them.
func (t *Tracker) Wait(ctx context.Context) (Status, error) {
	if t.Interval == 0 {
		t.Interval = time.Second
	}
	if t.Timeout == 0 {
		t.Timeout = 5 * time.Minute
	}
	if t.Now == nil {
		t.Now = time.Now
	}
	sel := t.selector()
	deadline := t.Now().Add(t.Timeout)
	out := &progress{w: t.Out, tty: t.TTY}
	st, err := t.watch(ctx, deadline, out)
	var broke *watchBroke
	if errors.As(err, &broke) && ctx.Err() == nil {
		runner.Note(t.Runner, fmt.Sprintf("rollout: %v; polling every %s instead", broke, t.Interval))
		st, err = t.poll(ctx, sel, deadline, out)
	}
	if err != nil && ctx.Err() != nil {
		return st, ctx.Err() // stopped (Ctrl-C): not kubectl's fault
	}
	return st, err
}

// poll looks at the release every Interval.
func (t *Tracker) poll(ctx context.Context, sel string, deadline time.Time, out *progress) (Status, error) {
	for {
		objs, err := list(ctx, t.Runner, sel)
		if err != nil {
			return Status{}, err
		}
		st := evaluate(objs, t.Release)
		out.show(st)
		if end, err := t.end(ctx, st); end {
			return st, err
		}
		if t.Now().After(deadline) {
			return st, t.timedOut(st, sel)
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(t.Interval):
		}
	}
}

// end reports whether the rollout is over: done, or failed (the error
// explains it).
func (t *Tracker) end(ctx context.Context, st Status) (bool, error) {
	if st.Failure != nil {
		return true, Explain(ctx, t.Runner, t.Out, *st.Failure)
	}
	return st.Done() && t.replacedGone(st), nil
}

func (t *Tracker) timedOut(st Status, sel string) error {
	return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("%s is not ready after %s:\n%s", t.Release, t.Timeout, st.Table()),
		"lain status   # or: kubectl describe pods -l "+sel)
}
