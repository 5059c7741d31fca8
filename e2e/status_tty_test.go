//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"
)

// The full-screen lain status in a real terminal: tmux runs it on a
// pseudo-terminal, the test reads the screen and presses keys, as a person
// would (see tty_test.go at the repository root for the prompts).

type statusScreen struct {
	t   *testing.T
	tm  *testenv.Tmux
	dir string // exit code and stty settings land here
}

// startStatusInTmux runs `lain status` for app a in a detached tmux
// session, recording the terminal settings before and after, and lain's
// exit code.
func startStatusInTmux(t *testing.T, a *liveApp) *statusScreen {
	t.Helper()
	return startInTmux(t, a, "status")
}

// startInTmux runs lain with args (shell words, redirections allowed).
func startInTmux(t *testing.T, a *liveApp, args string) *statusScreen {
	t.Helper()
	s := &statusScreen{t: t, dir: t.TempDir()}
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range labEnv(a.home, append([]string{"TERM=xterm-256color", "CI="}, a.extraLainEnv...)) {
		if k, v, ok := strings.Cut(kv, "="); ok && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(k) {
			fmt.Fprintf(&script, "export %s=%s\n", k, shellQuote(v))
		}
	}
	fmt.Fprintf(&script, "cd %s\nstty -g > %s/before\n%s %s\necho $? > %s/exit\nstty -g > %s/after\nsleep 120\n",
		shellQuote(a.dir), s.dir, shellQuote(Lab.LainBin), args, s.dir, s.dir)
	path := filepath.Join(s.dir, "run.sh")
	if err := os.WriteFile(path, []byte(script.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	s.tm = testenv.StartTmux(t, 140, 40, path)
	return s
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (s *statusScreen) screen() string {
	return s.tm.Screen()
}

// waitFor waits until the screen matches re, and returns it.
func (s *statusScreen) waitFor(re *regexp.Regexp) string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if scr := s.screen(); re.MatchString(scr) {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the screen never matched %s:\n%s", re, s.screen())
	return ""
}

func (s *statusScreen) keys(keys ...string) {
	s.t.Helper()
	s.tm.Keys(keys...)
}

// exited waits for lain's exit code, then checks that the terminal has its
// settings back and the full-screen view is gone.
func (s *statusScreen) exited(wantCode string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(s.dir, "exit"))
		if err == nil && len(b) > 0 {
			if got := strings.TrimSpace(string(b)); got != wantCode {
				s.t.Fatalf("lain status exited %s, want %s:\n%s", got, wantCode, s.screen())
			}
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("lain status did not exit:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // stty -g > after
	before, _ := os.ReadFile(filepath.Join(s.dir, "before"))
	after, _ := os.ReadFile(filepath.Join(s.dir, "after"))
	if len(before) == 0 || string(before) != string(after) {
		s.t.Errorf("terminal settings not restored:\nbefore %s\nafter  %s", before, after)
	}
	if scr := s.screen(); strings.Contains(scr, "lain status:") || strings.Contains(scr, "goroutine") {
		s.t.Errorf("the view is still on screen (or lain crashed):\n%s", scr)
	}
}

var screenPodRow = regexp.MustCompile(`(?m)^  hello-web-[a-z0-9]+-[a-z0-9]+ +Running +1/1 +0 +[0-9]+[smh] +lab-node`)

func TestStatusFullScreenQuitsOnQ(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	s := startStatusInTmux(t, a)
	scr := s.waitFor(screenPodRow)
	if n := len(screenPodRow.FindAllString(scr, -1)); n != 2 {
		t.Errorf("want 2 web pod rows, got %d:\n%s", n, scr)
	}
	wantAll(t, scr, "lain status: hello on cluster lab (namespace "+a.ns+")", "q: quit", "deployment hello-web: 2/2 ready",
		"hello is healthy on cluster lab")
	// The lab has metrics (usage columns) once metrics-server has scraped the new pods; a note until then.
	if !strings.Contains(scr, "metrics: not available") && !strings.Contains(scr, "CPU (REQ/LIMIT)") {
		t.Errorf("neither usage nor a metrics note:\n%s", scr)
	}
	// It refreshes: the "updated" time moves on.
	first := regexp.MustCompile(`updated [0-9:]+`).FindString(scr)
	s.waitFor(regexp.MustCompile(`updated [0-9:]+`))
	Eventually(t, 20*time.Second, "a refresh", func() error {
		if now := regexp.MustCompile(`updated [0-9:]+`).FindString(s.screen()); now == first {
			return fmt.Errorf("still %q", now)
		}
		return nil
	})
	s.keys("q")
	s.exited("0")
}

func TestStatusFullScreenCtrlC(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	s := startStatusInTmux(t, a)
	s.waitFor(screenPodRow)
	s.keys("C-c")
	s.exited("130")
}
