// Package registry asks an app's image registry which tags it has, so that
// lain version can list recent images, lain deploy can check that the image
// it deploys exists (and suggest recent ones when not), and Tab can
// complete image tags. The API is chosen by the cluster's registry_type:
//
//   - registry (the default), aliyun (ACR), tencent (TCR): the Docker
//     Registry HTTP API v2, with the credentials docker already has
//     (~/.docker/config.json and its credential helpers; Docker Hub's
//     token flow included), through go-containerregistry.
//   - harbor: Harbor's own API (/api/v2.0), with harbor_token, else the
//     user's docker login for the Harbor host.
//
// Errors say which registry failed and what to do (docker login <host>).
package registry

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/lazy"
)

// Client lists and checks the tags of an app's image,
// <registry>/<appname>.
type Client interface {
	// Tags are every tag of the app's image, in no particular order;
	// none (and no error) when nothing was pushed yet.
	Tags(ctx context.Context, appname string) ([]string, error)
	// Exists reports whether <registry>/<appname>:<tag> is there.
	Exists(ctx context.Context, appname, tag string) (bool, error)
	// Host is the registry's host, for messages (docker login <host>).
	Host() string
}

// Types are the registry_type values of cluster values.
const (
	TypeRegistry = "registry"
	TypeHarbor   = "harbor"
	TypeAliyun   = "aliyun"
	TypeTencent  = "tencent"
)

// DefaultTimeout bounds one registry question when the caller's context
// has no deadline of its own.
const DefaultTimeout = 15 * time.Second

// Options are what a client needs besides the cluster values.
type Options struct {
	// Transport sends the requests; http.DefaultTransport when nil. Tests
	// swap it.
	Transport http.RoundTripper
	// Getenv finds docker's configuration (DOCKER_CONFIG, HOME) for its
	// credentials.
	Getenv func(string) string
	// Timeout bounds each call; DefaultTimeout when 0.
	Timeout time.Duration
}

// ForCluster returns the client for a cluster's registry (cluster values
// registry, registry_type, harbor_token).
func ForCluster(v clusterconfig.Values, o Options) Client {
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	switch v.RegistryType {
	case TypeHarbor:
		return newHarbor(v.Registry, v.HarborToken, o)
	default: // registry, aliyun (ACR), tencent (TCR): all speak Registry v2
		return newV2(v.Registry, o)
	}
}

// lainTag matches the tags lain build makes: commit time, then hash.
var lainTag = lazy.Regexp(`^[0-9]{9,}-[0-9a-f]{7,}$`)

// SortRecent orders tags newest first and keeps at most n (all when n <= 0):
// the tags lain build made (<commit time>-<hash>, which sort by time as
// text) first, newest first, then any others by name. The prepare image's
// tag is left out: it is not something to deploy.
func SortRecent(tags []string, n int) []string {
	var built, other []string
	for _, t := range tags {
		switch {
		case t == "prepare" || strings.HasPrefix(t, "prepare-"):
		case lainTag().MatchString(t):
			built = append(built, t)
		default:
			other = append(other, t)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(built)))
	sort.Strings(other)
	out := append(built, other...)
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// Recent are the app's n most recent tags (SortRecent).
func Recent(ctx context.Context, c Client, appname string, n int) ([]string, error) {
	tags, err := c.Tags(ctx, appname)
	if err != nil {
		return nil, err
	}
	return SortRecent(tags, n), nil
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
