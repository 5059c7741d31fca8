package clierr

import (
	"context"
	"errors"
	"fmt"
)

// remoteExit passes the exit code of a command run in the cluster (lain x,
// lain job) through, without a message of its own: what the command
// printed says it all.
type remoteExit struct{ code int }

func (e *remoteExit) Error() string { return fmt.Sprintf("the command exited with status %d", e.code) }
func (e *remoteExit) ExitCode() int { return e.code }
func (e *remoteExit) Silent() bool  { return true }

// PassExitCode is nil for 0, else the silent exit status of a command
// that ran in the cluster.
func PassExitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &remoteExit{code: code}
}

// Interrupted is true for an interrupted command (Ctrl-C) or one out of
// time: nothing to explain.
func Interrupted(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
