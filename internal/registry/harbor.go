package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/lain-cli/lain/internal/clierr"
)

// harborPageSize is Harbor's largest page (its API caps page_size at 100).
const harborPageSize = 100

// harborMaxPages bounds a listing (10,000 artifacts).
const harborMaxPages = 100

// harbor is Harbor's REST API v2.0, for registry_type: harbor. The cluster's
// registry is <harbor host>/<project>[/<path>]; an app's images are the
// repository <path>/<appname> of that project.
type harbor struct {
	registry      string
	host, project string
	prefix        string // repository path inside the project before the appname
	token         string // harbor_token
	opts          Options
}

func newHarbor(registry, token string, o Options) *harbor {
	registry = strings.TrimSuffix(registry, "/")
	h := &harbor{registry: registry, token: token, opts: o}
	parts := strings.SplitN(registry, "/", 3)
	h.host = parts[0]
	if len(parts) > 1 {
		h.project = parts[1]
	}
	if len(parts) > 2 {
		h.prefix = parts[2]
	}
	return h
}

func (h *harbor) Host() string { return h.host }

// base is https://<host>/api/v2.0 (plain http for localhost and private
// addresses, as docker does).
func (h *harbor) base() (string, error) {
	if h.project == "" {
		return "", clierr.Of(clierr.ClusterConfig, fmt.Sprintf("registry_type harbor needs registry: <harbor host>/<project>, got %q", h.registry),
			"fix registry in the cluster values (e.g. registry: harbor.example.com/myteam)")
	}
	reg, err := name.NewRegistry(h.host)
	if err != nil {
		return "", clierr.Of(clierr.ClusterConfig, fmt.Sprintf("registry %q in the cluster values: %v", h.registry, err), "fix registry in the cluster values")
	}
	return reg.Scheme() + "://" + h.host + "/api/v2.0", nil
}

// artifacts is the artifacts URL of the app's repository. Harbor wants a
// repository name with slashes URL-encoded twice (a/b -> a%252Fb).
func (h *harbor) artifacts(appname string) (string, error) {
	base, err := h.base()
	if err != nil {
		return "", err
	}
	repo := appname
	if h.prefix != "" {
		repo = h.prefix + "/" + appname
	}
	return fmt.Sprintf("%s/projects/%s/repositories/%s/artifacts", base, url.PathEscape(h.project), url.PathEscape(url.PathEscape(repo))), nil
}

type harborArtifact struct {
	Digest string `json:"digest"`
	Tags   []struct {
		Name string `json:"name"`
	} `json:"tags"`
}

func (h *harbor) Tags(ctx context.Context, appname string) ([]string, error) {
	u, err := h.artifacts(appname)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, h.opts.Timeout)
	defer cancel()
	what := "listing the tags of " + h.registry + "/" + appname
	var tags []string
	for page := 1; page <= harborMaxPages; page++ {
		var arts []harborArtifact
		found, err := h.get(ctx, fmt.Sprintf("%s?with_tag=true&page=%d&page_size=%d", u, page, harborPageSize), &arts)
		if err != nil {
			return nil, h.explain(what, err)
		}
		if !found {
			return nil, nil // no such repository: nothing pushed yet
		}
		for _, a := range arts {
			for _, t := range a.Tags {
				tags = append(tags, t.Name)
			}
		}
		if len(arts) < harborPageSize {
			break
		}
	}
	return tags, nil
}

func (h *harbor) Exists(ctx context.Context, appname, tag string) (bool, error) {
	u, err := h.artifacts(appname)
	if err != nil {
		return false, err
	}
	ctx, cancel := withTimeout(ctx, h.opts.Timeout)
	defer cancel()
	var art harborArtifact
	found, err := h.get(ctx, u+"/"+url.PathEscape(tag)+"?with_tag=true", &art)
	if err != nil {
		return false, h.explain("looking up "+h.registry+"/"+appname+":"+tag, err)
	}
	return found, nil
}

// explain is the package's explain, except that a refused harbor_token is
// the admin's to fix, not a docker login away.
func (h *harbor) explain(what string, err error) error {
	if h.token != "" && NotLoggedIn(err) {
		return &clierr.Error{Kind: clierr.Registry, Msg: fmt.Sprintf("%s: Harbor at %s refused the harbor_token of the cluster values (%s)", what, h.host, short(err)),
			Next: "ask your admin to renew harbor_token (it needs read access to project " + h.project + ")", Err: err}
	}
	return explain(h.host, what, err)
}

// get fetches a JSON document into out; found is false on 404.
func (h *harbor) get(ctx context.Context, u string, out any) (found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "lain")
	h.authorize(req)
	resp, err := (&http.Client{Transport: h.opts.Transport}).Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return false, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	case resp.StatusCode != http.StatusOK:
		return false, &statusError{Status: resp.StatusCode, Body: harborMessage(body)}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return false, fmt.Errorf("unexpected answer from %s: %v", u, err)
	}
	return true, nil
}

// authorize adds basic auth: harbor_token (user:password, or already
// base64 as Harbor shows it), else what docker login saved for the host.
func (h *harbor) authorize(req *http.Request) {
	switch {
	case strings.Contains(h.token, ":"):
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(h.token)))
	case h.token != "":
		req.Header.Set("Authorization", "Basic "+h.token)
	default:
		if user, pass, ok := basicAuth(h.opts.Getenv, h.host); ok {
			req.SetBasicAuth(user, pass)
		}
	}
}

// harborMessage is the message of Harbor's {"errors":[{code,message}]}.
func harborMessage(body []byte) string {
	var e struct {
		Errors []struct{ Code, Message string } `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		return e.Errors[0].Code + ": " + e.Errors[0].Message
	}
	return string(body)
}
