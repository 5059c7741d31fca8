// Package clierr holds the error type every command returns to the user:
// what failed, why, and the exact command to type next. main.go prints it
// and turns it into an exit code; nothing else prints errors.
package clierr

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes lain uses besides a tool's own.
const (
	ExitError       = 1   // the command failed
	ExitUsage       = 2   // bad flags, arguments or input files
	ExitInterrupted = 130 // Ctrl-C, as shells report it
)

// Error is a failure explained for the user.
type Error struct {
	// Msg says what failed and why, in one line.
	Msg string
	// Next is the command (or short instruction) that gets the user going
	// again; empty when there is nothing useful to suggest.
	Next string
	// Code is the process exit code; 0 means ExitError.
	Code int
	// Err is the underlying cause, kept for errors.Is/As; never printed.
	Err error
	// Kind is the family of the error, documented in docs/errors.md;
	// empty means KindOf's default.
	Kind Kind
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a next step.
func New(msg, next string) *Error { return &Error{Msg: msg, Next: next} }

// Usage returns an error for bad input, exiting with ExitUsage.
func Usage(msg, next string) *Error { return &Error{Msg: msg, Next: next, Code: ExitUsage} }

// Newf formats the message; the next step is set with WithNext.
func Newf(format string, args ...any) *Error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// WithNext sets the command to type next.
func (e *Error) WithNext(next string) *Error { e.Next = next; return e }

// ErrInterrupted is returned when the user pressed Ctrl-C at a prompt.
var ErrInterrupted = errors.New("interrupted")

// Silent errors carry only an exit code: what happened was already shown
// (e.g. the upgraded lain that ran in lain's place and printed its own
// output). main prints nothing for them and exits with their code, even 0.
type Silent interface {
	ExitCoder
	Silent() bool
}

// ExitCoder is implemented by errors that carry a process exit code, such as
// a tool's non-zero exit that lain passes through.
type ExitCoder interface{ ExitCode() int }

// Format renders err the way the user sees it: "lain: <what failed>" and, when
// known, "  next: <command>". It never includes a stack trace.
func Format(err error) string {
	var s Silent
	if errors.As(err, &s) && s.Silent() {
		return ""
	}
	var b strings.Builder
	var ce *Error
	if errors.As(err, &ce) {
		b.WriteString("lain: " + ce.Msg + "\n")
		if ce.Next != "" {
			b.WriteString("  next: " + ce.Next + "\n")
		}
		return b.String()
	}
	if errors.Is(err, ErrInterrupted) {
		return "lain: interrupted\n"
	}
	return "lain: " + err.Error() + "\n"
}

// Code returns the exit code for err (0 for nil).
func Code(err error) int {
	if err == nil {
		return 0
	}
	var s Silent
	if errors.As(err, &s) && s.Silent() {
		return s.ExitCode()
	}
	if errors.Is(err, ErrInterrupted) {
		return ExitInterrupted
	}
	var ce *Error
	if errors.As(err, &ce) && ce.Code != 0 {
		return ce.Code
	}
	var ec ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() > 0 {
		return ec.ExitCode()
	}
	return ExitError
}
