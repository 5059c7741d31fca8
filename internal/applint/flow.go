package applint

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/render"
	"github.com/lain-cli/lain/internal/resadvice"
)

// Flow is lain lint: what it reads and where it writes.
type Flow struct {
	render.Source
	Out, ErrOut io.Writer
	// Advisor suggests resources (a seam for tests); nil: none.
	Advisor Advisor
	// HTTP asks the cluster's Prometheus for the resource advice.
	HTTP *http.Client
	Now  func() time.Time
}

// Lint is lain lint: load the app, lint it (Run), then the resource advice
// from Prometheus unless simple.
func (f Flow) Lint(ctx context.Context, simple bool) error {
	t, err := render.Load(ctx, f.Source, false)
	if err != nil {
		return err
	}
	defer t.Close()
	in := Input{Target: t, Runner: f.Runner, ErrOut: f.ErrOut}
	if !simple {
		in.Advisor = f.Advisor
	}
	if _, err := Run(ctx, in); err != nil {
		return err
	}
	if !simple {
		f.adviseResources(ctx, resadvice.App{Name: t.App.Name, Cluster: t.Cluster.Cluster, Values: t.Cluster.Values, Merged: t.Merged(), HTTP: f.HTTP, Now: f.Now})
	}
	fmt.Fprintf(f.ErrOut, "lint: %s is ready to deploy to %s\n", t.App.Name, t.Cluster.Cluster)
	return nil
}

// adviseResources prints the resource advice after lint's checks; it never
// fails lint: a Prometheus that cannot answer is one line.
func (f Flow) adviseResources(ctx context.Context, a resadvice.App) {
	if !a.Enabled() || f.HTTP == nil {
		return
	}
	results, err := a.Advise(ctx)
	if err != nil {
		fmt.Fprintf(f.ErrOut, "note: no resource advice: %v\n", err)
		return
	}
	resadvice.WriteLint(f.ErrOut, a.Source(), results, app.ClusterValuesName(a.Cluster))
}

// Resources is lint --resources: the advice alone, for every proc, as a
// table or (output yaml) a values-CLUSTER.yaml fragment.
func (f Flow) Resources(ctx context.Context, output string) error {
	if output != "table" && output != "yaml" {
		return clierr.Usage(fmt.Sprintf("--output %q: lain lint --resources prints a table or yaml", output), "lain lint --resources -o yaml")
	}
	a, err := app.Load(f.Dir)
	if err != nil {
		return err
	}
	cfg, err := f.Cluster(a.Dir)
	if err != nil {
		return err
	}
	files, err := a.ValuesFiles(cfg.Cluster, f.Values)
	if err != nil {
		return err
	}
	ra := resadvice.App{Name: a.Name, Cluster: cfg.Cluster, Values: cfg.Values, Merged: app.Merged(files), HTTP: f.HTTP, Now: f.Now}
	if !ra.Enabled() {
		return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("cluster %s has no prometheus in its cluster values: there is nothing to size the resources from", cfg.Cluster),
			"ask your lain admin to add prometheus: <URL> to cluster_values/values-"+cfg.Cluster+".yaml")
	}
	results, err := ra.Advise(ctx)
	if err != nil {
		return clierr.Of(clierr.Failed, "no resource advice: "+err.Error(), "lain lint --resources   # again, once Prometheus answers")
	}
	if output == "yaml" {
		resadvice.WriteFragment(f.Out, cfg.Cluster, ra.Source(), results)
		return nil
	}
	return resadvice.WriteTable(f.Out, results)
}
