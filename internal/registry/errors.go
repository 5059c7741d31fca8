package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/lain-cli/lain/internal/clierr"
)

// statusError is an HTTP answer the client did not expect (Harbor's API).
type statusError struct {
	Status int
	Body   string
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if b := strings.TrimSpace(e.Body); b != "" {
		if len(b) > 200 {
			b = b[:200] + "..."
		}
		msg += ": " + b
	}
	return msg
}

// status is the HTTP status behind err, 0 when there is none.
func status(err error) int {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// NotLoggedIn reports whether err is the registry refusing the request for
// want of (valid) credentials.
func NotLoggedIn(err error) bool {
	s := status(err)
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}

// explain turns a failed registry call into a message naming the registry
// and what to do. what is the question asked ("listing the tags of x").
func explain(host, what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	login := "docker login " + host
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s: the registry %s did not answer in time", what, host),
			Next: "check your network (VPN?) and try again; " + login + " tests the connection", Err: err}
	case NotLoggedIn(err):
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s: the registry %s refused (%s): you are not logged in there, or may not read this repository", what, host, short(err)),
			Next: login, Err: err}
	case status(err) != 0:
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s: the registry %s answered %s", what, host, short(err)),
			Next: login + "   # then try again; if it persists, ask your registry's admin", Err: err}
	}
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &oe) || errors.As(err, &de) {
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s: cannot reach the registry %s (%s)", what, host, rootCause(err)),
			Next: "check the registry address in the cluster values and your network; " + login + " tests the connection", Err: err}
	}
	return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s at the registry %s: %s", what, host, short(err)), Next: login, Err: err}
}

// short is the first line of err, without go-containerregistry's long
// request dumps.
func short(err error) string {
	msg := err.Error()
	if s := status(err); s != 0 {
		var te *transport.Error
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return fmt.Sprintf("%d %s", s, te.Errors[0].Code)
		}
		var se *statusError
		if errors.As(err, &se) {
			return se.Error()
		}
		return fmt.Sprintf("%d %s", s, http.StatusText(s))
	}
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
