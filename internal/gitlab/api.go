package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// User is GitLab's basic user object.
type User struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	// State is "active", "blocked", "deactivated"...
	State string `json:"state"`
	// Bot is set by GitLab versions that report it.
	Bot   bool   `json:"bot"`
	Email string `json:"email"` // only when the token may see it
}

// Active is a user who can act: state active and not a bot.
func (u User) Active() bool { return u.State == "active" && !u.IsBot() }

// IsBot: GitLab's bot users (project and group access tokens, the support,
// alert and ghost users) are not people to review code.
func (u User) IsBot() bool {
	n := strings.ToLower(u.Username)
	if u.Bot || n == "ghost" || strings.HasSuffix(n, "-bot") || strings.HasSuffix(n, "_bot") {
		return true
	}
	// project_<id>_bot_<hash>, group_<id>_bot_<hash>: access token users.
	return (strings.HasPrefix(n, "project_") || strings.HasPrefix(n, "group_")) && strings.Contains(n, "_bot")
}

// MergeRequest is the part of GitLab's merge request object lain reads.
type MergeRequest struct {
	ID        int    `json:"id"`
	IID       int    `json:"iid"`
	ProjectID int    `json:"project_id"`
	Title     string `json:"title"`
	// State is "opened", "closed", "locked" or "merged".
	State     string `json:"state"`
	WebURL    string `json:"web_url"`
	Author    User   `json:"author"`
	Assignees []User `json:"assignees"`
	Reviewers []User `json:"reviewers"`
}

// Approvals is the answer of the merge request approvals endpoint.
type Approvals struct {
	Approved      bool `json:"approved"`
	ApprovalsLeft int  `json:"approvals_left"`
	ApprovedBy    []struct {
		User User `json:"user"`
	} `json:"approved_by"`
}

// Contributor is one entry of a repository's contributors.
type Contributor struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Commits int    `json:"commits"`
}

// Note is a comment on a merge request.
type Note struct {
	ID   int    `json:"id"`
	Body string `json:"body"`
}

var (
	epGetMR       = endpoint{Method: http.MethodGet, Route: "/projects/:id/merge_requests/:merge_request_iid"}
	epUpdateMR    = endpoint{Method: http.MethodPut, Route: "/projects/:id/merge_requests/:merge_request_iid"}
	epApprovals   = endpoint{Method: http.MethodGet, Route: "/projects/:id/merge_requests/:merge_request_iid/approvals"}
	epCreateNote  = endpoint{Method: http.MethodPost, Route: "/projects/:id/merge_requests/:merge_request_iid/notes"}
	epMembersAll  = endpoint{Method: http.MethodGet, Route: "/projects/:id/members/all"}
	epContributor = endpoint{Method: http.MethodGet, Route: "/projects/:id/repository/contributors"}
)

func mrPath(project string, iid int) string {
	return fmt.Sprintf("/projects/%s/merge_requests/%d", ProjectPath(project), iid)
}

// MergeRequest gets one merge request.
func (c *Client) MergeRequest(ctx context.Context, project string, iid int) (*MergeRequest, error) {
	var mr MergeRequest
	_, err := c.call(ctx, epGetMR, mrPath(project, iid), nil, nil, &mr)
	return &mr, err
}

// SetAssigneesAndReviewers sets both lists in one request.
func (c *Client) SetAssigneesAndReviewers(ctx context.Context, project string, iid int, assignees, reviewers []int) (*MergeRequest, error) {
	var mr MergeRequest
	body := map[string][]int{"assignee_ids": assignees, "reviewer_ids": reviewers}
	_, err := c.call(ctx, epUpdateMR, mrPath(project, iid), nil, body, &mr)
	return &mr, err
}

// Approvals is the approval state of a merge request.
func (c *Client) Approvals(ctx context.Context, project string, iid int) (*Approvals, error) {
	var a Approvals
	_, err := c.call(ctx, epApprovals, mrPath(project, iid)+"/approvals", nil, nil, &a)
	return &a, err
}

// CreateNote comments on a merge request.
func (c *Client) CreateNote(ctx context.Context, project string, iid int, body string) (*Note, error) {
	var n Note
	_, err := c.call(ctx, epCreateNote, mrPath(project, iid)+"/notes", nil, map[string]string{"body": body}, &n)
	return &n, err
}

// Members are the project's members, inherited ones included.
func (c *Client) Members(ctx context.Context, project string) ([]User, error) {
	return list[User](ctx, c, epMembersAll, "/projects/"+ProjectPath(project)+"/members/all", nil)
}

// Contributors are the repository's commit authors (default branch).
func (c *Client) Contributors(ctx context.Context, project string) ([]Contributor, error) {
	return list[Contributor](ctx, c, epContributor, "/projects/"+ProjectPath(project)+"/repository/contributors", nil)
}
