package main

// Prompts in a real terminal: tmux runs lain on a pseudo-terminal, the test
// types keys and reads the screen, as a person would.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"
)

// startInTmux runs shell line on a 120x30 terminal.
func startInTmux(t *testing.T, line string) *testenv.Tmux {
	t.Helper()
	return testenv.StartTmux(t, 120, 30, line)
}

// pickerHome makes a HOME with kubeconfigs for lab and test, and cluster
// values for both, and returns the shell line that runs `lain use` there.
func pickerHome(t *testing.T) (home, line, exitFile string) {
	home = t.TempDir()
	kube := filepath.Join(home, ".kube")
	values := filepath.Join(home, "cv")
	os.MkdirAll(kube, 0o755)
	os.MkdirAll(values, 0o755)
	for _, c := range []string{"lab", "test"} {
		os.WriteFile(filepath.Join(kube, "kubeconfig-"+c), []byte("# "+c+"\n"), 0o600)
		os.WriteFile(filepath.Join(values, "values-"+c+".yaml"), []byte("registry: r.example.com/"+c+"\nextra_docs: the "+c+" cluster\n"), 0o644)
	}
	exitFile = filepath.Join(home, "exit")
	emptyPath := filepath.Join(home, "bin") // no kubectl: the skew check only warns
	os.MkdirAll(emptyPath, 0o755)
	line = fmt.Sprintf("env -i TERM=xterm HOME=%s PATH=%s CLUSTER_VALUES_DIR=%s LAIN_NO_UPDATE=1 %s use; echo $? > %s; sleep 30",
		home, emptyPath, values, lainBin, exitFile)
	return home, line, exitFile
}

func waitExit(t *testing.T, file string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("lain did not exit")
	return ""
}

func TestClusterPickerInRealTerminal(t *testing.T) {
	home, line, exitFile := pickerHome(t)
	s := startInTmux(t, line)
	scr := s.WaitForText(10*time.Second, "Which cluster?")
	if !strings.Contains(scr, "lab") || !strings.Contains(scr, "test") {
		t.Fatalf("options not shown:\n%s", scr)
	}
	s.Keys("Down")
	s.WaitForText(10*time.Second, "> test")
	s.Keys("Enter")
	if code := waitExit(t, exitFile); code != "0" {
		t.Fatalf("exit %s:\n%s", code, s.Screen())
	}
	target, _ := os.Readlink(filepath.Join(home, ".kube", "config"))
	if filepath.Base(target) != "kubeconfig-test" {
		t.Fatalf("config -> %q\n%s", target, s.Screen())
	}
	s.WaitForText(10*time.Second, "now on cluster test: the test cluster")
}

func TestCtrlCAtPromptExits130(t *testing.T) {
	home, line, exitFile := pickerHome(t)
	s := startInTmux(t, line)
	s.WaitForText(10*time.Second, "Which cluster?")
	s.Keys("C-c")
	if code := waitExit(t, exitFile); code != "130" {
		t.Fatalf("exit %s:\n%s", code, s.Screen())
	}
	scr := s.Screen()
	if strings.Contains(scr, "goroutine") || strings.Contains(scr, "panic") || !strings.Contains(scr, "lain: interrupted") {
		t.Fatalf("screen after Ctrl-C:\n%s", scr)
	}
	if _, err := os.Lstat(filepath.Join(home, ".kube", "config")); !os.IsNotExist(err) {
		t.Fatal("config written after Ctrl-C")
	}
}

func TestCIOnTerminalNeverPrompts(t *testing.T) {
	_, line, exitFile := pickerHome(t)
	s := startInTmux(t, strings.Replace(line, "env -i ", "env -i CI=true ", 1))
	if code := waitExit(t, exitFile); code != "0" {
		t.Fatalf("exit %s:\n%s", code, s.Screen())
	}
	scr := s.Screen()
	if strings.Contains(scr, "Which cluster?") || !strings.Contains(scr, "  lab\n  test") {
		t.Fatalf("screen:\n%s", scr)
	}
}
