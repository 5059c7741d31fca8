package admin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Live redraws the report on the terminal's alternate screen every
// interval until ctx ends (Ctrl-C), then restores the screen. height is the
// terminal's height (lines beyond it are cut, with a count).
func Live(ctx context.Context, out io.Writer, height func() int, interval time.Duration, now func() time.Time, collect func(context.Context) (*Report, error)) {
	io.WriteString(out, "\x1b[?1049h\x1b[?25l")
	defer io.WriteString(out, "\x1b[?25h\x1b[?1049l")
	for {
		r, err := collect(ctx)
		if ctx.Err() != nil {
			return
		}
		lines := []string{fmt.Sprintf("lain admin status: updated %s, every %s | Ctrl-C: quit", now().Format("15:04:05"), interval), ""}
		if err != nil {
			lines = append(lines, "could not read the cluster: "+strings.Join(strings.Fields(err.Error()), " "), "(trying again)")
		} else {
			lines = append(lines, r.Lines()...)
		}
		if h := height(); h > 1 && len(lines) > h {
			more := len(lines) - (h - 1)
			lines = append(lines[:h-1], fmt.Sprintf("... %d more lines: make the window taller, or run lain admin status -s", more))
		}
		io.WriteString(out, "\x1b[H"+strings.Join(lines, "\x1b[K\n")+"\x1b[K\x1b[J")
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
