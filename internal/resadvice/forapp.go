package resadvice

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
)

// App is one app on one cluster, as lint sees it.
type App struct {
	Name    string
	Cluster string
	Values  clusterconfig.Values // the cluster values (prometheus, pql_template)
	Merged  map[string]any       // the app's merged values
	HTTP    *http.Client
	Now     func() time.Time
}

// Enabled reports whether the cluster has a Prometheus to ask.
func (a App) Enabled() bool { return a.Values.Prometheus != "" }

// Source is where the advice comes from.
func (a App) Source() Source {
	return Source{URL: a.Values.Prometheus, Range: RangeOf(a.Merged)}
}

// Advise asks the cluster's Prometheus about the app's long-running procs.
func (a App) Advise(ctx context.Context) ([]Result, error) {
	if a.Now == nil {
		a.Now = time.Now
	}
	adv := &Advisor{
		Client:    a.Client(),
		Templates: TemplatesFrom(a.Values.PQLTemplate),
		Range:     RangeOf(a.Merged),
		Now:       a.Now,
	}
	return adv.Advise(ctx, a.Name, ProcsFrom(a.Merged))
}

// Client asks the cluster's Prometheus (http:// when its URL has no scheme).
func (a App) Client() *Client {
	return &Client{URL: withScheme(a.Values.Prometheus), HTTP: a.HTTP}
}

// RangeOf is the app's prometheus_query_range, or the default 7d.
func RangeOf(merged map[string]any) string {
	if r, ok := merged["prometheus_query_range"]; ok && r != nil && fmt.Sprint(r) != "" {
		return fmt.Sprint(r)
	}
	return DefaultRange
}

func withScheme(u string) string {
	for _, p := range []string{"http://", "https://"} {
		if len(u) >= len(p) && u[:len(p)] == p {
			return u
		}
	}
	return "http://" + u
}
