package update

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// StallTimeout is how long `lain upgrade` waits while a server sends
// nothing (no answer, or a body that stopped) before it gives up. It has
// no overall limit: a slow link that keeps sending finishes.
const StallTimeout = 30 * time.Second

// stallNoticeEvery spaces the "still waiting" lines.
const stallNoticeEvery = 5 * time.Second

// stallMinBytes is what counts as progress: a server trickling a byte a
// second is as stuck as a silent one (about 0.5 KB/s over StallTimeout).
const stallMinBytes = 16 << 10

// StalledError: the server sent (next to) nothing for After while a
// request was open.
type StalledError struct {
	Host  string
	After time.Duration
}

func (e *StalledError) Error() string {
	return fmt.Sprintf("%s sent less than %d KB in %s", e.Host, stallMinBytes>>10, e.After)
}

// watchdog counts silence while a request to the source is open. It
// returns a context that is cancelled with a *StalledError after
// o.StallTimeout of silence, the client to use, and stop.
func (o *Options) watchdog(ctx context.Context, client *http.Client) (context.Context, *http.Client, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &activity{last: time.Now()}
	cp := *client
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = &watchedTransport{base: base, w: w}
	done := make(chan struct{})
	tick := min(o.StallTimeout/10, time.Second)
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		said := time.Duration(0)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			idle, host := w.idle()
			switch {
			case idle <= 0:
				said = 0
			case idle >= o.StallTimeout:
				cancel(&StalledError{Host: host, After: o.StallTimeout.Round(time.Second)})
				return
			case idle-said >= stallNoticeEvery:
				said = idle.Truncate(stallNoticeEvery)
				fmt.Fprintf(o.IO.ErrOut, "lain: %s has sent less than %d KB in %s; giving up at %s\n", host, stallMinBytes>>10, said, o.StallTimeout.Round(time.Second))
			}
		}
	}()
	var once sync.Once
	return ctx, &cp, func() { once.Do(func() { close(done); cancel(nil) }) }
}

// activity: when the source last made progress (answered, or sent
// stallMinBytes more), and how many requests are open.
type activity struct {
	mu       sync.Mutex
	last     time.Time
	bytes    int // received since last
	inflight int
	host     string
}

func (a *activity) touch(delta int, host string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last, a.bytes = time.Now(), 0
	a.inflight += delta
	if host != "" {
		a.host = host
	}
}

func (a *activity) received(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.bytes += n; a.bytes >= stallMinBytes {
		a.last, a.bytes = time.Now(), 0
	}
}

// idle is the silence so far while a request is open (0 when none is).
func (a *activity) idle() (time.Duration, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.inflight <= 0 {
		return 0, a.host
	}
	return time.Since(a.last), a.host
}

type watchedTransport struct {
	base http.RoundTripper
	w    *activity
}

func (t *watchedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.w.touch(1, req.URL.Host)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.w.touch(-1, "")
		return nil, err
	}
	t.w.touch(0, "")
	resp.Body = &watchedBody{ReadCloser: resp.Body, w: t.w}
	return resp, nil
}

type watchedBody struct {
	io.ReadCloser
	w    *activity
	once sync.Once
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.received(n)
	}
	if err != nil { // the end (or an error) is an answer too
		b.w.touch(0, "")
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.once.Do(func() { b.w.touch(-1, "") })
	return b.ReadCloser.Close()
}
