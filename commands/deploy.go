package commands

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/webhook"
)

// DeployOptions are the inputs of `lain deploy`.
type DeployOptions struct {
	cmdutil.ImageEnv
	IgnoreLint bool
	AutoPilot  bool
	// Registry answers the image check; nil: the cluster's registry.
	Registry deploy.Registry
	// Notify sends the webhook message; nil: none.
	Notify func(ctx context.Context, r deploy.Result) error

	Sets        []string
	Build       bool
	Canary      bool
	Wait        bool
	DeleteAfter string
	Timeout     int
}

// NewCmdDeploy builds `lain deploy`.
func NewCmdDeploy(f *cmdutil.Factory) *cobra.Command {
	o := &DeployOptions{}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the app's image of this commit to the current cluster (helm upgrade --install)",
		Long: `Deploy the app to the current cluster: lint it (unless --ignore-lint), check
that its image is in the registry (--build or --auto-pilot builds and pushes
it when missing), create the Secret <appname>-env when absent, refuse during
an ongoing canary, explain a release stuck in pending-install,
pending-upgrade or uninstalling (--auto-pilot rolls it back first), clean
finished one-off jobs, label the nodes listed in nodes, and run

  helm upgrade --timeout=300s --set cluster=...,user=...,repo_url=...,imageTag=... \
    --install -f <cluster values> [-f chart/values-CLUSTER.yaml] [-f FILE]... RELEASE ./chart

With --wait (always in CI) lain follows the rollout: a table of each proc's
desired/updated/ready pods, and it stops at once when a new pod cannot start
(CrashLoopBackOff, ImagePullBackOff, a missing Secret key, OOMKilled,
Unschedulable), printing the pod's events and last log lines.`,
		Example: `  lain deploy
  lain deploy --set imageTag=1732000000-abc123   # another image
  lain deploy --build --wait                    # build and push first if needed; follow the rollout
  lain deploy --canary                          # beside the running release; see lain set-canary-group
  lain --dry-run deploy                         # print the commands that would change things`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.fillDeploy(f); err != nil {
				return err
			}
			return runDeploy(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&o.Sets, "set", nil, "override a value, `KEY=VALUE` (repeatable), as helm --set")
	cmd.RegisterFlagCompletionFunc("set", completions.SetImageTag(f.ImageTagLister()))
	fl.BoolVar(&o.Build, "build", false, "build and push the image first when it is not in the registry")
	fl.BoolVar(&o.Canary, "canary", false, "deploy as <appname>-canary beside the running release")
	fl.BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready (always on in CI)")
	fl.StringVar(&o.DeleteAfter, "delete-after", "", "delete the release after `DELAY` (30m, 2h, 1d), for review apps: see lain delete --help")
	fl.IntVar(&o.Timeout, "timeout", deploy.DefaultTimeout, "helm's --timeout and the rollout's limit, in `SECONDS`")
	return cmd
}

// fillDeploy takes everything from the factory, after flags are parsed;
// CI always follows the rollout.
func (o *DeployOptions) fillDeploy(f *cmdutil.Factory) error {
	if err := o.Fill(f); err != nil {
		return err
	}
	o.IgnoreLint, o.AutoPilot = f.Globals.IgnoreLint, f.Globals.AutoPilot
	if o.IO.IsCI() {
		o.Wait = true
	}
	return nil
}

