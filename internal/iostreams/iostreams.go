// Package iostreams carries a command's standard streams and what is known
// about them (terminal or not), so that commands never touch os.Stdin and
// friends directly and tests can swap in buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the one set of streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	// ci is true when CI=true: CI jobs must never wait on a question.
	ci bool
}

// System returns the process's real streams. getenv is passed in so that the
// CI decision is made from the same environment the rest of lain sees.
func System(getenv func(string) string) *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		ci:        getenv("CI") == "true",
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Test returns streams backed by buffers; none of them is a terminal.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY marks the streams as terminals (or not), for tests of the
// interactive paths.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// SetCI marks the run as a CI job.
func (s *IOStreams) SetCI(ci bool) { s.ci = ci }

// CanPrompt reports whether a question may be asked: a person must be able
// to read it (stderr) and answer it (stdin), and CI jobs never prompt.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY && !s.ci }

// IsStdoutTTY reports whether stdout is a terminal (live tables, colour).
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal (progress bars).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// IsCI reports whether CI=true.
func (s *IOStreams) IsCI() bool { return s.ci }
