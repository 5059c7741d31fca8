package admin

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLiveQuitsOnQAndRestores(t *testing.T) {
	for key, wantInterrupted := range map[string]bool{"q": false, "\x03": true} {
		inR, inW := io.Pipe()
		out := &syncBuffer{}
		restored := false
		s := Screen{In: inR, Out: out, Height: func() int { return 5 },
			Raw: func() (func(), error) { return func() { restored = true }, nil }}
		collect := func(context.Context) (*Report, error) {
			return &Report{Scope: "every namespace", Groups: []Group{{ReasonCrashLoop, []Pod{{Namespace: "n", Name: "p"}}}}}, nil
		}
		done := make(chan bool)
		go func() {
			interrupted, err := Live(context.Background(), s, time.Hour, time.Now, collect)
			if err != nil {
				t.Error(err)
			}
			done <- interrupted
		}()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), "more lines") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		inW.Write([]byte(key))
		if got := <-done; got != wantInterrupted {
			t.Errorf("key %q: interrupted %v", key, got)
		}
		screen := out.String()
		if !restored || !strings.HasSuffix(screen, "\x1b[?25h\x1b[?1049l") || !strings.Contains(screen, "more lines: make the window taller") {
			t.Errorf("key %q: screen %q restored %v", key, screen, restored)
		}
	}
}
