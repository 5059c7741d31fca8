//go:build !windows

package update

import (
	"os"
	"syscall"
)

// Exec replaces this process with the new binary: same pid, argv, stdio
// and environment, so the user's command runs as if typed again. It
// returns only on failure.
func Exec(path string, argv, env []string) error { return syscall.Exec(path, argv, env) }

// ReexecPid is the pid under which a re-executed lain finds the marker its
// predecessor left: its own, since exec keeps the process.
func ReexecPid() int { return os.Getpid() }
