package commands

// Shared by the commands about a running app (status, logs, x, job,
// create-job, env, secret): the app in the current directory, on the
// current cluster, and the one way they ask that cluster (internal/kube).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
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

// fillFrom sets the fields from the factory and the working directory;
// call it inside RunE, after flags are parsed.
func (o *AppOnCluster) fillFrom(f *cmdutil.Factory) error {
	o.IO, o.Runner, o.Cluster, o.Values = f.IO, f.Runner(), f.CurrentCluster, f.Globals.Values
	dir, err := os.Getwd()
	o.Dir = dir
	return err
}

// loadDeployed is load, then what runs of the app, or the not-deployed
// error.
func (o *AppOnCluster) loadDeployed(ctx context.Context) (*runningApp, *kube.App, error) {
	ra, err := o.load(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := ra.deployedState(ctx)
	if err != nil {
		return nil, nil, err
	}
	return ra, st, nil
}

// runningApp is the app and where it runs.
type runningApp struct {
	app       *app.App
	cluster   *clusterconfig.Config
	kube      *kube.Client
	namespace string
	// values are the app's values merged for this cluster (values.yaml,
	// values-CLUSTER.yaml, -f files).
	values map[string]any
}

func (o *AppOnCluster) load(ctx context.Context) (*runningApp, error) {
	a, err := app.Load(o.Dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	cfg, err := o.Cluster(a.Dir)
	if err != nil {
		return nil, err
	}
	files, err := a.ValuesFiles(cfg.Cluster, o.Values)
	if err != nil {
		return nil, err
	}
	k := kube.New(o.Runner)
	return &runningApp{app: a, cluster: cfg, kube: k, namespace: k.Namespace(ctx), values: app.Merged(files)}, nil
}

// state reads what runs of the app; a failure to ask is explained.
func (r *runningApp) state(ctx context.Context) (*kube.App, error) {
	st, err := r.kube.AppState(ctx, r.app.Name)
	if err != nil {
		return nil, r.askError(err)
	}
	return st, nil
}

// deployedState is state, or the not-deployed error.
func (r *runningApp) deployedState(ctx context.Context) (*kube.App, error) {
	st, err := r.state(ctx)
	if err != nil {
		return nil, err
	}
	if !st.Deployed() {
		return nil, r.notDeployed()
	}
	return st, nil
}

func (r *runningApp) notDeployed() error {
	return clierr.Of(clierr.NotFound, kube.NotDeployedMessage(r.app.Name, r.cluster.Cluster, r.namespace),
		"lain deploy   # or lain use CLUSTER, if it runs on another cluster")
}

// askError explains a kubectl query that failed (unreachable cluster,
// expired credentials...). A missing kubectl passes through: main names the
// install command.
func (r *runningApp) askError(err error) error {
	var nf *runner.NotFoundError
	if errors.As(err, &nf) || errors.Is(err, context.Canceled) {
		return err
	}
	msg := fmt.Sprintf("could not ask cluster %s about %s", r.cluster.Cluster, r.app.Name)
	if c, ok := toolerr.Classify(err); !ok || c.Kind == toolerr.Other {
		msg += ": " + strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " | ")
	}
	return toolerr.Failed(msg, err, "lain doctor   # checks the cluster, your kubeconfig and network")
}

// instanceName is the workload a PROC argument means: a proc name (web ->
// <release>-web) or the workload's full name.
func (r *runningApp) instanceName(st *kube.App, proc string) (string, bool) {
	for _, name := range []string{r.app.Release + "-" + proc, proc} {
		if _, ok := st.Workload(name); ok {
			return name, true
		}
	}
	return "", false
}

// procNames lists the app's workloads as procs (release prefix dropped), for
// messages.
func (r *runningApp) procNames(st *kube.App, kinds ...string) []string {
	var names []string
	for _, w := range st.Workloads {
		for _, k := range kinds {
			if w.Kind == k {
				names = append(names, strings.TrimPrefix(w.Name, r.app.Release+"-"))
			}
		}
	}
	return names
}

// remoteExit passes the exit code of a command run in the cluster (lain x,
// lain job) through, without a message of its own: what the command
// printed says it all.
type remoteExit struct{ code int }

func (e *remoteExit) Error() string { return fmt.Sprintf("the command exited with status %d", e.code) }
func (e *remoteExit) ExitCode() int { return e.code }
func (e *remoteExit) Silent() bool  { return true }

// passExitCode is nil for 0, else the silent exit status.
func passExitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &remoteExit{code: code}
}

// runningAppDir is the directory Tab completion reads the app from.
func runningAppDir() string {
	dir, _ := os.Getwd()
	return dir
}

// runningProcs completes the app's proc names from its values files (no
// network): Tab for lain logs and lain x.
func runningProcs(f *cmdutil.Factory) completions.Func {
	return completions.FirstArg(completions.Procs(runningAppDir, func() string { return f.KubeHome().Current() }))
}

func joinComma(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// ctxErr is true for an interrupted command (Ctrl-C): nothing to explain.
func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
