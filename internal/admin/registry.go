package admin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/lain-cli/lain/internal/registry"
)

// Registry lists and deletes images through the Docker Registry HTTP API
// v2, with docker's credentials (go-containerregistry's transport does the
// auth challenge and token exchange). remote.Delete does the same DELETE;
// lain keeps go-containerregistry's remote package out of the binary for
// start-up time (see internal/registry).
type Registry struct {
	// Prefix is the cluster values' registry: host[/namespace].
	Prefix string
	// Harbor (registry_type: harbor): repositories are listed through
	// Harbor's API (its v2 catalog is for system admins only); tags,
	// digests and deletes go through the v2 API, which Harbor serves.
	Harbor bool
	// HarborToken is the cluster values' harbor_token (user:password, or
	// that base64-encoded); empty: docker's credentials for the host.
	HarborToken string
	Transport   http.RoundTripper // nil: http.DefaultTransport
	Getenv      func(string) string
}

// host and namespace split Prefix.
func (r Registry) host() string {
	h, _, _ := strings.Cut(strings.TrimSuffix(r.Prefix, "/"), "/")
	return h
}

func (r Registry) namespace() string {
	_, ns, _ := strings.Cut(strings.TrimSuffix(r.Prefix, "/"), "/")
	return ns
}

func (r Registry) client(ctx context.Context, scopes ...string) (*http.Client, name.Registry, error) {
	reg, err := name.NewRegistry(r.host())
	if err != nil {
		return nil, reg, fmt.Errorf("registry %q in the cluster values: %w", r.Prefix, err)
	}
	auth, err := r.auth(ctx, reg)
	if err != nil {
		return nil, reg, err
	}
	t := r.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	rt, err := transport.NewWithContext(ctx, reg, auth, transport.NewUserAgent(t, "lain"), scopes)
	if err != nil {
		return nil, reg, err
	}
	return &http.Client{Transport: rt}, reg, nil
}

// auth is harbor_token when there is one, else docker's credentials.
func (r Registry) auth(ctx context.Context, reg name.Registry) (authn.Authenticator, error) {
	if r.HarborToken == "" {
		return authn.Resolve(ctx, registry.DockerKeychain(r.Getenv), reg)
	}
	tok := r.HarborToken
	if !strings.Contains(tok, ":") {
		if dec, err := base64.StdEncoding.DecodeString(tok); err == nil {
			tok = string(dec)
		}
	}
	user, pass, _ := strings.Cut(tok, ":")
	return &authn.Basic{Username: user, Password: pass}, nil
}

func (r Registry) url(reg name.Registry, path string) string {
	return fmt.Sprintf("%s://%s/v2/%s", reg.Scheme(), reg.RegistryStr(), path)
}

// Repositories are the repositories under Prefix (every one when Prefix
// has no namespace), from the registry's catalog.
func (r Registry) Repositories(ctx context.Context) ([]string, error) {
	var all []string
	var err error
	if r.Harbor {
		all, err = r.harborRepositories(ctx)
	} else {
		all, err = r.catalog(ctx)
	}
	if err != nil {
		return nil, err
	}
	ns := r.namespace()
	var out []string
	for _, repo := range all {
		if ns == "" || strings.HasPrefix(repo, ns+"/") {
			out = append(out, repo)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (r Registry) catalog(ctx context.Context) ([]string, error) {
	client, reg, err := r.client(ctx, "registry:catalog:*")
	if err != nil {
		return nil, err
	}
	var all []string
	err = pages(ctx, client, r.url(reg, "_catalog?n=1000"), func(body io.Reader) error {
		var c struct {
			Repositories []string `json:"repositories"`
		}
		err := json.NewDecoder(body).Decode(&c)
		all = append(all, c.Repositories...)
		return err
	})
	return all, err
}

// harborRepositories are the repositories of the project Prefix names
// (host/project[/path]), from Harbor's API, 100 a page.
func (r Registry) harborRepositories(ctx context.Context) ([]string, error) {
	project, _, _ := strings.Cut(r.namespace(), "/")
	if project == "" {
		return nil, fmt.Errorf("registry_type harbor needs registry: <harbor host>/<project>, got %q", r.Prefix)
	}
	reg, err := name.NewRegistry(r.host())
	if err != nil {
		return nil, err
	}
	auth, err := r.auth(ctx, reg)
	if err != nil {
		return nil, err
	}
	cfg, err := authn.Authorization(ctx, auth)
	if err != nil {
		return nil, err
	}
	t := r.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	client := &http.Client{Transport: t}
	var all []string
	for page := 1; page <= 1000; page++ {
		u := fmt.Sprintf("%s://%s/api/v2.0/projects/%s/repositories?page=%d&page_size=100", reg.Scheme(), reg.RegistryStr(), url.PathEscape(project), page)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if cfg.Username != "" {
			req.SetBasicAuth(cfg.Username, cfg.Password)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var repos []struct {
			Name string `json:"name"`
		}
		err = transport.CheckError(resp, http.StatusOK)
		if err == nil {
			err = json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&repos)
		}
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		for _, repo := range repos {
			all = append(all, repo.Name)
		}
		if len(repos) < 100 {
			break
		}
	}
	return all, nil
}

// Tags are every tag of repo (a path on the registry, e.g. lain/shop).
func (r Registry) Tags(ctx context.Context, repo string) ([]string, error) {
	client, reg, err := r.client(ctx, "repository:"+repo+":pull")
	if err != nil {
		return nil, err
	}
	var tags []string
	err = pages(ctx, client, r.url(reg, repo+"/tags/list?n=1000"), func(body io.Reader) error {
		var l struct {
			Tags []string `json:"tags"`
		}
		err := json.NewDecoder(body).Decode(&l)
		tags = append(tags, l.Tags...)
		return err
	})
	return tags, err
}

// pages GETs u and each Link rel="next" page after it, handing each body
// to read.
func pages(ctx context.Context, client *http.Client, u string, read func(io.Reader) error) error {
	for page := 0; u != "" && page < 1000; page++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		err = transport.CheckError(resp, http.StatusOK)
		if err == nil {
			err = read(io.LimitReader(resp.Body, 64<<20))
		}
		resp.Body.Close()
		if err != nil {
			return err
		}
		u = registry.NextPage(resp)
	}
	return nil
}

// manifestTypes are the manifests a tag can name.
const manifestTypes = "application/vnd.docker.distribution.manifest.v2+json, " +
	"application/vnd.docker.distribution.manifest.list.v2+json, " +
	"application/vnd.oci.image.manifest.v1+json, " +
	"application/vnd.oci.image.index.v1+json"

// Digest is the manifest digest tag names in repo.
func (r Registry) Digest(ctx context.Context, repo, tag string) (string, error) {
	client, reg, err := r.client(ctx, "repository:"+repo+":pull")
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, r.url(reg, repo+"/manifests/"+url.PathEscape(tag)), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", manifestTypes)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return "", err
	}
	return resp.Header.Get("Docker-Content-Digest"), nil
}

// DeleteURL is the request that deletes a manifest, as printed.
func (r Registry) DeleteURL(repo, digest string) string {
	reg, err := name.NewRegistry(r.host())
	if err != nil {
		return ""
	}
	return r.url(reg, repo+"/manifests/"+digest)
}

// Delete deletes the manifest digest of repo (every tag that names it).
func (r Registry) Delete(ctx context.Context, repo, digest string) error {
	client, reg, err := r.client(ctx, "repository:"+repo+":pull,push,delete")
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, r.url(reg, repo+"/manifests/"+digest), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return transport.CheckError(resp, http.StatusAccepted, http.StatusOK)
}