func runDeploy(ctx context.Context, o *DeployOptions) error {
	d, q, cleanup, err := o.prepareDeploy(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := d.Deploy(ctx, q); err != nil {
		return err
	}
	if o.DeleteAfter != "" {
		return scheduleDelete(ctx, o.Runner, q.Cluster, q.App.Name, []string{q.ReleaseName()}, o.DeleteAfter, o.IO.ErrOut)
	}
	return nil
}

// prepareDeploy loads the app and builds the deployer and request.
func (o *DeployOptions) prepareDeploy(ctx context.Context) (*deploy.Deployer, *deploy.Request, func(), error) {
	if err := helmargs.CheckSets(o.Sets); err != nil {
		return nil, nil, nil, err
	}
	t, err := loadForHelm(ctx, o.Dir, o.Cluster, o.Runner, o.Getenv, o.Values)
	if err != nil {
		return nil, nil, nil, err
	}
	if o.Canary {
		t.cleanup()
		a, cfg := t.app, t.cluster
		opts, cleanup, err := helmargs.Gather(ctx, o.Runner, a, cfg, o.Getenv, o.Values, true)
		if err != nil {
			return nil, nil, nil, err
		}
		t = &helmTarget{app: a, cluster: cfg, opts: opts, cleanup: cleanup}
	}
	files, err := t.app.ValuesFiles(t.cluster.Cluster, o.Values)
	if err != nil {
		t.cleanup()
		return nil, nil, nil, err
	}
	q := &deploy.Request{App: t.app, Cluster: t.cluster, Helm: t.opts, Values: app.Merged(files), Sets: o.Sets,
		Canary: o.Canary, AutoPilot: o.AutoPilot, Wait: o.Wait, DryRun: o.DryRun, Timeout: o.Timeout}
	if o.Build || o.AutoPilot {
		q.Build = o.buildFor(t)
	}
	d := &deploy.Deployer{Runner: o.Runner, ErrOut: o.IO.ErrOut, TTY: o.IO.IsStderrTTY(), Registry: o.Registry, Notify: o.Notify}
	if d.Registry == nil {
		d.Registry = o.RegistryClient(t.cluster)
	}
	if d.Notify == nil {
		if wh := webhook.FromValues(q.Values); wh.For(t.cluster.Cluster) {
			client := &http.Client{Transport: o.Transport}
			user := t.opts.User
			d.Notify = func(ctx context.Context, r deploy.Result) error {
				return webhook.Send(ctx, client, wh, deployMessage(r, user))
			}
		}
	}
	if note, why := deploy.MRNoteFromCI(o.Getenv, q.Values, t.cluster, &http.Client{Transport: o.Transport}, o.Runner, t.app.Dir, t.opts.RepoURL, o.IO.ErrOut); note != nil {
		d.MRNote = note.Post
	} else if why != "" {
		fmt.Fprintf(o.IO.ErrOut, "warning: gitlab_mr_note: no note on the merge request: %s\n", why)
	}
	if !o.IgnoreLint {
		d.Lint = func(ctx context.Context) error {
			return runLint(ctx, &LintOptions{IO: o.IO, Runner: o.Runner, Getenv: o.Getenv, Dir: o.Dir, Cluster: o.Cluster, Values: o.Values, Simple: true})
		}
	}
	return d, q, t.cleanup, nil
}

// deployMessage is the webhook message of a deploy: app, cluster, user,
// image, previous revision and result (never values).
func deployMessage(r deploy.Result, user string) webhook.Message {
	detail := "image " + r.Image
	if r.PreviousRevision > 0 {
		detail += fmt.Sprintf(", previous revision %d (%s)", r.PreviousRevision, r.PreviousImageTag)
	} else {
		detail += ", first deploy"
	}
	if r.Err != nil {
		detail += ", result: FAILED: " + r.Err.Error()
	} else {
		detail += fmt.Sprintf(", result: deployed as revision %d", r.Revision)
	}
	return webhook.Message{App: r.App, Cluster: r.Cluster, User: user, Event: "deploy", Object: r.Release, Detail: detail}
}

// buildFor builds and pushes the image of this commit (lain build --push,
// in-process).
func (o *DeployOptions) buildFor(t *helmTarget) func(ctx context.Context, tag string) error {
	return func(ctx context.Context, tag string) error {
		a, err := o.LoadApp(ctx)
		if err != nil {
			return err
		}
		if tag != a.Tag.Tag {
			return clierr.Of(clierr.NotFound, fmt.Sprintf("image tag %s is not in the registry, and lain can only build this commit's image (%s)", tag, a.Tag.Tag),
				"lain deploy --build   # without --set imageTag, deploys this commit")
		}
		if image.OwnDockerfile(a.App.Dir) {
			return image.OwnDockerfileError(a.App.Dir, a.Image(""))
		}
		spec, err := a.Spec(o.Getenv)
		if err != nil {
			return err
		}
		b, err := o.Builder(a)
		if err != nil {
			return err
		}
		_, err = b.Build(ctx, image.Request{Dir: a.App.Dir, Registry: a.Config.Values.Registry, Spec: spec, Tag: a.Tag.Tag, Push: true})
		return err
	}
}
