package rollout

import (
	"context"
	"fmt"
	"io"
	"strings"
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
	Interval time.Duration // default 1s
	Timeout  time.Duration // default 5 min
	Now      func() time.Time
	// Replaced are pods being replaced: the rollout is not done while they
	// are still there (and not terminating).
	Replaced []string
}

func (t *Tracker) replacedGone(st Status) bool {
	for _, p := range t.Replaced {
		if _, ok := st.Pods[p]; ok {
			return false
		}
	}
	return true
}

// Wait polls until every proc is done, a new pod fails (the error explains
// it, with its events and last log lines), or the timeout passes.
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
	sel := t.Selector
	if sel == "" {
		sel = Selector(t.Release)
	}
	deadline := t.Now().Add(t.Timeout)
	var last string
	var drawn int
	for {
		objs, err := list(ctx, t.Runner, sel)
		if err != nil {
			return Status{}, err
		}
		st := evaluate(objs, t.Release)
		last, drawn = t.show(st, last, drawn)
		if st.Failure != nil {
			return st, Explain(ctx, t.Runner, t.Out, *st.Failure)
		}
		if st.Done() && t.replacedGone(st) {
			return st, nil
		}
		if t.Now().After(deadline) {
			return st, clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("%s is not ready after %s:\n%s", t.Release, t.Timeout, st.Table()),
				"lain status   # or: kubectl describe pods -l "+sel)
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(t.Interval):
		}
	}
}

// show prints the status: on a terminal the table is redrawn in place;
// otherwise a line is printed for each proc whose progress changed.
func (t *Tracker) show(st Status, last string, drawn int) (string, int) {
	if t.TTY {
		table := st.Table()
		if drawn > 0 {
			fmt.Fprintf(t.Out, "\x1b[%dA\x1b[J", drawn)
		}
		fmt.Fprint(t.Out, table)
		return table, strings.Count(table, "\n")
	}
	var lines []string
	for _, p := range st.Procs {
		lines = append(lines, p.Line())
	}
	now := strings.Join(lines, "\n")
	if now == last {
		return last, 0
	}
	prev := map[string]bool{}
	for _, l := range strings.Split(last, "\n") {
		prev[l] = true
	}
	for _, l := range lines {
		if !prev[l] {
			fmt.Fprintln(t.Out, "rollout: "+l)
		}
	}
	return now, 0
}
