package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/lain-cli/lain/internal/clierr"
)

// v2 is the Docker Registry HTTP API v2 (distribution, Docker Hub, ACR,
// TCR, and Harbor's registry endpoint). go-containerregistry's transport
// does the hard part: the ping, the auth challenge, Docker Hub's token
// exchange, basic auth, retries and the registry's error format. lain asks
// two questions over it: GET /v2/<repo>/tags/list (following Link pages)
// and HEAD /v2/<repo>/manifests/<tag>. (go-containerregistry's remote
// package does the same, but links in compressors whose start-up work
// every lain command would pay for.)
type v2 struct {
	registry string // the cluster's registry prefix, host[/namespace]
	opts     Options
}

func newV2(registry string, o Options) *v2 {
	return &v2{registry: strings.TrimSuffix(registry, "/"), opts: o}
}

// repo is <registry>/<appname> as go-containerregistry names it (docker.io
// becomes index.docker.io, library/ is added for single names).
func (c *v2) repo(appname string) (name.Repository, error) {
	r, err := name.NewRepository(c.registry + "/" + appname)
	if err != nil {
		return name.Repository{}, clierr.Of(clierr.ClusterConfig, fmt.Sprintf("registry %q in the cluster values does not make a valid image name with %q: %v", c.registry, appname, err),
			"fix registry in the cluster values (host[:port]/namespace)")
	}
	return r, nil
}

func (c *v2) Host() string {
	host, _, _ := strings.Cut(c.registry, "/")
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return "docker.io"
	}
	return host
}

// client is an HTTP client authorised to pull repo, with docker's
// credentials for its registry.
func (c *v2) client(ctx context.Context, repo name.Repository) (*http.Client, error) {
	auth, err := authn.Resolve(ctx, DockerKeychain(c.opts.Getenv), repo)
	if err != nil {
		return nil, err
	}
	t := transport.NewUserAgent(transport.NewRetry(c.opts.Transport), "lain")
	rt, err := transport.NewWithContext(ctx, repo.Registry, auth, t, []string{repo.Scope(transport.PullScope)})
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: rt}, nil
}

func (c *v2) url(repo name.Repository, path string) string {
	return fmt.Sprintf("%s://%s/v2/%s/%s", repo.Registry.Scheme(), repo.RegistryStr(), repo.RepositoryStr(), path)
}

func (c *v2) Tags(ctx context.Context, appname string) ([]string, error) {
	repo, err := c.repo(appname)
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, c.opts.Timeout)
	defer cancel()
	tags, err := c.tags(ctx, repo)
	if isNotFound(err) {
		return nil, nil // nothing pushed yet
	}
	return tags, explain(c.Host(), "listing the tags of "+c.registry+"/"+appname, err)
}

func (c *v2) tags(ctx context.Context, repo name.Repository) ([]string, error) {
	client, err := c.client(ctx, repo)
	if err != nil {
		return nil, err
	}
	var tags []string
	next := c.url(repo, "tags/list?n=1000")
	for page := 0; next != "" && page < 100; page++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var list struct {
			Tags []string `json:"tags"`
		}
		err = transport.CheckError(resp, http.StatusOK)
		if err == nil {
			err = json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&list)
		}
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		tags = append(tags, list.Tags...)
		next = NextPage(resp)
	}
	return tags, nil
}

// NextPage is the Link: <url>; rel="next" of a tags/list (or _catalog) page, resolved
// against the request, "" on the last page.
func NextPage(resp *http.Response) string {
	link := resp.Header.Get("Link")
	if link == "" || !strings.Contains(link, `rel="next"`) {
		return ""
	}
	start, end := strings.Index(link, "<"), strings.Index(link, ">")
	if start < 0 || end < start {
		return ""
	}
	u, err := url.Parse(link[start+1 : end])
	if err != nil {
		return ""
	}
	return resp.Request.URL.ResolveReference(u).String()
}

// manifestTypes are the manifests a tag can name: docker's and OCI's,
// single-platform or a list.
const manifestTypes = "application/vnd.docker.distribution.manifest.v2+json, " +
	"application/vnd.docker.distribution.manifest.list.v2+json, " +
	"application/vnd.oci.image.manifest.v1+json, " +
	"application/vnd.oci.image.index.v1+json"

func (c *v2) Exists(ctx context.Context, appname, tag string) (bool, error) {
	repo, err := c.repo(appname)
	if err != nil {
		return false, err
	}
	ctx, cancel := withTimeout(ctx, c.opts.Timeout)
	defer cancel()
	ok, err := c.exists(ctx, repo, tag)
	if isNotFound(err) {
		return false, nil
	}
	return ok, explain(c.Host(), "looking up "+c.registry+"/"+appname+":"+tag, err)
}

func (c *v2) exists(ctx context.Context, repo name.Repository, tag string) (bool, error) {
	client, err := c.client(ctx, repo)
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.url(repo, "manifests/"+url.PathEscape(tag)), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", manifestTypes)
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return false, err
	}
	return true, nil
}

// isNotFound is the registry saying the repository or the tag does not exist.
func isNotFound(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.StatusCode == http.StatusNotFound {
		return true
	}
	for _, d := range te.Errors {
		switch d.Code {
		case transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode:
			return true
		}
	}
	return false
}
