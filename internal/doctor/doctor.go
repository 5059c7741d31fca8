// Package doctor checks, one line each, everything lain needs on this
// machine, and says how to fix each failure. It is the first thing a new
// team member runs (`lain doctor`).
package doctor

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Status of one check.
type Status int

const (
	OK Status = iota
	Warn
	Fail
	Skip
)

var labels = map[Status]string{OK: "ok", Warn: "warn", Fail: "FAIL", Skip: "skip"}

// Result is what one check found.
type Result struct {
	Status Status
	// Detail says what was found ("helm v3.16.3").
	Detail string
	// Fix is the command (or instruction) that repairs a failure.
	Fix string
	// Problems are listed under the line, one each (a file's mistakes).
	Problems []string
}

// Check is one line of the report.
type Check struct {
	Name string
	// Required checks decide the exit code; the others only inform.
	Required bool
	Run      func(ctx context.Context) Result
}

func ok(format string, a ...any) Result { return Result{Status: OK, Detail: fmt.Sprintf(format, a...)} }
func skip(format string, a ...any) Result {
	return Result{Status: Skip, Detail: fmt.Sprintf(format, a...)}
}
func fail(detail, fix string) Result { return Result{Status: Fail, Detail: detail, Fix: fix} }
func warn(detail, fix string) Result { return Result{Status: Warn, Detail: detail, Fix: fix} }

// Run runs checks in order, printing each line as it finishes, and returns
// how many required checks failed.
func Run(ctx context.Context, w io.Writer, checks []Check) (failed int) {
	for _, c := range checks {
		r := c.Run(ctx)
		if r.Status == Fail && !c.Required {
			r.Status = Warn
		}
		fmt.Fprintf(w, "  %-5s %-18s %s\n", labels[r.Status], c.Name, r.Detail)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %-5s %-18s %s\n", "", "", p)
		}
		if r.Fix != "" && (r.Status == Fail || r.Status == Warn) {
			for i, line := range strings.Split(r.Fix, "\n") {
				prefix := "fix: "
				if i > 0 {
					prefix = "     "
				}
				fmt.Fprintf(w, "  %-5s %-18s %s%s\n", "", "", prefix, line)
			}
		}
		if r.Status == Fail {
			failed++
		}
	}
	return failed
}
