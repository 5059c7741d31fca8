// Package testenv decides what a test does when something it needs from the
// machine is missing: on a developer's machine it skips with the reason and
// the install command; in CI (CI=true), where .ci/run installs everything,
// it fails, so that a missing install step can never turn CI green.
package testenv

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// Missing skips t (or fails it in CI) because what is not available.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI must provide it: see .ci/run and scripts/lab)", what)
	}
	t.Skip(what)
}

// Stop asks a server a test started to finish (sig: SIGTERM, or SIGQUIT for
// nginx's graceful stop), kills it if it has not exited after grace, and
// reaps it, so no test leaves a process or a bound port behind.
func Stop(cmd *exec.Cmd, sig os.Signal, grace time.Duration) {
	_ = cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}
