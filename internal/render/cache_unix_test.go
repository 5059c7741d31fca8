//go:build !windows

package render

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A pipe or a device in chart/ (ignored by .helmignore, so helm renders)
// must not hang the key: the render is simply not cached.
func TestRenderCacheSkipsAChartWithAPipe(t *testing.T) {
	tg, dir := realTarget(t)
	fifo := filepath.Join(dir, "app/chart/ignored.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal("mkfifo:", err) // every unix has it; a failure is the machine's to fix
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	r := newRealRunner()
	go func() {
		_, err := tg.Render(ctx, r, "")
		if err == nil {
			_, err = tg.Render(ctx, r, "")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || r.hits != 0 {
			t.Fatal(err, r.hits)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the render hangs on a pipe in chart/")
	}
}
