package statusview

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Terminal is what the full-screen view draws on: plain ANSI escape
// sequences, and raw mode so that one key press (q) is read at once.
type Terminal struct {
	In  io.Reader
	Out io.Writer
	// Raw puts the terminal in raw mode and returns how to restore it.
	Raw func() (restore func(), err error)
	// Size is the terminal's width and height.
	Size func() (width, height int)
	// Resized delivers a value when the window changes size (nil: never).
	Resized <-chan struct{}
	Color   bool
}

// Escape sequences (VT100/xterm, understood by every terminal in use).
const (
	altScreenOn  = "\x1b[?1049h"
	altScreenOff = "\x1b[?1049l"
	cursorHide   = "\x1b[?25l"
	cursorShow   = "\x1b[?25h"
	home         = "\x1b[H"
	clearLine    = "\x1b[K"
	clearBelow   = "\x1b[J"
)

// Keys that leave the view.
const (
	keyCtrlC = 3
	keyEsc   = 27
)

// LiveOptions configure Live.
type LiveOptions struct {
	Title    string // left of the header line, e.g. "hello on cluster lab"
	Interval time.Duration
	Now      func() time.Time
	Collect  func(ctx context.Context) (*Report, error)
	// Changed, when set, asks for a new report at once (something changed
	// in the cluster): at most one per MinRedraw.
	Changed <-chan struct{}
}

// MinRedraw spaces the reports Changed asks for: a rollout of hundreds of
// pods changes something many times a second.
const MinRedraw = 250 * time.Millisecond

// Live shows the report full-screen, collecting a new one every Interval,
// until q (nil), Ctrl-C (interrupted true) or ctx ends. The terminal is
// restored on every way out, errors and panics included.
func Live(ctx context.Context, t Terminal, o LiveOptions) (interrupted bool, err error) {
	restore, err := t.Raw()
	if err != nil {
		return false, err
	}
	io.WriteString(t.Out, altScreenOn+cursorHide+home+clearBelow)
	defer func() {
		io.WriteString(t.Out, cursorShow+altScreenOff)
		restore()
	}()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	keys := make(chan byte, 16)
	go readKeys(t.In, keys)

	type result struct {
		r   *Report
		err error
	}
	results := make(chan result, 1)
	collect := func() {
		r, err := o.Collect(ctx)
		select {
		case results <- result{r, err}:
		case <-ctx.Done():
		}
	}
	v := &view{t: t, o: o}
	v.draw()
	go collect()
	busy := true
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	// soon fires MinRedraw after a change; nil while none is waiting.
	var soon <-chan time.Time
	again := false // a change came while collecting
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case k, ok := <-keys:
			if !ok {
				return false, nil // stdin closed: nobody can press q
			}
			switch k {
			case 'q', 'Q', keyEsc:
				return false, nil
			case keyCtrlC:
				return true, nil
			case 'r', 'R':
				if !busy {
					busy = true
					go collect()
				}
			}
		case res := <-results:
			busy = false
			v.last, v.err = res.r, res.err
			v.updated = o.Now()
			v.draw()
			if again && soon == nil {
				again, soon = false, time.After(MinRedraw)
			}
		case <-o.Changed:
			if soon == nil {
				soon = time.After(MinRedraw)
			}
		case <-soon:
			soon = nil
			if busy {
				again = true
			} else {
				busy = true
				go collect()
			}
		case <-t.Resized:
			v.draw()
		case <-tick.C:
			if !busy {
				busy = true
				go collect()
			}
		}
	}
}

func readKeys(in io.Reader, keys chan<- byte) {
	buf := make([]byte, 64)
	for {
		n, err := in.Read(buf)
		for _, b := range buf[:n] {
			keys <- b
		}
		if err != nil {
			close(keys)
			return
		}
	}
}

type view struct {
	t       Terminal
	o       LiveOptions
	last    *Report
	err     error
	updated time.Time
}

func (v *view) draw() {
	width, height := v.t.Size()
	if width <= 0 || height <= 0 {
		width, height = 80, 24
	}
	header := Line{Text: fmt.Sprintf("lain status: %s", v.o.Title), Tone: Title}
	when := "loading..."
	if !v.updated.IsZero() {
		when = "updated " + v.updated.Format("15:04:05")
	}
	help := fmt.Sprintf("%s, every %s | q: quit  r: refresh now", when, v.o.Interval)
	lines := []Line{header, {Text: help, Tone: Dim}, {}}
	switch {
	case v.err != nil:
		lines = append(lines, Line{Text: "could not read the app: " + oneLine(v.err.Error()), Tone: Bad}, Line{Text: "(trying again)", Tone: Dim})
	case v.last != nil:
		lines = append(lines, Lines(v.last)...)
		if v.last.State != nil && v.last.State.Deployed() {
			tone := Good
			if !v.last.Healthy() {
				tone = Bad
			}
			lines = append(lines, Line{}, Line{Text: v.last.Summary(), Tone: tone})
		}
	}
	if len(lines) > height {
		more := len(lines) - (height - 1)
		lines = append(lines[:height-1], Line{Text: fmt.Sprintf("... %d more lines: make the window taller, or run lain status -s", more), Tone: Dim})
	}
	var b strings.Builder
	b.WriteString(home)
	for i, l := range lines {
		b.WriteString(v.paint(truncate(l.Text, width), l.Tone))
		b.WriteString(clearLine)
		if i < len(lines)-1 {
			b.WriteString("\r\n") // raw mode: \n alone does not return the carriage
		}
	}
	b.WriteString(clearBelow)
	io.WriteString(v.t.Out, b.String())
}

// toneCode is the SGR sequence of a tone ("" for plain).
func toneCode(t Tone) string {
	switch t {
	case Title:
		return "\x1b[1m"
	case Good:
		return "\x1b[32m"
	case Bad:
		return "\x1b[31m"
	case Warn:
		return "\x1b[33m"
	case Dim:
		return "\x1b[2m"
	}
	return ""
}

func (v *view) paint(s string, t Tone) string {
	code := toneCode(t)
	if !v.t.Color || code == "" || s == "" {
		return s
	}
	return code + s + "\x1b[0m"
}

// truncate cuts s to width characters, so that no line wraps.
func truncate(s string, width int) string {
	s = strings.ReplaceAll(s, "\t", " ")
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	if width < 1 {
		return ""
	}
	return string(r[:width-1]) + "…"
}
