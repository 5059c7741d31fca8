package gitlabtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/gitlab"
)

// Token is the api-scoped token of Standard.
const Token = "glpat-test-token-123"

// Standard is a fake GitLab with project 7 (team/hello) holding 250
// members (three pages of 100) of which a few are contributors: alice (the
// author of MR 1), bob, carol, a blocked dave, and a project bot; MR 1 is
// open without assignee or reviewer, MR 2 is closed.
func Standard() *Server {
	s := New()
	s.Tokens[Token] = true
	p := &Project{ID: 7, Path: "team/hello", MRs: map[int]*MR{}}
	people := []gitlab.User{
		{ID: 1, Username: "alice", Name: "Alice A", State: "active"},
		{ID: 2, Username: "bob", Name: "Bob B", State: "active"},
		{ID: 3, Username: "carol", Name: "Carol C", State: "active"},
		{ID: 4, Username: "dave", Name: "Dave D", State: "blocked"},
		{ID: 5, Username: "project_7_bot_abc", Name: "deploy bot", State: "active"},
	}
	p.Members = append(p.Members, people...)
	for i := 6; i <= 250; i++ {
		p.Members = append(p.Members, gitlab.User{ID: i, Username: fmt.Sprintf("user%d", i), Name: fmt.Sprintf("User %d", i), State: "active"})
	}
	// carol is found only on the last page; she commits as c.c@example.com.
	p.Members[2], p.Members[249] = p.Members[249], p.Members[2]
	p.Contributors = []gitlab.Contributor{
		{Name: "Alice A", Email: "alice@example.com", Commits: 40},
		{Name: "bob", Email: "bob@example.com", Commits: 12},
		{Name: "someone", Email: "carol@example.com", Commits: 3},
		{Name: "Dave D", Email: "dave@example.com", Commits: 9},
		{Name: "deploy bot", Email: "bot@example.com", Commits: 99},
	}
	mr := func(iid int, state string) *MR {
		return &MR{ApprovalsLeft: 1, MergeRequest: gitlab.MergeRequest{ID: 100 + iid, IID: iid, ProjectID: 7, Title: fmt.Sprintf("change %d", iid),
			State: state, WebURL: fmt.Sprintf("%s/team/hello/-/merge_requests/%d", s.URL, iid), Author: people[0],
			Assignees: []gitlab.User{}, Reviewers: []gitlab.User{}}}
	}
	p.MRs[1], p.MRs[2] = mr(1, "opened"), mr(2, "closed")
	s.Projects = append(s.Projects, p)
	return s
}

// Clock is a fake gitlab.Clock: Sleep moves Now forward at once.
type Clock struct {
	mu    sync.Mutex
	T     time.Time
	Slept []time.Duration
}

// NewClock starts at a fixed time.
func NewClock() *Clock { return &Clock{T: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// Now is the fake time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.T }

// Sleep advances the fake time by d.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.T = c.T.Add(d)
	c.Slept = append(c.Slept, d)
	return nil
}
