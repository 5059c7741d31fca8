//go:build !windows

package statusview

import (
	"os"
	"os/signal"
	"syscall"
)

// ResizeSignal delivers a value whenever the terminal window changes size
// (SIGWINCH); stop ends that.
func ResizeSignal() (ch <-chan struct{}, stop func()) {
	sig := make(chan os.Signal, 1)
	out := make(chan struct{}, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				select {
				case out <- struct{}{}:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() { signal.Stop(sig); close(done) }
}
