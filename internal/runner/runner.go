// Package runner is the one way lain runs helm, kubectl, docker, git and
// stern. It prints every command as a line the user can paste into a shell
// (secrets masked), honours --dry-run for commands that change things, and
// is the one seam tests substitute.
package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// Cmd is one external command.
type Cmd struct {
	Name string
	Args []string
	// Mutates marks commands that change the cluster, the registry or files;
	// under --dry-run they are printed and not run.
	Mutates bool
	// Capture collects stdout into Result.Stdout instead of streaming it.
	Capture bool
	// Stdout, when set, receives stdout as the command writes it (not the
	// user's terminal, not Result.Stdout): for long-running queries whose
	// output lain reads as it comes, such as a watch. With Capture, stderr
	// is still collected into Result.Stderr rather than shown.
	Stdout io.Writer
	// Quiet runs a read-only query without printing it unless --verbose
	// (used for lookups whose output lain digests itself, e.g. completion).
	Quiet bool
	Stdin io.Reader
	// Env is added to the inherited environment ("K=V").
	Env []string
	Dir string
	// Mask adds secrets specific to this command.
	Mask Masker
}

// Result is what a finished command left behind.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
	// DryRun is true when the command was only printed.
	DryRun bool
}

// Runner runs commands. Exec is the real one; tests use Recorder.
type Runner interface {
	Run(ctx context.Context, c Cmd) (Result, error)
}

// ExitError is a command that ran and exited non-zero.
type ExitError struct {
	Name   string // the program, as in Cmd.Name
	Line   string // the printed command line
	Code   int
	Stderr string // the last lines of stderr when captured
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s exited with %d", e.Line, e.Code)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + lastLines(s, 3)
	}
	return msg
}

// ExitCode lets main pass a tool's exit code through.
func (e *ExitError) ExitCode() int { return e.Code }

// NotFoundError is a tool missing from PATH.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return e.Name + " is not installed (not found in PATH)" }

// Options configure Exec from the global flags.
type Options struct {
	Out, ErrOut io.Writer // where streamed output and printed commands go
	DryRun      bool
	Silent      bool // print only commands that change things
	Verbose     bool // also print quiet queries and how each command ended
	Mask        Masker
	// Env is the base environment for every command (os.Environ() in main).
	Env []string
	// LookPath finds a tool; exec.LookPath when nil.
	LookPath func(string) (string, error)
	Now      func() time.Time
}

// Exec runs commands for real.
type Exec struct{ opts Options }

// NewExec returns the real runner.
func NewExec(o Options) *Exec {
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Exec{opts: o}
}

// Line is how c is printed (masked, quoted).
func (r *Exec) Line(c Cmd) string { return CommandLine(r.masker(c), c.Name, c.Args) }

// masker is the run's masker plus the command's own secrets.
func (r *Exec) masker(c Cmd) Masker {
	m := r.opts.Mask
	m.Keys = append(append([]string{}, m.Keys...), c.Mask.Keys...)
	m.Values = append(append([]string{}, m.Values...), c.Mask.Values...)
	return m
}

func (r *Exec) shouldPrint(c Cmd) bool {
	switch {
	case r.opts.Verbose:
		return true
	case c.Quiet:
		return false
	case r.opts.Silent:
		return c.Mutates
	}
	return true
}

// Run prints c, then runs it unless it mutates and this is a dry run.
func (r *Exec) Run(ctx context.Context, c Cmd) (Result, error) {
	line := r.Line(c)
	dry := c.Mutates && r.opts.DryRun
	if dry {
		fmt.Fprintf(r.opts.ErrOut, "$ %s  # dry run: not run\n", line)
		return Result{DryRun: true}, nil
	}
	if r.shouldPrint(c) {
		fmt.Fprintf(r.opts.ErrOut, "$ %s\n", line)
	}
	path, err := r.opts.LookPath(c.Name)
	if err != nil {
		return Result{ExitCode: -1}, &NotFoundError{Name: c.Name}
	}
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Env = append(append([]string{}, r.opts.Env...), c.Env...)
	cmd.Dir = c.Dir
	cmd.Stdin = c.Stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = r.opts.Out
	// What the tool says on stderr reaches the user (streamed, or quoted in
	// lain's error), so its echo of a secret argument is scrubbed too.
	secrets := r.masker(c).secretsIn(c.Name, c.Args)
	errOut := &scrubWriter{w: io.MultiWriter(r.opts.ErrOut, &tail{buf: &stderr}), secrets: secrets}
	cmd.Stderr = errOut
	if c.Capture {
		cmd.Stdout, errOut.w = &stdout, &stderr
	}
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
		// Stopping a stream (ctx cancelled) must not hang on a pipe some
		// leftover child still holds.
		cmd.WaitDelay = time.Second
		endWithParent(cmd)
	}
	start := r.opts.Now()
	err = cmd.Run()
	errOut.Flush()
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: cmd.ProcessState.ExitCode()}
	if r.opts.Verbose {
		fmt.Fprintf(r.opts.ErrOut, "# exit %d after %s\n", res.ExitCode, r.opts.Now().Sub(start).Round(time.Millisecond))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return res, &ExitError{Name: c.Name, Line: line, Code: res.ExitCode, Stderr: string(res.Stderr)}
	}
	if err != nil {
		return res, fmt.Errorf("running %s: %w", line, err)
	}
	return res, nil
}

// tail keeps the last few KiB written to it, so errors can quote stderr even
// while it streams to the terminal.
type tail struct{ buf *bytes.Buffer }

const tailMax = 4096

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > tailMax {
		b := t.buf.Bytes()[t.buf.Len()-tailMax:]
		nb := append([]byte{}, b...)
		t.buf.Reset()
		t.buf.Write(nb)
	}
	return len(p), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// Noter is a Runner that can tell how lain went about its queries, under
// --verbose only (a watch that broke and became polling, say).
type Noter interface{ Note(msg string) }

// Note tells msg through r when r is a Noter; other runners drop it.
func Note(r Runner, msg string) {
	if n, ok := r.(Noter); ok {
		n.Note(msg)
	}
}

// Note prints msg as a shell comment under --verbose.
func (r *Exec) Note(msg string) {
	if r.opts.Verbose {
		fmt.Fprintf(r.opts.ErrOut, "# %s\n", msg)
	}
}
