//go:build unix

package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A pipe (what the shell's <(...) gives) is read once, whole.
func TestCopyStreamedValuesFromAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "values")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("deployments:\n  web:\n    replicaCount: 3\n")
			f.Close()
		}
	}()
	g := &Globals{Values: []string{fifo}}
	if err := g.CopyStreamedValues(nil); err != nil {
		t.Fatal(err)
	}
	defer g.CleanupValues()
	b, err := os.ReadFile(g.Values[0])
	if err != nil || string(b) != "deployments:\n  web:\n    replicaCount: 3\n" || !strings.HasSuffix(g.Values[0], "-values.yaml") {
		t.Fatalf("%s: %q %v", g.Values[0], b, err)
	}
}
