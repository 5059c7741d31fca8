package deploy

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/render"
	"github.com/lain-cli/lain/internal/webhook"
)

// Env is what a deploy touches besides its flags; the deploy, redeploy,
// build --deploy and set-canary-group commands fill it from their set-up.
type Env struct {
	render.Source
	IO        *iostreams.IOStreams
	DryRun    bool
	Transport http.RoundTripper // webhook and merge request notes
	// Registry is the image registry of a cluster; nil: no image check.
	Registry func(*clusterconfig.Config) Registry
	// Build builds and pushes the commit's image of tag (deploy --build,
	// --auto-pilot); nil: a missing image stops the deploy.
	Build func(ctx context.Context, tag string) error
	// Notify replaces the app's webhook (tests); nil: the webhook of the
	// app's values, when it has one for the cluster.
	Notify func(ctx context.Context, r Result) error
}

// Flags are a deploy's choices.
type Flags struct {
	Sets        []string // --set k=v
	Build       bool     // --build: build and push a missing image
	Canary      bool
	Wait        bool
	DeleteAfter string
	Timeout     int
	IgnoreLint  bool
	AutoPilot   bool
	// Promote is set-canary-group --final (see Request.Promote).
	Promote bool
}

// Run is lain deploy: load the app once, lint what helm renders (unless
// IgnoreLint), deploy it, and schedule its deletion (DeleteAfter).
func Run(ctx context.Context, e Env, f Flags) (Result, error) {
	if err := helmargs.CheckSets(f.Sets); err != nil {
		return Result{}, err
	}
	// The namespace's state needs nothing of the app: ask for it first, so
	// that it runs beside git and the render.
	var bg sync.WaitGroup
	defer bg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var namespace *async[[]release.Table]
	if release.InSecrets(e.Getenv) {
		namespace = start(&bg, func() ([]release.Table, error) { return readNamespace(ctx, e.Runner, e.Getenv, f.Wait && !e.DryRun) })
	}
	t, err := render.Load(ctx, e.Source, f.Canary)
	if err != nil {
		return Result{}, err
	}
	defer t.Close()
	q := &Request{App: t.App, Cluster: t.Cluster, Helm: t.Helm, Values: t.Merged(), Sets: f.Sets,
		Canary: f.Canary, Promote: f.Promote, AutoPilot: f.AutoPilot, Wait: f.Wait, DryRun: e.DryRun, Timeout: f.Timeout}
	if f.Build || f.AutoPilot {
		q.Build = e.Build
	}
	d := &Deployer{Runner: e.Runner, Out: e.IO.Out, ErrOut: e.IO.ErrOut, TTY: e.IO.IsStderrTTY(), Getenv: e.Getenv, Notify: e.Notify, namespace: namespace}
	if e.Registry != nil {
		d.Registry = e.Registry(t.Cluster)
	}
	if d.Notify == nil {
		if wh := webhook.FromValues(q.Values); wh.For(t.Cluster.Cluster) {
			client := &http.Client{Transport: e.Transport}
			user := t.Helm.User
			d.Notify = func(ctx context.Context, r Result) error {
				return webhook.Send(ctx, client, wh, Message(r, user))
			}
		}
	}
	if note, why := MRNoteFromCI(e.Getenv, q.Values, t.Cluster, &http.Client{Transport: e.Transport}, e.Runner, t.App.Dir, t.Helm.RepoURL, e.IO.ErrOut); note != nil {
		d.MRNote = note.Post
	} else if why != "" {
		fmt.Fprintf(e.IO.ErrOut, "warning: gitlab_mr_note: no note on the merge request: %s\n", why)
	}
	if !f.IgnoreLint {
		d.Lint = func(ctx context.Context) ([]byte, error) {
			rendered, err := applint.Run(ctx, applint.Input{Target: t, Runner: e.Runner, Release: q.ReleaseName(), Extra: render.SetArgs(f.Sets), ErrOut: e.IO.ErrOut})
			if err == nil {
				fmt.Fprintf(e.IO.ErrOut, "lint: %s is ready to deploy to %s\n", t.App.Name, t.Cluster.Cluster)
			}
			return rendered, err
		}
	}
	res, err := d.Deploy(ctx, q)
	if err != nil {
		return res, err
	}
	if f.DeleteAfter != "" {
		return res, ScheduleDelete(ctx, e.Runner, t.Cluster, t.App.Name, []string{q.ReleaseName()}, f.DeleteAfter, e.IO.ErrOut)
	}
	return res, nil
}

// Message is the webhook message of a deploy: app, cluster, user, image,
// previous revision and result (never values).
func Message(r Result, user string) webhook.Message {
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
