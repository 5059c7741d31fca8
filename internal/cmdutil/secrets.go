package cmdutil

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/secretedit"
	"github.com/lain-cli/lain/internal/webhook"
	"github.com/lain-cli/lain/prompts"
)

// SecretsEnv is what `lain env` and `lain secret` share: the app on its
// cluster and how its Secrets are edited.
type SecretsEnv struct {
	AppOnCluster
	Prompter  prompts.Prompter
	Getenv    func(string) string
	GOOS      string
	KeptDir   string // where edits that were not applied are kept
	HTTP      *http.Client
	AutoPilot bool
	DryRun    bool
}

// Fill takes everything from the factory, after flags are parsed.
func (o *SecretsEnv) Fill(f *Factory) error {
	if err := o.AppOnCluster.Fill(f); err != nil {
		return err
	}
	o.Prompter, o.Getenv, o.GOOS, o.HTTP = f.Prompter, f.Getenv, f.Platform.GOOS, f.HTTPClient()
	o.AutoPilot, o.DryRun = f.Globals.AutoPilot, f.Globals.DryRun
	o.KeptDir = secretedit.KeptDir(f.Getenv, f.HomeDir(), f.Platform.GOOS)
	return nil
}

// session is the edit session of the app's Secret of kind.
func (o *SecretsEnv) session(ctx context.Context, kind secretedit.Kind) (*secretedit.Session, error) {
	ra, err := o.Load(ctx)
	if err != nil {
		return nil, err
	}
	editor, err := secretedit.EditorCommand(o.Getenv, o.GOOS)
	if err != nil {
		return nil, err
	}
	return &secretedit.Session{
		Kind: kind, App: ra.App.Name, Cluster: ra.Config.Cluster,
		IO: o.IO, Prompter: o.Prompter, Kube: ra.Kube, Runner: o.Runner, Editor: editor,
		KeptDir: o.KeptDir, DryRun: o.DryRun,
		User: changeAuthor(o.Getenv), Webhook: webhook.FromValues(ra.Values), HTTP: o.HTTP,
		AutoPilot: o.AutoPilot,
		Restart:   func(ctx context.Context) error { return restartGracefully(ctx, ra) },
		Deployed: func(ctx context.Context) bool {
			st, err := ra.Kube.AppState(ctx, ra.App.Name)
			return err != nil || st.Deployed() // unknown: do not claim it is not
		},
	}, nil
}

// changeAuthor is who the webhook says made a change: $USER, or the GitLab
// user of a CI job.
func changeAuthor(getenv func(string) string) string {
	for _, k := range []string{"USER", "USERNAME", "GITLAB_USER_NAME"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// restartGracefully restarts each Deployment and StatefulSet of the app in
// turn, the way its update strategy says, waiting for each rollout.
func restartGracefully(ctx context.Context, ra *RunningApp) error {
	st, err := ra.State(ctx)
	if err != nil {
		return err
	}
	for _, w := range st.Workloads {
		if w.Kind != "Deployment" && w.Kind != "StatefulSet" {
			continue
		}
		if err := ra.Kube.RolloutRestart(ctx, strings.ToLower(w.Kind), w.Name, 600); err != nil {
			if clierr.Interrupted(err) {
				return err
			}
			return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("the change is applied, but restarting %s failed: %v", w.Short(), err), "lain status   # what is wrong with the new pods")
		}
	}
	return nil
}

// WithSession fills o and runs fn on the session of the app's Secret of
// kind.
func (o *SecretsEnv) WithSession(ctx context.Context, f *Factory, kind secretedit.Kind, fn func(*secretedit.Session) error) error {
	if err := o.Fill(f); err != nil {
		return err
	}
	s, err := o.session(ctx, kind)
	if err != nil {
		return err
	}
	return fn(s)
}
