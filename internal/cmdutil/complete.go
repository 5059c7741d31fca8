package cmdutil

import (
	"context"
	"net/http"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/runner"
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

// ReleaseLister lists the helm releases of the current namespace, for Tab.
func (f *Factory) ReleaseLister() completions.ReleaseLister {
	return func(ctx context.Context) ([]string, error) {
		res, err := f.Runner().Run(ctx, runner.Cmd{Name: "helm", Args: []string{"list", "-q", "--all"}, Capture: true, Quiet: true})
		if err != nil {
			return nil, err
		}
		return completions.Lines(res.Stdout), nil
	}
}

// FirstReleaseCompletion completes a release name as the first argument.
func (f *Factory) FirstReleaseCompletion() completions.Func {
	return completions.FirstArg(completions.Releases(f.ReleaseLister()))
}

// ProcCompletion completes the app's procs from its values files (no
// network).
func (f *Factory) ProcCompletion() completions.Func {
	return completions.Procs(Cwd, func() string { return f.KubeHome().Current() })
}

// FirstProcCompletion is ProcCompletion for the first argument (lain logs,
// lain x).
func (f *Factory) FirstProcCompletion() completions.Func {
	return completions.FirstArg(f.ProcCompletion())
}

// FirstProcOrPodCompletion completes the first argument of lain x: the
// app's procs at once, then its running pods when the cluster answers in
// time (completions.ProcsAndPods bounds the wait).
func (f *Factory) FirstProcOrPodCompletion() completions.Func {
	return completions.FirstArg(completions.ProcsAndPods(Cwd, func() string { return f.KubeHome().Current() },
		func() *kube.Client { return kube.New(f.Runner()) }))
}
