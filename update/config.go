package update

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// EnvURL overrides the update source baked into the build.
const EnvURL = "LAIN_UPDATE_URL"

// Token variables, read only for GitLab sources and sent only as headers
// (never in URLs, never printed).
const (
	EnvGitLabToken       = "LAIN_GITLAB_TOKEN"        // PRIVATE-TOKEN (or Deploy-Token when it starts with gldt-)
	EnvGitLabDeployToken = "LAIN_GITLAB_DEPLOY_TOKEN" // Deploy-Token, for deploy tokens without the gldt- prefix
	EnvJobToken          = "CI_JOB_TOKEN"             // JOB-TOKEN, set by GitLab CI
)

// Config is where releases come from and how they are checked.
type Config struct {
	URL       string // base URL of the releases; "" turns self-update off
	PublicKey string // minisign public key; "" verifies checksums only
}

// ConfigFrom combines what the build baked in with the environment:
// LAIN_UPDATE_URL replaces the URL. The public key never comes from the
// environment: a variable that could replace it would let whoever sets it
// sign releases, so it changes only with a rebuild.
func ConfigFrom(bakedURL, bakedKey string, getenv func(string) string) Config {
	c := Config{URL: strings.TrimSpace(bakedURL), PublicKey: strings.TrimSpace(bakedKey)}
	if u := strings.TrimSpace(getenv(EnvURL)); u != "" {
		c.URL = u
	}
	return c
}

// Source is one place releases are published. Files of a release are at
// <base>/<version>/<file> for both kinds; only listing versions differs.
type Source struct {
	base   *url.URL
	client *http.Client
	auth   http.Header
	// GitLab only: the API root, project and package name.
	api, project, pkg string
	// index is the last index read by Versions (nil: none, or the GitLab
	// Packages API answered): the sizes it gives bound downloads.
	index *Index
}

// NewSource parses a release URL. A GitLab generic package URL uses the
// Packages API to list versions (with the token from the environment);
// any other http(s) URL is a static directory with an index.json.
func NewSource(raw string, client *http.Client, getenv func(string) string) (*Source, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("update source %q is not an http(s) URL", raw)
	}
	s := &Source{base: u, auth: http.Header{}}
	if api, project, pkg, ok := splitGitLab(u.EscapedPath()); ok {
		s.api, s.project, s.pkg = api, project, pkg
		s.auth = gitlabAuth(getenv, u.Hostname())
	}
	s.client = withoutAuthOnRedirect(client)
	return s, nil
}

// IsGitLab reports whether versions are listed through the GitLab API.
func (s *Source) IsGitLab() bool { return s.api != "" }

// String is the source's URL with any password removed, for messages.
func (s *Source) String() string { return s.base.Redacted() }

// HasToken reports whether requests carry a GitLab token (in a header,
// or as the password of HTTP basic auth in the URL).
func (s *Source) HasToken() bool { return len(s.auth) > 0 || s.base.User != nil }

// usesDeployToken: a token GitLab's Packages API does not accept (a
// deploy token, or any token sent as HTTP basic auth).
func (s *Source) usesDeployToken() bool {
	return s.auth.Get("Deploy-Token") != "" || s.base.User != nil
}

// FileURL is where one file of a release lives.
func (s *Source) FileURL(version, file string) string {
	return s.base.String() + "/" + url.PathEscape(version) + "/" + url.PathEscape(file)
}

// splitGitLab recognises a GitLab generic package path,
// <prefix>/api/v4/projects/<id or url-encoded path>/packages/generic/<name>,
// and returns the API root, the (still escaped) project and the package name.
func splitGitLab(path string) (api, project, pkg string, ok bool) {
	i := strings.LastIndex(path, "/api/v4/projects/")
	if i < 0 {
		return "", "", "", false
	}
	rest := strings.Split(path[i+len("/api/v4/projects/"):], "/")
	if len(rest) != 4 || rest[0] == "" || rest[1] != "packages" || rest[2] != "generic" || rest[3] == "" {
		return "", "", "", false
	}
	name, err := url.PathUnescape(rest[3])
	if err != nil {
		return "", "", "", false
	}
	return path[:i+len("/api/v4")], rest[0], name, true
}

// gitlabAuth picks the token header. A CI job token is only sent to the
// GitLab that issued it (CI_SERVER_HOST), never to another instance.
func gitlabAuth(getenv func(string) string, host string) http.Header {
	h := http.Header{}
	switch {
	case getenv(EnvGitLabToken) != "":
		t := getenv(EnvGitLabToken)
		if strings.HasPrefix(t, "gldt-") {
			h.Set("Deploy-Token", t)
		} else {
			h.Set("PRIVATE-TOKEN", t)
		}
	case getenv(EnvGitLabDeployToken) != "":
		h.Set("Deploy-Token", getenv(EnvGitLabDeployToken))
	case getenv(EnvJobToken) != "" && (getenv("CI_SERVER_HOST") == "" || getenv("CI_SERVER_HOST") == host):
		h.Set("JOB-TOKEN", getenv(EnvJobToken))
	}
	return h
}

// withoutAuthOnRedirect copies c so that token headers are not forwarded to
// another host: Go's client only strips Authorization and Cookie itself.
func withoutAuthOnRedirect(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{}
	}
	cp := *c
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return fmt.Errorf("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host {
			// Every header a token may travel in (GitLab may redirect a
			// download to object storage).
			for _, h := range [...]string{"PRIVATE-TOKEN", "JOB-TOKEN", "Deploy-Token"} {
				req.Header.Del(h)
			}
		}
		return nil
	}
	return &cp
}
