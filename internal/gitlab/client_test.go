package gitlab_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
)

func client(s *gitlabtest.Server, tok gitlab.Token) (*gitlab.Client, *gitlabtest.Clock, *strings.Builder) {
	clk := gitlabtest.NewClock()
	log := &strings.Builder{}
	return &gitlab.Client{Base: s.URL, Token: tok, HTTP: s.Client(), Clock: clk, Log: log, Timeout: 2 * time.Second}, clk, log
}

func TestMembersFollowPagesAndNeverLogTheToken(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	c, _, log := client(s, gitlab.Token{Private: gitlabtest.Token})
	ms, err := c.Members(context.Background(), "team/hello")
	if err != nil || len(ms) != 250 {
		t.Fatalf("%d members, %v", len(ms), err)
	}
	want := []string{
		"GET /api/v4/projects/team%2Fhello/members/all PRIVATE-TOKEN",
		"GET /api/v4/projects/team%2Fhello/members/all PRIVATE-TOKEN",
		"GET /api/v4/projects/team%2Fhello/members/all PRIVATE-TOKEN",
	}
	if strings.Join(s.Requests, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s", strings.Join(s.Requests, "\n"))
	}
	if strings.Contains(log.String(), gitlabtest.Token) || !strings.Contains(log.String(), "PRIVATE-TOKEN: ***") || !strings.Contains(log.String(), "page=3") {
		t.Errorf("log:\n%s", log)
	}
}

func TestTokens(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	if tok := gitlab.TokenFromEnv(env("GITLAB_API_TOKEN", " x ", "GITLAB_CI", "true", "CI_JOB_TOKEN", "j")); tok.Private != "x" || tok.Job != "" {
		t.Errorf("%+v", tok)
	}
	if tok := gitlab.TokenFromEnv(env("CI_JOB_TOKEN", "j")); tok != (gitlab.Token{}) {
		t.Errorf("outside GitLab CI the job token is not used: %+v", tok)
	}
	ctx := context.Background()

	c, _, _ := client(s, gitlab.TokenFromEnv(env()))
	_, err := c.MergeRequest(ctx, "7", 1)
	var ce *clierr.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Next, s.URL+"/-/user_settings/personal_access_tokens (scope api)") || !strings.Contains(ce.Msg, "GITLAB_API_TOKEN is not set") {
		t.Errorf("missing token: %v", err)
	}
	c, _, _ = client(s, gitlab.TokenFromEnv(env("GITLAB_CI", "true", "CI_JOB_TOKEN", "job-123")))
	_, err = c.CreateNote(ctx, "7", 1, "hi")
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "does not accept CI_JOB_TOKEN for POST /projects/:id/merge_requests/:merge_request_iid/notes") || strings.Contains(ce.Msg+ce.Next, "job-123") {
		t.Errorf("job token: %v", err)
	}
	if len(s.Requests) != 0 {
		t.Errorf("no request without a usable token: %v", s.Requests)
	}

	c, _, _ = client(s, gitlab.Token{Private: "wrong"})
	_, err = c.MergeRequest(ctx, "7", 1)
	var api *gitlab.APIError
	if !errors.As(err, &api) || api.Status != 401 || err.Error() != "GitLab refused GET /projects/:id/merge_requests/:merge_request_iid: 401 Unauthorized" {
		t.Errorf("bad token: %v", err)
	}
	s.ReadOnly["ro"] = true
	c, _, _ = client(s, gitlab.Token{Private: "ro"})
	_, err = c.CreateNote(ctx, "7", 1, "hi")
	if !errors.As(err, &api) || api.Status != 403 || !strings.Contains(api.Message, "insufficient_scope: The request requires higher privileges") {
		t.Errorf("read-only token: %v", err)
	}
	c, _, _ = client(s, gitlab.Token{Private: gitlabtest.Token})
	if _, err = c.MergeRequest(ctx, "team/nope", 1); !errors.As(err, &api) || api.Status != 404 || api.Message != "404 Project Not Found" {
		t.Errorf("404: %v", err)
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	s.RateLimit, s.RetryAfter = 2, "7"
	c, clk, log := client(s, gitlab.Token{Private: gitlabtest.Token})
	mr, err := c.MergeRequest(context.Background(), "7", 1)
	if err != nil || mr.Title != "change 1" {
		t.Fatal(mr, err)
	}
	if len(clk.Slept) != 2 || clk.Slept[0] != 7*time.Second {
		t.Errorf("slept %v", clk.Slept)
	}
	if !strings.Contains(log.String(), "429 Too Many Requests") {
		t.Error(log)
	}
	s.RateLimit = 10
	_, err = c.MergeRequest(context.Background(), "7", 1)
	var rl *gitlab.RateLimited
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("persistent 429: %v", err)
	}
}

// A GitLab that hangs, answers HTML, or paginates forever ends in an error
// that says so, in bounded time.
func TestHostileServers(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	release := make(chan struct{})
	defer close(release)
	c, _, _ := client(s, gitlab.Token{Private: gitlabtest.Token})
	c.Timeout = 200 * time.Millisecond
	ctx := context.Background()

	s.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}
	_, err := c.MergeRequest(ctx, "7", 1)
	var un *gitlab.Unreachable
	if !errors.As(err, &un) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Errorf("hang: %v", err)
	}

	s.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Sign in · GitLab</title></head></html>"))
		return true
	}
	_, err = c.MergeRequest(ctx, "7", 1)
	var bad *gitlab.BadAnswer
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), `answered "text/html; charset=utf-8" instead of JSON (<!DOCTYPE html> <html><head><title>Sign in`) {
		t.Errorf("html: %v", err)
	}

	s.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Next-Page", "999999")
		w.Write([]byte(`[{"id": 1, "username": "x", "state": "active"}]`))
		return true
	}
	if _, err = c.Members(ctx, "7"); !errors.As(err, &bad) || !strings.Contains(err.Error(), "page 999999 named page 999999") {
		t.Errorf("same next page: %v", err)
	}
	s.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		w.Write([]byte(`[{"id": 1, "username": "x", "state": "active"}]`))
		return true
	}
	if _, err = c.Members(ctx, "7"); !errors.As(err, &bad) || !strings.Contains(err.Error(), "kept paginating past 50 pages") {
		t.Errorf("endless pages: %v", err)
	}
	s.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"iid": "one"}`))
		return true
	}
	if _, err = c.MergeRequest(ctx, "7", 1); !errors.As(err, &bad) || !strings.Contains(err.Error(), "JSON does not fit") {
		t.Errorf("wrong shape: %v", err)
	}
}
