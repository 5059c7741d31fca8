// Package gitlab is the little of GitLab's REST API v4 lain uses: merge
// requests, their approvals and notes, project members and repository
// contributors. It is our own small client rather than GitLab's official
// Go module: linking that one in took `lain --help` from 3.1x to 4.4x an
// empty Go program, over the start-up budget of 4x (see the commit adding
// this package).
package gitlab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Clock is time as the client and the approval wait see it; tests advance
// it without sleeping.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx's error when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Limits that keep a misbehaving server from holding lain forever.
const (
	// RequestTimeout bounds one HTTP request, answer included.
	RequestTimeout = 30 * time.Second
	// MaxPages bounds a paginated list (100 items a page).
	MaxPages = 50
	// MaxRetries is how often a 429 is retried (after Retry-After).
	MaxRetries = 3
	// MaxRetryAfter caps one wait on Retry-After.
	MaxRetryAfter = 2 * time.Minute
	maxBody       = 8 << 20
	perPage       = 100
)

// Client calls one GitLab instance.
type Client struct {
	// Base is the instance's address (cluster values `gitlab`), e.g.
	// https://gitlab.example.com; /api/v4 is added.
	Base  string
	Token Token
	HTTP  *http.Client
	Clock Clock
	// Log, when set (-v), gets one line per request, tokens masked.
	Log io.Writer
	// Timeout overrides RequestTimeout.
	Timeout time.Duration
	// NoRetry returns a 429 at once (callers with their own backoff).
	NoRetry bool
}

// endpoint is one API route, with whether GitLab accepts a CI job token on it.
type endpoint struct {
	Method, Route string // Route as GitLab's docs write it, for messages
	// JobToken: the route is in GitLab's list of endpoints a CI/CD job token
	// may call. None of the merge request, member, contributor and note
	// routes are, so in CI these need GITLAB_API_TOKEN.
	JobToken bool
}

func (c *Client) clock() Clock {
	if c.Clock == nil {
		return RealClock{}
	}
	return c.Clock
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return RequestTimeout
}

// APIURL is the v4 API root of base.
func APIURL(base string) string { return strings.TrimRight(base, "/") + "/api/v4" }

// ProjectPath is the :id of a project: a numeric ID as is, a path
// (group/name) URL-encoded as GitLab requires.
func ProjectPath(project string) string {
	if _, err := strconv.Atoi(project); err == nil {
		return project
	}
	return url.PathEscape(strings.Trim(project, "/"))
}

// call sends one request (retrying 429s) and decodes a JSON answer into out.
func (c *Client) call(ctx context.Context, ep endpoint, path string, query url.Values, body, out any) (http.Header, error) {
	header, err := c.Token.header(c.Base, ep)
	if err != nil {
		return nil, err
	}
	var payload []byte
	if body != nil {
		if payload, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	u := APIURL(c.Base) + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	for attempt := 0; ; attempt++ {
		h, data, err := c.once(ctx, ep, u, header, payload)
		var rl *RateLimited
		if errors.As(err, &rl) && attempt < MaxRetries && !c.NoRetry {
			c.logf("  rate limited; waiting %s (Retry-After) before trying again\n", rl.RetryAfter)
			if err := c.clock().Sleep(ctx, rl.RetryAfter); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return nil, &BadAnswer{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: "its JSON does not fit (" + err.Error() + ")"}
			}
		}
		return h, nil
	}
}

func (c *Client) once(ctx context.Context, ep endpoint, u string, auth [2]string, payload []byte) (http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, ep.Method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set(auth[0], auth[1])
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := c.clock().Now()
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.logf("%s %s  %s: ***  -> %v\n", ep.Method, u, auth[0], err)
		if ctx.Err() == context.DeadlineExceeded {
			return nil, nil, &Unreachable{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: fmt.Sprintf("no answer within %s", c.timeout())}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the message already
		}
		return nil, nil, &Unreachable{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.logf("%s %s  %s: ***  -> %s (%s)\n", ep.Method, u, auth[0], resp.Status, c.clock().Now().Sub(start).Round(time.Millisecond))
	if err != nil {
		return nil, nil, &Unreachable{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: "reading the answer: " + err.Error()}
	}
	if len(data) > maxBody {
		return nil, nil, &BadAnswer{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: fmt.Sprintf("the answer is larger than %d MiB", maxBody>>20)}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return resp.Header, nil, &RateLimited{RetryAfter: retryAfter(resp.Header.Get("Retry-After"), c.clock().Now())}
	}
	if resp.StatusCode >= 300 {
		return nil, nil, &APIError{Method: ep.Method, Route: ep.Route, Status: resp.StatusCode, Message: errorMessage(data, resp.Header.Get("Content-Type"))}
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return nil, nil, &BadAnswer{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: fmt.Sprintf("it answered %q instead of JSON (%s)", resp.Header.Get("Content-Type"), snippet(data))}
	}
	return resp.Header, data, nil
}

func (c *Client) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format, args...)
	}
}

// retryAfter reads Retry-After (seconds or an HTTP date); missing or
// unreadable: 10 s. Capped at MaxRetryAfter.
func retryAfter(v string, now time.Time) time.Duration {
	d := 10 * time.Second
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < time.Second {
		d = time.Second
	}
	if d > MaxRetryAfter {
		d = MaxRetryAfter
	}
	return d
}

// list gets every page of a list, following X-Next-Page, at most MaxPages.
func list[T any](ctx context.Context, c *Client, ep endpoint, path string, query url.Values) ([]T, error) {
	if query == nil {
		query = url.Values{}
	}
	query.Set("per_page", strconv.Itoa(perPage))
	var all []T
	page := 1
	for n := 0; ; n++ {
		if n == MaxPages {
			return nil, &BadAnswer{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: fmt.Sprintf("it kept paginating past %d pages of %d", MaxPages, perPage)}
		}
		query.Set("page", strconv.Itoa(page))
		var items []T
		h, err := c.call(ctx, ep, path, query, nil, &items)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		next, err := strconv.Atoi(h.Get("X-Next-Page"))
		if err != nil || len(items) == 0 {
			return all, nil // empty X-Next-Page: the last page
		}
		if next <= page {
			return nil, &BadAnswer{Method: ep.Method, Route: ep.Route, Base: c.Base, Why: fmt.Sprintf("page %d named page %d as the next one", page, next)}
		}
		page = next
	}
}
