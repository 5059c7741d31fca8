package update

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress watches a download.
type Progress interface {
	io.Writer
	Start(done, total int64) // done: kept from an earlier attempt; total < 0: unknown
	Done()
}

// Bar draws a one-line progress bar on a terminal, redrawn in place at
// most every 100 ms (from the writes themselves: no goroutine, no timer).
type Bar struct {
	W     io.Writer
	Label string
	Now   func() time.Time

	total, done int64
	drawn       time.Time
}

func (b *Bar) Start(done, total int64) { b.total, b.done = total, done; b.draw() }

func (b *Bar) Write(p []byte) (int, error) {
	b.done += int64(len(p))
	if now := b.Now(); now.Sub(b.drawn) >= 100*time.Millisecond {
		b.draw()
	}
	return len(p), nil
}

func (b *Bar) Done() { b.draw(); fmt.Fprintln(b.W) }

func (b *Bar) draw() {
	b.drawn = b.Now()
	const width = 30
	mb := megabytes
	if b.total <= 0 {
		fmt.Fprintf(b.W, "\r%s %s", b.Label, mb(b.done))
		return
	}
	fill := int(int64(width) * b.done / b.total)
	fill = min(max(fill, 0), width)
	fmt.Fprintf(b.W, "\r%s [%s%s] %3d%% %s / %s", b.Label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		100*b.done/b.total, mb(b.done), mb(b.total))
}
