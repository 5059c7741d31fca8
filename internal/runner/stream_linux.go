package runner

import (
	"os/exec"
	"syscall"
)

// endWithParent makes a streamed command (a watch, which may run for an
// hour) die with lain, even when lain itself is killed and cannot stop it.
func endWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
