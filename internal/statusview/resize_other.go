//go:build windows

package statusview

// ResizeSignal: Windows consoles send no signal; the view picks the new
// size up at the next refresh.
func ResizeSignal() (ch <-chan struct{}, stop func()) { return nil, func() {} }
