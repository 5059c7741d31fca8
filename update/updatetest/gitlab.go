package updatetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
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
//	    (GET honours Range, as object storage and Workhorse do)
//
// with GitLab's authentication rules per endpoint:
//
//   - PRIVATE-TOKEN (personal or project access token) or
//     "Authorization: Bearer <it>", and JOB-TOKEN: every endpoint.
//   - Deploy-Token header, and HTTP Basic with any user name and a token
//     as password: only the generic package endpoints (the Packages API
//     does not know them: a deploy token listing packages gets the
//     answer of no token at all; GitLab issue 350988). Deploy tokens here
//     have read_package_registry only: a PUT with one is 403.
//   - A token that is sent but not valid: 401 {"message":"401 Unauthorized"}.
//   - No (usable) token: a public project answers reads; a private one
//     answers 404 {"message":"404 Project Not Found"}, hiding that it
//     exists. Writes always need a token (401).
//
// Unknown projects and files are 404 {"message":"404 ... Not Found"}.
type GitLab struct {
	*httptest.Server
	Project string // numeric id; "group/lain" (URL-encoded) is accepted too
	Path    string // the project's path, e.g. "team/lain"
	// Public: the project (and its package registry) is visible to all.
	Public bool
	// Tokens by kind: header name ("PRIVATE-TOKEN", "JOB-TOKEN",
	// "Deploy-Token") -> the one valid token of that kind.
	Tokens map[string]string

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
	AuthHeader          string // how a token was sent ("" none, "Basic" for HTTP basic)
	Range               string
	Status              int
}

// NewGitLab starts a fake of a private project on 127.0.0.1 that accepts
// the given tokens (header name -> token); with none, a public project.
func NewGitLab(t testing.TB, tokens map[string]string) *GitLab {
	g := &GitLab{Project: "42", Path: "team/lain", Tokens: tokens, Public: len(tokens) == 0, files: map[string][]byte{}}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

// caller is who a request authenticates as, per endpoint.
type caller int

const (
	anonymous   caller = iota
	invalid            // a token was sent and is wrong: 401
	user               // personal/project access token or job token
	deployToken        // read_package_registry deploy token
)

// authenticate applies GitLab's rules; generic tells whether the endpoint
// is a generic package one (the only ones that take deploy tokens and
// HTTP basic).
func (g *GitLab) authenticate(r *http.Request, generic bool) (caller, string) {
	check := func(kind, got string) caller {
		if want, ok := g.Tokens[kind]; ok && got == want {
			if kind == "Deploy-Token" {
				return deployToken
			}
			return user
		}
		return invalid
	}
	if t := r.Header.Get("PRIVATE-TOKEN"); t != "" {
		return check("PRIVATE-TOKEN", t), "PRIVATE-TOKEN"
	}
	if t := r.Header.Get("JOB-TOKEN"); t != "" {
		return check("JOB-TOKEN", t), "JOB-TOKEN"
	}
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return check("PRIVATE-TOKEN", t), "Bearer"
	}
	if !generic {
		return anonymous, ""
	}
	if t := r.Header.Get("Deploy-Token"); t != "" {
		return check("Deploy-Token", t), "Deploy-Token"
	}
	if _, t, ok := r.BasicAuth(); ok {
		for _, kind := range []string{"PRIVATE-TOKEN", "JOB-TOKEN", "Deploy-Token"} {
			if c := check(kind, t); c != invalid {
				return c, "Basic"
			}
		}
		return invalid, "Basic"
	}
	return anonymous, ""
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

// PublishChannel writes the release channel (channel/index.json, as
// scripts/release uploads it) listing every semver version of package
// name added so far, with the sizes of their lain binaries.
func (g *GitLab) PublishChannel(name string) {
	g.mu.Lock()
	idx := struct {
		Versions []string                    `json:"versions"`
		Sizes    map[string]map[string]int64 `json:"sizes"`
	}{Sizes: map[string]map[string]int64{}}
	for key, b := range g.files {
		parts := strings.SplitN(key, "/", 3)
		if parts[0] != name || !strings.HasPrefix(parts[2], "lain_") {
			continue
		}
		if idx.Sizes[parts[1]] == nil {
			idx.Versions = append(idx.Versions, parts[1])
			idx.Sizes[parts[1]] = map[string]int64{}
		}
		idx.Sizes[parts[1]][parts[2]] = int64(len(b))
	}
	g.mu.Unlock()
	sort.Strings(idx.Versions)
	b, _ := json.Marshal(idx)
	g.AddRelease(name, Release{Version: "channel", Files: map[string][]byte{"index.json": b}})
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
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	w = rec
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/")
	parts := strings.Split(rest, "/")
	generic := found && len(parts) == 6 && parts[1] == "packages" && parts[2] == "generic"
	who, how := g.authenticate(r, generic)
	defer func() {
		g.mu.Lock()
		g.requests = append(g.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
			AuthHeader: how, Range: r.Header.Get("Range"), Status: rec.code})
		g.mu.Unlock()
	}()
	if g.Before != nil && g.Before(w, r) {
		return
	}
	if !found {
		gitlabError(w, http.StatusNotFound, "404 Not Found")
		return
	}
	switch {
	case who == invalid:
		gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	case who == anonymous && r.Method != http.MethodGet && g.Public:
		gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	case who == anonymous && !g.Public:
		gitlabError(w, http.StatusNotFound, "404 Project Not Found")
		return
	case who == deployToken && r.Method != http.MethodGet:
		gitlabError(w, http.StatusForbidden, "403 Forbidden")
		return
	}
	if parts[0] != g.Project && parts[0] != url.PathEscape(g.Path) {
		gitlabError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	switch {
	case len(parts) == 2 && parts[1] == "packages" && r.Method == http.MethodGet:
		g.list(w, r)
	case generic:
		g.generic(w, r, parts[3], parts[4], parts[5])
	default:
		gitlabError(w, http.StatusNotFound, "404 Not Found")
	}
}

// statusRecorder remembers the status sent, for Requests.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) { s.code = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusRecorder) Flush()               { s.ResponseWriter.(http.Flusher).Flush() }
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return s.ResponseWriter.(http.Hijacker).Hijack()
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
		http.ServeContent(w, r, file, time.Time{}, bytes.NewReader(b))
	case http.MethodPut:
		// What GitLab accepts as a generic package version.
		if !regexp.MustCompile(`^(\.?[\w+-]+\.?)+$`).MatchString(version) {
			gitlabError(w, http.StatusBadRequest, "400 Bad request - package_version is invalid")
			return
		}
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
