package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Tmux is one program on a real terminal: a detached tmux session on a
// server of its own (-L), so that parallel tests (and packages) never share
// a tmux server: when the last session of a shared server ends, the server
// exits, and a test starting a session at that moment gets "server exited
// unexpectedly".
type Tmux struct {
	t    testing.TB
	Name string
}

// StartTmux runs shell line on a cols x rows terminal until the test ends.
func StartTmux(t testing.TB, cols, rows int, line string) *Tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		Missing(t, "tmux is not installed (apt-get install tmux): "+err.Error())
	}
	s := &Tmux{t: t, Name: fmt.Sprintf("lain-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	if out, err := s.cmd("new-session", "-d", "-s", s.Name, "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows), line).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { _ = s.cmd("kill-server").Run() })
	return s
}

func (s *Tmux) cmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", s.Name}, args...)...)
}

// Screen is what the terminal shows now.
func (s *Tmux) Screen() string {
	out, _ := s.cmd("capture-pane", "-p", "-t", s.Name).Output()
	return string(out)
}

// WaitFor waits up to timeout until match accepts the screen, and returns
// the screen; the test fails with the last screen otherwise.
func (s *Tmux) WaitFor(timeout time.Duration, what string, match func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if scr := s.Screen(); match(scr) {
			return scr
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %s:\n%s", what, s.Screen())
	return ""
}

// WaitForText is WaitFor until the screen contains text.
func (s *Tmux) WaitForText(timeout time.Duration, text string) string {
	s.t.Helper()
	return s.WaitFor(timeout, fmt.Sprintf("%q", text), func(scr string) bool { return strings.Contains(scr, text) })
}

// Keys types keys (tmux send-keys names: "Down", "Enter", "C-c", "q").
func (s *Tmux) Keys(keys ...string) {
	s.t.Helper()
	if out, err := s.cmd(append([]string{"send-keys", "-t", s.Name}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys: %v %s", err, out)
	}
}
