// Package gitlabtest is a GitLab REST API v4 on httptest, enough for lain's
// client: merge requests, approvals, notes, members and contributors, with
// GitLab's auth rules per token type, its pagination headers, error bodies
// and 429 rate limiting.
package gitlabtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/lain-cli/lain/internal/gitlab"
)

// MR is one merge request and what the fake does with it over time.
type MR struct {
	gitlab.MergeRequest
	Approved      bool
	ApprovalsLeft int
	// ApproveAfter: approved at this approvals request (1 = the first);
	// 0 never by itself.
	ApproveAfter int
	// CloseAfter: the state becomes CloseTo ("closed" or "merged") at this
	// approvals request.
	CloseAfter int
	CloseTo    string
	Notes      []string
	polls      int
}

// Project is one project.
type Project struct {
	ID           int
	Path         string // group/name
	Members      []gitlab.User
	Contributors []gitlab.Contributor
	MRs          map[int]*MR
}

// Server is the fake GitLab. Lock Mu to change it while it serves.
type Server struct {
	*httptest.Server
	Mu       sync.Mutex
	Projects []*Project
	// Tokens: PRIVATE-TOKEN values with scope api; ReadOnly with read_api.
	Tokens, ReadOnly map[string]bool
	// JobTokens: JOB-TOKEN values; like GitLab, no route lain uses accepts
	// them (they are not in GitLab's job token endpoint list).
	JobTokens map[string]bool
	// RateLimit: answer this many requests with 429 and Retry-After.
	RateLimit  int
	RetryAfter string
	// Requests: "METHOD escaped-path header-name" of every request.
	Requests []string
	// Hook runs first on every request; returning true means it answered
	// (tests use it to hang, send HTML, or paginate forever).
	Hook func(w http.ResponseWriter, r *http.Request) bool
}

// New starts a fake GitLab on 127.0.0.1.
func New() *Server {
	s := &Server{Tokens: map[string]bool{}, ReadOnly: map[string]bool{}, JobTokens: map[string]bool{}, RetryAfter: "1"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func message(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.Hook != nil && s.Hook(w, r) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	kind := "none"
	if r.Header.Get("PRIVATE-TOKEN") != "" {
		kind = "PRIVATE-TOKEN"
	} else if r.Header.Get("JOB-TOKEN") != "" {
		kind = "JOB-TOKEN"
	}
	s.Requests = append(s.Requests, r.Method+" "+r.URL.EscapedPath()+" "+kind)
	if s.RateLimit > 0 {
		s.RateLimit--
		w.Header().Set("Retry-After", s.RetryAfter)
		message(w, http.StatusTooManyRequests, "Retry later")
		return
	}
	// GitLab answers an unknown or job token on these routes alike.
	tok := r.Header.Get("PRIVATE-TOKEN")
	if !s.Tokens[tok] && !s.ReadOnly[tok] {
		message(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	if r.Method != http.MethodGet && s.ReadOnly[tok] {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope",
			"error_description": "The request requires higher privileges than provided by the access token."})
		return
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/")
	if !ok {
		message(w, http.StatusNotFound, "404 Not Found")
		return
	}
	parts := strings.Split(rest, "/")
	id, _ := url.PathUnescape(parts[0])
	p := s.project(id)
	if p == nil {
		message(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	s.route(w, r, p, parts[1:])
}

func (s *Server) project(id string) *Project {
	for _, p := range s.Projects {
		if strconv.Itoa(p.ID) == id || p.Path == id {
			return p
		}
	}
	return nil
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, p *Project, parts []string) {
	route := r.Method + " " + strings.Join(parts, "/")
	switch {
	case route == "GET members/all":
		paginate(w, r, p.Members)
		return
	case route == "GET repository/contributors":
		paginate(w, r, p.Contributors)
		return
	case len(parts) >= 2 && parts[0] == "merge_requests":
		iid, _ := strconv.Atoi(parts[1])
		mr := p.MRs[iid]
		if mr == nil {
			message(w, http.StatusNotFound, "404 Not found")
			return
		}
		s.mergeRequest(w, r, p, mr, strings.Join(parts[2:], "/"))
		return
	}
	message(w, http.StatusNotFound, "404 Not Found")
}

func (s *Server) mergeRequest(w http.ResponseWriter, r *http.Request, p *Project, mr *MR, sub string) {
	switch r.Method + " " + sub {
	case "GET ":
		writeJSON(w, http.StatusOK, mr.MergeRequest)
	case "PUT ":
		var body struct {
			Assignees *[]int `json:"assignee_ids"`
			Reviewers *[]int `json:"reviewer_ids"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			message(w, http.StatusBadRequest, "400 Bad request - "+err.Error())
			return
		}
		if body.Assignees != nil {
			mr.Assignees = users(p, *body.Assignees)
		}
		if body.Reviewers != nil {
			mr.Reviewers = users(p, *body.Reviewers)
		}
		writeJSON(w, http.StatusOK, mr.MergeRequest)
	case "GET approvals":
		mr.polls++
		if mr.ApproveAfter > 0 && mr.polls >= mr.ApproveAfter {
			mr.Approved, mr.ApprovalsLeft = true, 0
		}
		if mr.CloseAfter > 0 && mr.polls >= mr.CloseAfter {
			mr.State = mr.CloseTo
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": mr.ID, "iid": mr.IID, "project_id": p.ID, "state": mr.State,
			"approved": mr.Approved, "approvals_required": 1, "approvals_left": mr.ApprovalsLeft, "approved_by": []any{}})
	case "POST notes":
		var body struct {
			Body string `json:"body"`
		}
		b, _ := io.ReadAll(r.Body)
		if json.Unmarshal(b, &body) != nil || body.Body == "" {
			message(w, http.StatusBadRequest, "400 Bad request - body is missing")
			return
		}
		mr.Notes = append(mr.Notes, body.Body)
		writeJSON(w, http.StatusCreated, map[string]any{"id": len(mr.Notes), "body": body.Body, "noteable_type": "MergeRequest"})
	default:
		message(w, http.StatusNotFound, "404 Not Found")
	}
}

func users(p *Project, ids []int) []gitlab.User {
	out := []gitlab.User{}
	for _, id := range ids {
		for _, m := range p.Members {
			if m.ID == id {
				out = append(out, m)
			}
		}
	}
	return out
}

// paginate answers one page of items with GitLab's headers (per_page at
// most 100, default 20).
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 20
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	pages := max((len(items)+per-1)/per, 1)
	from, to := min((page-1)*per, len(items)), min(page*per, len(items))
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(per))
	h.Set("X-Total", strconv.Itoa(len(items)))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	next := ""
	if page < pages {
		next = strconv.Itoa(page + 1)
		q := r.URL.Query()
		q.Set("page", next)
		h.Set("Link", fmt.Sprintf(`<http://%s%s?%s>; rel="next"`, r.Host, r.URL.Path, q.Encode()))
	}
	h.Set("X-Next-Page", next)
	writeJSON(w, http.StatusOK, append([]T{}, items[from:to]...))
}
