package clierr

import (
	"errors"
	"fmt"
	"testing"
)

type silentExit struct{ code int }

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", s.code) }
func (s silentExit) ExitCode() int { return s.code }
func (s silentExit) Silent() bool  { return true }
func (toolExit) Error() string     { return "helm exited with 3" }
func (toolExit) ExitCode() int     { return 3 }

type toolExit struct{}

func TestFormatAndCode(t *testing.T) {
	cases := []struct {
		err  error
		text string
		code int
	}{
		{nil, "", 0},
		{New("helm is too old", "brew upgrade helm"), "lain: helm is too old\n  next: brew upgrade helm\n", 1},
		{Usage("bad flag", "lain --help"), "lain: bad flag\n  next: lain --help\n", 2},
		{fmt.Errorf("wrapped: %w", ErrInterrupted), "lain: interrupted\n", 130},
		{toolExit{}, "lain: helm exited with 3\n", 3},
		{errors.New("plain"), "lain: plain\n", 1},
		// The upgraded lain ran in our place and said everything itself.
		{silentExit{0}, "", 0},
		{silentExit{4}, "", 4},
	}
	for _, c := range cases {
		if c.err == nil {
			if Code(nil) != 0 {
				t.Error("nil")
			}
			continue
		}
		if got := Format(c.err); got != c.text {
			t.Errorf("Format(%v) = %q, want %q", c.err, got, c.text)
		}
		if got := Code(c.err); got != c.code {
			t.Errorf("Code(%v) = %d, want %d", c.err, got, c.code)
		}
	}
}
