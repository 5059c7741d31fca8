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
	Cmds    []Cmd
	answers []answer
	mu      sync.Mutex // Run may be called from several goroutines
}

type answer struct {
	prefix string
	res    Result
	err    error
}

// On registers the result for commands whose printed line starts with prefix.
func (r *Recorder) On(prefix string, stdout string, exitCode int) {
	res := Result{Stdout: []byte(stdout), ExitCode: exitCode}
	var err error
	if exitCode != 0 {
		err = &ExitError{Line: prefix, Code: exitCode}
	}
	r.answers = append(r.answers, answer{prefix: prefix, res: res, err: err})
}

// OnError registers an error (such as NotFoundError) for a prefix.
func (r *Recorder) OnError(prefix string, err error) {
	r.answers = append(r.answers, answer{prefix: prefix, err: err})
}

// Run records c and returns the first matching canned answer (empty success
// when none matches).
func (r *Recorder) Run(_ context.Context, c Cmd) (Result, error) {
	m := r.Masker // with c's own secrets, as Exec.Line prints it
	m.Keys = append(append([]string{}, m.Keys...), c.Mask.Keys...)
	m.Values = append(append([]string{}, m.Values...), c.Mask.Values...)
	line := CommandLine(m, c.Name, c.Args)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Lines = append(r.Lines, line)
	r.Cmds = append(r.Cmds, c)
	if c.Mutates && r.DryRun {
		return Result{DryRun: true}, nil
	}
	for _, a := range r.answers {
		if strings.HasPrefix(line, a.prefix) {
			return a.res, a.err
		}
	}
	return Result{}, nil
}

// String lists the recorded lines, for failure messages.
func (r *Recorder) String() string { return strings.Join(r.Lines, "\n") }
