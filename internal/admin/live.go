package admin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Screen is the terminal the live view draws on.
type Screen struct {
	In  io.Reader // keys: q, Esc or Ctrl-C leave
	Out io.Writer
	// Raw puts the terminal in raw mode (one key at a time, Ctrl-C as a
	// key) and returns how to restore it.
	Raw    func() (restore func(), err error)
	Height func() int
}

// Live redraws the report on the terminal's alternate screen every
// interval until q or Esc (interrupted false), Ctrl-C or ctx's end
// (interrupted true), then restores the terminal.
func Live(ctx context.Context, s Screen, interval time.Duration, now func() time.Time, collect func(context.Context) (*Report, error)) (interrupted bool, err error) {
	restore, err := s.Raw()
	if err != nil {
		return false, err
	}
	io.WriteString(s.Out, "\x1b[?1049h\x1b[?25l")
	defer func() {
		io.WriteString(s.Out, "\x1b[?25h\x1b[?1049l")
		restore()
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	keys := make(chan byte, 16)
	go func() {
		buf := make([]byte, 16)
		for {
			n, err := s.In.Read(buf)
			for _, b := range buf[:n] {
				keys <- b
			}
			if err != nil {
				close(keys)
				return
			}
		}
	}()
	reports := make(chan []string, 1)
	refresh := func() {
		r, err := collect(ctx)
		lines := []string{fmt.Sprintf("lain admin status: updated %s, every %s | q: quit", now().Format("15:04:05"), interval)}
		if err != nil {
			lines = append(lines, "could not read the cluster: "+strings.Join(strings.Fields(err.Error()), " "), "(trying again)")
		} else {
			lines = append(lines, r.Lines()...)
		}
		select {
		case reports <- lines:
		case <-ctx.Done():
		}
	}
	io.WriteString(s.Out, "\x1b[H\x1b[Jlain admin status: reading the cluster... | q: quit")
	go refresh()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	busy := true
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case k, ok := <-keys:
			switch {
			case !ok:
				return false, nil // stdin closed: nobody can press q
			case k == 'q' || k == 'Q' || k == 27:
				return false, nil
			case k == 3:
				return true, nil
			}
		case lines := <-reports:
			busy = false
			draw(s, lines)
		case <-tick.C:
			if !busy {
				busy = true
				go refresh()
			}
		}
	}
}

func draw(s Screen, lines []string) {
	if h := s.Height(); h > 1 && len(lines) > h {
		more := len(lines) - (h - 1)
		lines = append(lines[:h-1], fmt.Sprintf("... %d more lines: make the window taller, or run lain admin status -s", more))
	}
	// Raw mode: \n alone does not return the carriage.
	io.WriteString(s.Out, "\x1b[H"+strings.Join(lines, "\x1b[K\r\n")+"\x1b[K\x1b[J")
}
