package gitlab

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is GitLab's answer to a refused request: its status and the
// `message` (or `error`) of its JSON body.
type APIError struct {
	Method, Route string
	Status        int
	Message       string
}

func (e *APIError) Error() string {
	// GitLab's messages often start with the status ("404 Project Not Found").
	msg := e.Message
	if !strings.HasPrefix(msg, strconv.Itoa(e.Status)+" ") {
		msg = strconv.Itoa(e.Status) + " " + msg
	}
	return fmt.Sprintf("GitLab refused %s %s: %s", e.Method, e.Route, msg)
}

// RateLimited is a 429 that stayed after MaxRetries.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string {
	return fmt.Sprintf("GitLab is rate limiting lain (429 Too Many Requests; Retry-After %s)", e.RetryAfter)
}

// Unreachable: no answer (network, timeout).
type Unreachable struct{ Method, Route, Base, Why string }

func (e *Unreachable) Error() string {
	return fmt.Sprintf("GitLab at %s did not answer %s %s: %s", e.Base, e.Method, e.Route, e.Why)
}

// BadAnswer: an answer that is not GitLab's API (HTML of a login page or a
// proxy, endless pages, JSON of another shape).
type BadAnswer struct{ Method, Route, Base, Why string }

func (e *BadAnswer) Error() string {
	return fmt.Sprintf("GitLab at %s gave an answer lain cannot use to %s %s: %s; is the cluster values' gitlab the address of your GitLab (like https://gitlab.example.com)?", e.Base, e.Method, e.Route, e.Why)
}

// errorMessage is the readable part of an error body: GitLab sends
// {"message": "404 Project Not Found"}, {"message": {"field": ["is invalid"]}}
// or {"error": "insufficient_scope", "error_description": "..."}.
func errorMessage(body []byte, contentType string) string {
	var doc struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
		Desc    string          `json:"error_description"`
	}
	if strings.Contains(contentType, "json") && json.Unmarshal(body, &doc) == nil {
		var s string
		switch {
		case len(doc.Message) > 0 && json.Unmarshal(doc.Message, &s) == nil:
			return s
		case len(doc.Message) > 0:
			return string(doc.Message)
		case doc.Error != "":
			return strings.TrimSpace(doc.Error + ": " + doc.Desc)
		}
	}
	return "(" + snippet(body) + ")"
}

// snippet is the start of a body for a message, on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 80 {
		s = s[:80]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	if s == "" {
		return "empty body"
	}
	return s
}
