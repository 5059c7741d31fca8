package updatetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Package is one entry of GitLab's package list.
type Package struct {
	Name, Version, Type, Status string // Type "" = generic, Status "" = default
}

// GitLab fakes the two GitLab endpoints lain uses, as GitLab's API docs
// describe them:
//
//	GET /api/v4/projects/:id/packages   (package_type, package_name as a
//	    fuzzy match, order_by created_at|name|version|type with version
//	    sorted as text, sort asc|desc, page, per_page default 20 max 100;
//	    Link rel=prev/next/first/last and X-Page, X-Per-Page, X-Next-Page,
//	    X-Prev-Page, X-Total, X-Total-Pages headers)
//	GET|PUT /api/v4/projects/:id/packages/generic/:name/:version/:file
//
// Authentication is by PRIVATE-TOKEN, JOB-TOKEN or Deploy-Token header;
// without a valid one the answer is 401 {"message":"401 Unauthorized"}.
// Unknown projects and files are 404 {"message":"404 ... Not Found"}.
type GitLab struct {
	*httptest.Server
	Project string // numeric id; "group/lain" (URL-encoded) is accepted too
	Path    string // the project's path, e.g. "team/lain"
	Tokens  map[string]string

	// Before, when set, sees every request first and may answer it
	// itself (return true): failures, hangs, cut connections.
	Before func(w http.ResponseWriter, r *http.Request) bool

	mu       sync.Mutex
	packages []Package
	files    map[string][]byte // "<name>/<version>/<file>"
	requests []Request
}

// Request is what the fake saw, for assertions.
type Request struct {
	Method, Path, Query string
	AuthHeader          string // which token header was sent ("" none)
}

// NewGitLab starts a fake on 127.0.0.1 that accepts the given tokens
// (header name -> token); with none, every request is allowed.
func NewGitLab(t testing.TB, tokens map[string]string) *GitLab {
	g := &GitLab{Project: "42", Path: "team/lain", Tokens: tokens, files: map[string][]byte{}}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

// URL of the generic package name, as baked into lain.
func (g *GitLab) PackageURL(name string) string {
	return g.Server.URL + "/api/v4/projects/" + g.Project + "/packages/generic/" + name
}

// AddPackage lists a package version without files.
func (g *GitLab) AddPackage(p Package) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.packages = append(g.packages, p)
}

// AddRelease publishes a release's files under package name.
func (g *GitLab) AddRelease(name string, r Release) {
	g.AddPackage(Package{Name: name, Version: r.Version})
	g.mu.Lock()
	defer g.mu.Unlock()
	for f, b := range r.Files {
		g.files[name+"/"+r.Version+"/"+f] = b
	}
}

// File returns an uploaded (or added) file.
func (g *GitLab) File(name, version, file string) ([]byte, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, ok := g.files[name+"/"+version+"/"+file]
	return b, ok
}

// Requests returns every request so far.
func (g *GitLab) Requests() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Request(nil), g.requests...)
}

func (g *GitLab) serve(w http.ResponseWriter, r *http.Request) {
	auth := ""
	for _, h := range []string{"PRIVATE-TOKEN", "JOB-TOKEN", "Deploy-Token"} {
		if r.Header.Get(h) != "" {
			auth = h
		}
	}
	g.mu.Lock()
	g.requests = append(g.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, AuthHeader: auth})
	g.mu.Unlock()
	if g.Before != nil && g.Before(w, r) {
		return
	}
	if len(g.Tokens) > 0 {
		ok := false
		for h, tok := range g.Tokens {
			if r.Header.Get(h) == tok {
				ok = true
			}
		}
		if !ok {
			gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
			return
		}
	}
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/")
	if !found {
		gitlabError(w, http.StatusNotFound, "404 Not Found")
		return
	}
	parts := strings.Split(rest, "/")
	if parts[0] != g.Project && parts[0] != url.PathEscape(g.Path) {
		gitlabError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	switch {
	case len(parts) == 2 && parts[1] == "packages" && r.Method == http.MethodGet:
		g.list(w, r)
	case len(parts) == 6 && parts[1] == "packages" && parts[2] == "generic":
		g.generic(w, r, parts[3], parts[4], parts[5])
	default:
		gitlabError(w, http.StatusNotFound, "404 Not Found")
	}
}

