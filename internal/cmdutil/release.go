package cmdutil

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/rollout"
	"github.com/lain-cli/lain/internal/runner"
)

// ReleaseEnv is what the release commands (rollback, redeploy, wait,
// restart, update-image, delete, get-values, cherry, set-canary-group)
// touch besides their own flags.
type ReleaseEnv struct {
	IO        *iostreams.IOStreams
	Runner    runner.Runner
	Dir       string // the app
	DryRun    bool
	AutoPilot bool
	Now       func() time.Time
}

// FillRelease takes everything from the factory, after flags are parsed.
func (e *ReleaseEnv) FillRelease(f *Factory) error {
	e.IO, e.Runner, e.DryRun, e.AutoPilot, e.Now = f.IO, f.Runner(), f.Globals.DryRun, f.Globals.AutoPilot, f.Now
	d, err := os.Getwd()
	e.Dir = d
	return err
}

// App loads the app in Dir; an app without appname is reported like lint.
func (e *ReleaseEnv) App() (*app.App, error) {
	return LoadApp(e.Dir)
}

// History is the release's helm history; a missing release says how to
// deploy it.
func (e *ReleaseEnv) History(ctx context.Context, rel string) ([]release.Revision, error) {
	revs, err := release.History(ctx, e.Runner, rel)
	if err == release.ErrNotFound {
		return nil, clierr.Of(clierr.NotFound, fmt.Sprintf("release %s is not deployed in this namespace", rel), "lain deploy")
	}
	return revs, err
}

// Track follows the rollout of rel (or of the pods selected).
func (e *ReleaseEnv) Track(ctx context.Context, rel, selector string, timeout time.Duration) error {
	_, err := e.Tracker(rel, selector, timeout).Wait(ctx)
	return err
}

// Tracker watches the rollout of rel (or of the pods selected), printing
// to stderr.
func (e *ReleaseEnv) Tracker(rel, selector string, timeout time.Duration) *rollout.Tracker {
	return &rollout.Tracker{Runner: e.Runner, Out: e.IO.ErrOut, TTY: e.IO.IsStderrTTY(), Release: rel, Selector: selector, Timeout: timeout, Now: e.Now}
}
