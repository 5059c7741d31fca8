//go:build windows

package update

import (
	"errors"
	"os"
	"os/exec"
)

// Exec runs the new binary with the same arguments and streams (Windows
// has no exec(2)) and returns an *ExitError carrying its exit code, which
// this process must exit with.
func Exec(path string, argv, env []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return err // it did not start
	}
	return &ExitError{Code: cmd.ProcessState.ExitCode()}
}

// ReexecPid is the pid under which a re-executed lain finds the marker its
// predecessor left: on Windows the predecessor is the parent.
func ReexecPid() int { return os.Getppid() }