func (g *GitLab) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g.mu.Lock()
	var match []int
	for i, p := range g.packages {
		typ := p.Type
		if typ == "" {
			typ = "generic"
		}
		if t := q.Get("package_type"); t != "" && t != typ {
			continue
		}
		// A fuzzy search, as GitLab's: "lain" also finds "lain-helper".
		if n := q.Get("package_name"); n != "" && !strings.Contains(strings.ToLower(p.Name), strings.ToLower(n)) {
			continue
		}
		match = append(match, i)
	}
	pkgs := append([]Package(nil), g.packages...)
	g.mu.Unlock()

	key := func(i int) string {
		switch q.Get("order_by") {
		case "name":
			return pkgs[i].Name
		case "version":
			return pkgs[i].Version // as text: "1.10.0" < "1.9.0"
		case "type":
			return pkgs[i].Type
		}
		return fmt.Sprintf("%08d", i) // created_at: the order they were added
	}
	sort.SliceStable(match, func(a, b int) bool {
		if q.Get("sort") == "desc" {
			return key(match[a]) > key(match[b])
		}
		return key(match[a]) < key(match[b])
	})

	perPage := atoiDefault(q.Get("per_page"), 20)
	perPage = min(max(perPage, 1), 100)
	page := max(atoiDefault(q.Get("page"), 1), 1)
	total := len(match)
	pages := max((total+perPage-1)/perPage, 1)
	var out []map[string]any
	for _, i := range match[min((page-1)*perPage, total):min(page*perPage, total)] {
		p := pkgs[i]
		status := p.Status
		if status == "" {
			status = "default"
		}
		typ := p.Type
		if typ == "" {
			typ = "generic"
		}
		out = append(out, map[string]any{
			"id": i + 1, "name": p.Name, "version": p.Version, "package_type": typ, "status": status,
			"created_at": time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339),
			"_links":     map[string]string{"web_path": fmt.Sprintf("/%s/-/packages/%d", g.Path, i+1)},
			"tags":       []string{},
		})
	}
	if out == nil {
		out = []map[string]any{}
	}

	h := w.Header()
	pageURL := func(n int) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		v := u.Query()
		v.Set("page", strconv.Itoa(n))
		v.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = v.Encode()
		return u.String()
	}
	var links []string
	next, prev := "", ""
	if page > 1 {
		prev = strconv.Itoa(page - 1)
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, pageURL(page-1)))
	}
	if page < pages {
		next = strconv.Itoa(page + 1)
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, pageURL(page+1)))
	}
	links = append(links, fmt.Sprintf(`<%s>; rel="first"`, pageURL(1)), fmt.Sprintf(`<%s>; rel="last"`, pageURL(pages)))
	h.Set("Link", strings.Join(links, ", "))
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", next) // empty on the last page, as GitLab sends it
	h.Set("X-Prev-Page", prev)
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (g *GitLab) generic(w http.ResponseWriter, r *http.Request, name, version, file string) {
	name, _ = url.PathUnescape(name)
	version, _ = url.PathUnescape(version)
	file, _ = url.PathUnescape(file)
	key := name + "/" + version + "/" + file
	switch r.Method {
	case http.MethodGet:
		g.mu.Lock()
		b, ok := g.files[key]
		g.mu.Unlock()
		if !ok {
			gitlabError(w, http.StatusNotFound, "404 Not Found")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	case http.MethodPut:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			gitlabError(w, http.StatusBadRequest, "400 Bad request")
			return
		}
		g.mu.Lock()
		known := false
		for _, p := range g.packages {
			if p.Name == name && p.Version == version {
				known = true
			}
		}
		if !known {
			g.packages = append(g.packages, Package{Name: name, Version: version})
		}
		g.files[key] = b
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"message":"201 Created"}`)
	default:
		gitlabError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	}
}

func gitlabError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func atoiDefault(s string, d int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return d
}
