package rollout

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress prints the rollout's status: on a terminal the table is redrawn
// in place; otherwise a line is printed for each proc whose progress
// changed.
type progress struct {
	w     io.Writer
	tty   bool
	last  string // the lines printed last (not a terminal)
	drawn int    // lines of the table on screen (a terminal)
}

// every is how often a watched rollout's progress is shown at most (the
// end is shown at once).
func (p *progress) every() time.Duration {
	if p.tty {
		return 100 * time.Millisecond
	}
	return time.Second
}

func (p *progress) show(st Status) {
	if p.tty {
		table := st.Table()
		if p.drawn > 0 {
			fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
		}
		fmt.Fprint(p.w, table)
		p.drawn = strings.Count(table, "\n")
		return
	}
	var lines []string
	for _, pr := range st.Procs {
		lines = append(lines, pr.Line())
	}
	now := strings.Join(lines, "\n")
	if now == p.last {
		return
	}
	prev := map[string]bool{}
	for _, l := range strings.Split(p.last, "\n") {
		prev[l] = true
	}
	for _, l := range lines {
		if !prev[l] {
			fmt.Fprintln(p.w, "rollout: "+l)
		}
	}
	p.last = now
}
