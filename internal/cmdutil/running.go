package cmdutil

// Shared by the commands about a running app (status, logs, x, job,
// create-job, env, secret): the app in the current directory, on the
// current cluster, and the one way they ask that cluster (internal/kube).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// AppOnCluster is what every command about a running app is given.
type AppOnCluster struct {
	IO     *iostreams.IOStreams
	Runner runner.Runner
	Dir    string // the app's directory
	// Cluster loads the current cluster's config for the app in Dir.
	Cluster func(appDir string) (*clusterconfig.Config, error)
	Values  []string // global -f files (for the app's merged values)
}

// Fill sets the fields from the factory and the working directory; call
// it inside RunE, after flags are parsed.
func (o *AppOnCluster) Fill(f *Factory) error {
	o.IO, o.Runner, o.Cluster, o.Values = f.IO, f.Runner(), f.CurrentCluster, f.Globals.Values
	dir, err := os.Getwd()
	o.Dir = dir
	return err
}

// LoadDeployed is Load, then what runs of the app, or the not-deployed
// error.
func (o *AppOnCluster) LoadDeployed(ctx context.Context) (*RunningApp, *kube.App, error) {
	ra, err := o.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := ra.DeployedState(ctx)
	if err != nil {
		return nil, nil, err
	}
	return ra, st, nil
}

// RunningApp is the app and where it runs.
type RunningApp struct {
	App       *app.App
	Config    *clusterconfig.Config
	Kube      *kube.Client
	Namespace string
	// Values are the app's values merged for this cluster (values.yaml,
	// values-CLUSTER.yaml, -f files).
	Values map[string]any
}

// Load loads the app in Dir and the current cluster's config.
func (o *AppOnCluster) Load(ctx context.Context) (*RunningApp, error) {
	a, cfg, files, err := loadOnCluster(o.Dir, o.Cluster, o.Values)
	if err != nil {
		return nil, err
	}
	k := kube.New(o.Runner)
	return &RunningApp{App: a, Config: cfg, Kube: k, Namespace: k.Namespace(ctx), Values: app.Merged(files)}, nil
}

// State reads what runs of the app; a failure to ask is explained.
func (r *RunningApp) State(ctx context.Context) (*kube.App, error) {
	st, err := r.Kube.AppState(ctx, r.App.Name)
	if err != nil {
		return nil, r.AskError(err)
	}
	return st, nil
}

// DeployedState is State, or the not-deployed error.
func (r *RunningApp) DeployedState(ctx context.Context) (*kube.App, error) {
	st, err := r.State(ctx)
	if err != nil {
		return nil, err
	}
	if !st.Deployed() {
		return nil, r.NotDeployed()
	}
	return st, nil
}

// NotDeployed says the app does not run here, and how to deploy it.
func (r *RunningApp) NotDeployed() error {
	return clierr.Of(clierr.NotFound, kube.NotDeployedMessage(r.App.Name, r.Config.Cluster, r.Namespace),
		"lain deploy   # or lain use CLUSTER, if it runs on another cluster")
}

// AskError explains a kubectl query that failed (unreachable cluster,
// expired credentials...). A missing kubectl passes through: main names the
// install command.
func (r *RunningApp) AskError(err error) error {
	var nf *runner.NotFoundError
	if errors.As(err, &nf) || errors.Is(err, context.Canceled) {
		return err
	}
	msg := fmt.Sprintf("could not ask cluster %s about %s", r.Config.Cluster, r.App.Name)
	if c, ok := toolerr.Classify(err); !ok || c.Kind == toolerr.Other {
		msg += ": " + strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " | ")
	}
	return toolerr.Failed(msg, err, "lain doctor   # checks the cluster, your kubeconfig and network")
}

// InstanceName is the workload a PROC argument means: a proc name (web ->
// <release>-web) or the workload's full name.
func (r *RunningApp) InstanceName(st *kube.App, proc string) (string, bool) {
	for _, name := range []string{r.App.Release + "-" + proc, proc} {
		if _, ok := st.Workload(name); ok {
			return name, true
		}
	}
	return "", false
}

// ProcOf is the proc name of a workload (<release>-<proc>).
func (r *RunningApp) ProcOf(instance string) string {
	if p, ok := strings.CutPrefix(instance, r.App.Release+"-"); ok && p != "" {
		return p
	}
	return instance
}

// ProcList lists the app's workloads of kinds as procs (release prefix
// dropped), comma-separated for messages; "none" when there are none.
func (r *RunningApp) ProcList(st *kube.App, kinds ...string) string {
	var names []string
	for _, w := range st.Workloads {
		for _, k := range kinds {
			if w.Kind == k {
				names = append(names, strings.TrimPrefix(w.Name, r.App.Release+"-"))
			}
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
