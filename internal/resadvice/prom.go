// Package resadvice sizes a proc's resources from what it really used, as
// the original lain's lint did: it asks the cluster's Prometheus for the
// proc's CPU over the app's prometheus_query_range (default 7d) and for a
// quantile of its memory, then compares them with the proc's requests and
// limits and says what to write instead.
package resadvice

import (
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

// Client asks one Prometheus server through its HTTP API
// (https://prometheus.io/docs/prometheus/latest/querying/api/).
type Client struct {
	URL  string // base URL, e.g. http://prometheus.example.com:9090
	HTTP *http.Client
}

// Point is one sample: a time and a value.
type Point struct {
	T time.Time
	V float64
}

// Series is one result series.
type Series struct {
	Metric map[string]string
	Points []Point
}

// apiResponse is the envelope of every answer of the API.
type apiResponse struct {
	Status    string  `json:"status"`
	ErrorType string  `json:"errorType"`
	Error     string  `json:"error"`
	Data      apiData `json:"data"`
}

type apiData struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// QueryRange runs a range query (/api/v1/query_range).
func (c *Client) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) ([]Series, error) {
	form := url.Values{
		"query": {q},
		"start": {formatTime(start)},
		"end":   {formatTime(end)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	data, err := c.post(ctx, "/api/v1/query_range", form)
	if err != nil {
		return nil, err
	}
	var raw []struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	if err := json.Unmarshal(data.Result, &raw); err != nil {
		return nil, fmt.Errorf("Prometheus %s: unexpected answer to a range query: %v", shownURL(c.URL), err)
	}
	out := make([]Series, 0, len(raw))
	for _, r := range raw {
		s := Series{Metric: r.Metric}
		for _, v := range r.Values {
			p, err := parsePoint(v)
			if err != nil {
				return nil, fmt.Errorf("Prometheus %s: %v", shownURL(c.URL), err)
			}
			s.Points = append(s.Points, p)
		}
		out = append(out, s)
	}
	return out, nil
}

// Query runs an instant query (/api/v1/query) at time at; the result is
// one point per series.
func (c *Client) Query(ctx context.Context, q string, at time.Time) ([]Series, error) {
	data, err := c.post(ctx, "/api/v1/query", url.Values{"query": {q}, "time": {formatTime(at)}})
	if err != nil {
		return nil, err
	}
	if data.ResultType == "scalar" {
		var v [2]any
		if err := json.Unmarshal(data.Result, &v); err != nil {
			return nil, fmt.Errorf("Prometheus %s: unexpected scalar: %v", shownURL(c.URL), err)
		}
		p, err := parsePoint(v)
		if err != nil {
			return nil, fmt.Errorf("Prometheus %s: %v", shownURL(c.URL), err)
		}
		return []Series{{Points: []Point{p}}}, nil
	}
	var raw []struct {
		Metric map[string]string `json:"metric"`
		Value  [2]any            `json:"value"`
	}
	if err := json.Unmarshal(data.Result, &raw); err != nil {
		return nil, fmt.Errorf("Prometheus %s: unexpected answer to a query: %v", shownURL(c.URL), err)
	}
	out := make([]Series, 0, len(raw))
	for _, r := range raw {
		p, err := parsePoint(r.Value)
		if err != nil {
			return nil, fmt.Errorf("Prometheus %s: %v", shownURL(c.URL), err)
		}
		out = append(out, Series{Metric: r.Metric, Points: []Point{p}})
	}
	return out, nil
}

// post sends a form to the API and returns its data, or the error the
// server gave (bad PromQL comes back as status "error").
func (c *Client) post(ctx context.Context, path string, form url.Values) (*apiData, error) {
	u := strings.TrimRight(c.URL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		var ue *url.Error // it quotes the URL whole, a password included
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("Prometheus %s: %v", shownURL(c.URL), err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &UnreachableError{URL: shownURL(c.URL), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &UnreachableError{URL: shownURL(c.URL), Err: err}
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("Prometheus %s answered %s to %s, not the API's JSON: %s", shownURL(c.URL), resp.Status, path, snippet(body))
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("Prometheus %s: %s: %s", shownURL(c.URL), r.ErrorType, r.Error)
	}
	return &r.Data, nil
}

// UnreachableError is a Prometheus that did not answer (refused, timed
// out, cut off): asking it again for the next proc is pointless.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("Prometheus %s did not answer in time", e.URL)
	}
	return fmt.Sprintf("Prometheus %s is unreachable: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

func parsePoint(v [2]any) (Point, error) {
	ts, ok := v[0].(float64)
	s, ok2 := v[1].(string)
	if !ok || !ok2 {
		return Point{}, fmt.Errorf("unexpected sample %v", v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Point{}, fmt.Errorf("unexpected sample value %q", s)
	}
	sec := int64(ts)
	return Point{T: time.Unix(sec, int64((ts-float64(sec))*1e9)).UTC(), V: f}, nil
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return strconv.Quote(s)
}

// shownURL is a Prometheus URL as lain prints it: a password in it (hosted
// Prometheus behind basic auth) is replaced, as url.URL.Redacted does.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(the prometheus URL of the cluster values)"
	}
	return u.Redacted()
}
