//go:build unix

package image

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (a CI job cancelled) cancels the build's context, so docker
// stops and the files are removed before lain exits.
func TestGeneratedFilesGoOnSIGTERM(t *testing.T) {
	dir := appDir(t, nil)
	ctx, g, err := WriteGenerated(context.Background(), dir, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Remove()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not cancel the build")
	}
}
