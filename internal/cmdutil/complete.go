package cmdutil

import (
	"context"
	"net/http"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/registry"
)

// ImageTagLister lists the recent image tags of the app in the current
// directory on the current cluster, for Tab (lain template --set
// imageTag=..., and deploy's and job's tags). Completion bounds it in time.
func (f *Factory) ImageTagLister() completions.TagLister {
	return func(ctx context.Context) ([]string, error) {
		a, err := app.Load(Cwd())
		if err != nil {
			return nil, err
		}
		cfg, err := f.CurrentCluster(a.Dir)
		if err != nil {
			return nil, err
		}
		var transport http.RoundTripper
		if f.HTTPClient != nil {
			transport = f.HTTPClient().Transport
		}
		c := registry.ForCluster(cfg.Values, registry.Options{Transport: transport, Getenv: f.Getenv})
		return registry.Recent(ctx, c, a.Name, 20)
	}
}
