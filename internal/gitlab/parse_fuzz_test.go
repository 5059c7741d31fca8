package gitlab

import (
	"testing"
	"time"
	"unicode/utf8"
)

// What GitLab (or whatever answers in its place) sends is parsed for
// messages and waits: never a panic, never an unbounded wait, valid text.
func FuzzServerAnswers(f *testing.F) {
	f.Add([]byte(`{"message": "404 Project Not Found"}`), "application/json", "7")
	f.Add([]byte(`{"message": {"assignee_ids": ["is invalid"]}}`), "application/json", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add([]byte(`{"error": "insufficient_scope", "error_description": "higher privileges"}`), "application/json", "-1")
	f.Add([]byte("<html>\xff\xfe</html>"), "text/html", "99999999999999999999")
	f.Fuzz(func(t *testing.T, body []byte, contentType, retry string) {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if d := retryAfter(retry, now); d < time.Second || d > MaxRetryAfter {
			t.Fatalf("Retry-After %q: %s", retry, d)
		}
		msg := errorMessage(body, contentType)
		if msg == "" {
			t.Fatal("empty message")
		}
		if s := snippet(body); !utf8.ValidString(s) && utf8.Valid(body) {
			t.Fatalf("snippet broke UTF-8: %q", s)
		}
	})
}
