package runner

import (
	"context"
	"strings"
	"sync"
)

// Recorder is the test double for Runner: it records each command line and
// answers from a script of canned results keyed by command-line prefix. It
// is for unit tests of how a command line is built; features are also
// tested against the lab's real tools.
type Recorder struct {
	Masker Masker
	DryRun bool
	// Lines are the commands as they would have been printed.
	Lines []string
	// Cmds are the commands as given.
	Cmds []Cmd
	// Notes are what was said under --verbose (Note).
	Notes   []string
	answers []answer
	mu      sync.Mutex // Run may be called from several goroutines
}

type answer struct {
	prefix string
	res    Result
	err    error
	// open: a streamed command that stays open after its output, as a
	// watch does, until its context ends.
	open bool
}

// On registers the result for commands whose printed line starts with prefix.
func (r *Recorder) On(prefix string, stdout string, exitCode int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := Result{Stdout: []byte(stdout), ExitCode: exitCode}
	var err error
	if exitCode != 0 {
		err = &ExitError{Line: prefix, Code: exitCode}
	}
	r.answers = append(r.answers, answer{prefix: prefix, res: res, err: err})
}

// OnStream registers the output of a long-running streamed command (a
// watch): it is written to Cmd.Stdout, then the command stays open until
// its context ends, as a killed process would.
func (r *Recorder) OnStream(prefix string, stdout string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, answer{prefix: prefix, res: Result{Stdout: []byte(stdout)}, open: true})
}

// OnError registers an error (such as NotFoundError) for a prefix.
func (r *Recorder) OnError(prefix string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, answer{prefix: prefix, err: err})
}

// Run records c and returns the first matching canned answer (empty success
// when none matches).
func (r *Recorder) Run(ctx context.Context, c Cmd) (Result, error) {
	m := r.Masker // with c's own secrets, as Exec.Line prints it
	m.Keys = append(append([]string{}, m.Keys...), c.Mask.Keys...)
	m.Values = append(append([]string{}, m.Values...), c.Mask.Values...)
	line := CommandLine(m, c.Name, c.Args)
	r.mu.Lock()
	r.Lines = append(r.Lines, line)
	r.Cmds = append(r.Cmds, c)
	answers := r.answers
	r.mu.Unlock()
	if c.Mutates && r.DryRun {
		return Result{DryRun: true}, nil
	}
	for _, a := range answers {
		if strings.HasPrefix(line, a.prefix) {
			if c.Stdout != nil {
				// A streamed command: its canned output goes to the
				// writer, as Exec would write it.
				if _, err := c.Stdout.Write(a.res.Stdout); err != nil {
					return Result{ExitCode: -1}, err
				}
				res := a.res
				res.Stdout = nil
				if a.open {
					<-ctx.Done()
					return Result{ExitCode: -1}, ctx.Err()
				}
				return res, a.err
			}
			return a.res, a.err
		}
	}
	return Result{}, nil
}

// Note records msg in Notes.
func (r *Recorder) Note(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Notes = append(r.Notes, msg)
}

// String lists the recorded lines, for failure messages.
func (r *Recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.Lines, "\n")
}
