package update

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
)

// HTTPError is an answer other than 2xx from the release source.
type HTTPError struct {
	URL     string // without any password
	Code    int
	Status  string // "401 Unauthorized"
	Message string // GitLab's {"message": ...}, when it sent one
}

func (e *HTTPError) Error() string {
	msg := e.URL + ": " + e.Status
	if e.Message != "" && e.Message != e.Status {
		msg += " (" + e.Message + ")"
	}
	return msg
}

// brief is GitLab's message when it sent one ("404 Project Not Found"),
// else the status.
func (e *HTTPError) brief() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Status
}

// IsNotFound reports whether err is a 404 from the source.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Code == http.StatusNotFound
}

// get sends one GET with the source's token headers. Only 2xx answers are
// returned; the caller closes the body.
func (s *Source) get(ctx context.Context, rawURL string) (*http.Response, error) {
	return s.getFrom(ctx, rawURL, 0)
}

// getFrom is get asking only for the bytes from offset on (HTTP Range):
// the answer is 206 if the server honours it, 200 with the whole file if
// not.
func (s *Source) getFrom(ctx context.Context, rawURL string, offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range s.auth {
		req.Header[k] = v
	}
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	req.Header.Set("User-Agent", "lain-update")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	he := &HTTPError{URL: redact(req.URL), Code: resp.StatusCode, Status: resp.Status}
	var body struct {
		Message any `json:"message"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if json.Unmarshal(b, &body) == nil && body.Message != nil {
		he.Message = fmt.Sprint(body.Message)
	}
	return nil, he
}

// getSmall reads a whole small file (an index, checksums, a signature).
func (s *Source) getSmall(ctx context.Context, rawURL string, max int64) ([]byte, error) {
	resp, err := s.get(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(resp.Request.URL), err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", redact(resp.Request.URL), max)
	}
	return b, nil
}

// Versions lists every version the source publishes, in no particular
// order and unfiltered (see Sorted). A static server has index.json at its
// base; a GitLab project has the same index as the file index.json of the
// generic package version "channel" (readable by every token that may
// download releases, deploy tokens included), and the Packages API only
// as a fallback for projects published before the channel existed.
func (s *Source) Versions(ctx context.Context) ([]string, error) {
	idxURL := s.base.String() + "/" + IndexFile
	if s.IsGitLab() {
		idxURL = s.FileURL(ChannelVersion, IndexFile)
	}
	b, err := s.getSmall(ctx, idxURL, 1<<20)
	if s.IsGitLab() && IsNotFound(err) {
		return s.gitlabVersions(ctx)
	}
	if err != nil {
		return nil, err
	}
	var idx Index
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s is not a lain release index: %v", redactString(idxURL), err)
	}
	s.index = &idx
	return idx.Versions, nil
}

// IndexFile lists the versions of a source; ChannelVersion is the GitLab
// generic package version that holds it.
const (
	IndexFile      = "index.json"
	ChannelVersion = "channel"
)

// Index is the content of index.json: {"versions": ["1.2.3", ...],
// "sizes": {"1.2.3": {"lain_linux_amd64": 12345678}}}. Sizes only bound a
// download (the checksums say what the bytes must be); an index without
// them (an older release script) bounds it at maxBinary.
type Index struct {
	Versions []string                    `json:"versions"`
	Sizes    map[string]map[string]int64 `json:"sizes,omitempty"`
}

// gitlabMaxPages bounds pagination against a misbehaving server.
const gitlabMaxPages = 100

// gitlabVersions lists the generic packages named exactly s.pkg through
// GET /projects/:id/packages, following every page.
func (s *Source) gitlabVersions(ctx context.Context) ([]string, error) {
	q := url.Values{}
	q.Set("package_type", "generic")
	q.Set("package_name", s.pkg) // a fuzzy match: "lain" also finds "lain-helm"
	q.Set("per_page", "100")
	q.Set("order_by", "version") // sorted as text; Sorted does the real work
	q.Set("sort", "desc")
	next := s.base.Scheme + "://" + s.base.Host + s.api + "/projects/" + s.project + "/packages?" + q.Encode()
	var versions []string
	for page := 0; next != ""; page++ {
		if page == gitlabMaxPages {
			return nil, fmt.Errorf("%s: more than %d pages of packages", s, gitlabMaxPages)
		}
		resp, err := s.get(ctx, next)
		if err != nil {
			return nil, err
		}
		var pkgs []struct {
			Name        string `json:"name"`
			Version     string `json:"version"`
			PackageType string `json:"package_type"`
			Status      string `json:"status"`
		}
		err = json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&pkgs)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: not a GitLab package list: %v", redact(resp.Request.URL), err)
		}
		for _, p := range pkgs {
			// Exact name only; skip packages still uploading or broken.
			if p.Name == s.pkg && (p.PackageType == "" || p.PackageType == "generic") && (p.Status == "" || p.Status == "default") {
				versions = append(versions, p.Version)
			}
		}
		next = nextPage(resp)
	}
	return versions, nil
}

// nextPage finds the next page as GitLab announces it: the Link header's
// rel="next" (kept only on the same host, since tokens go with it), else
// X-Next-Page (empty on the last page).
func nextPage(resp *http.Response) string {
	cur := resp.Request.URL
	for _, part := range strings.Split(resp.Header.Get("Link"), ",") {
		part = strings.TrimSpace(part)
		end := strings.Index(part, ">")
		if !strings.HasPrefix(part, "<") || end < 0 {
			continue
		}
		isNext := false
		for _, p := range strings.Split(part[end+1:], ";") {
			if strings.ReplaceAll(strings.TrimSpace(p), " ", "") == `rel="next"` {
				isNext = true
			}
		}
		if u, err := cur.Parse(part[1:end]); isNext && err == nil && u.Scheme == cur.Scheme && u.Host == cur.Host {
			return u.String()
		}
	}
	if n := strings.TrimSpace(resp.Header.Get("X-Next-Page")); n != "" {
		u := *cur
		q := u.Query()
		q.Set("page", n)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return ""
}

func redact(u *url.URL) string { return u.Redacted() }

func redactString(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}
