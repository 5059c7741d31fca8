package cmdutil

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/update"
)

// UpdateEnv is what `lain upgrade` and the launch-time update check touch.
type UpdateEnv struct {
	IO         *iostreams.IOStreams
	HTTPClient func() *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	CacheDir   string
	ConfigDir  string
	Build      BuildInfo
	Verbose    bool
	DryRun     bool

	// Process facts, filled by FillUpdate; tests replace them so that
	// nothing touches the test binary.
	Executable func() (string, error)
	Args       []string
	Environ    []string
	Exec       func(path string, argv, env []string) error
}

// CheckForUpdate runs before every command (see commands/root.go): the
// launch-time check of update.Launch, except where it must not run or cost
// anything.
func (f *Factory) CheckForUpdate(cmd *cobra.Command) error {
	if skipUpdateCheck(cmd, f) {
		return nil
	}
	e := &UpdateEnv{}
	e.FillUpdate(f)
	return runLaunchCheck(cmd.Context(), e)
}

func runLaunchCheck(ctx context.Context, opts *UpdateEnv) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return update.Launch(ctx, opts.UpdateOptions())
}

// skipUpdateCheck: completion and Tab (must be instant), help, --version,
// `lain upgrade` itself, and the bypasses LAIN_NO_UPDATE=1 and
// --ignore-lint / LAIN_IGNORE_LINT (as in the original lain).
func skipUpdateCheck(cmd *cobra.Command, f *Factory) bool {
	if f.Globals.IgnoreLint || Truthy(f.Getenv(update.EnvNoUpdate)) {
		return true
	}
	if f.Build.UpdateURL == "" && f.Getenv(update.EnvURL) == "" {
		return true // no update source: a dev build does nothing
	}
	for c := cmd; c != nil; c = c.Parent() {
		if n := c.Name(); n == "completion" || n == "help" || n == "upgrade" || strings.HasPrefix(n, "__complete") {
			return true
		}
	}
	if v := cmd.Flags().Lookup("version"); v != nil && v.Changed {
		return true
	}
	// Bare `lain` prints help. (`lain foo` does check: a newer lain may
	// know the command.)
	return !cmd.HasParent() && cmd.Flags().NArg() == 0
}

// FillUpdate takes everything from the factory; the process facts only
// where a test has not set them.
func (opts *UpdateEnv) FillUpdate(f *Factory) {
	opts.IO, opts.HTTPClient, opts.Now, opts.Getenv = f.IO, f.HTTPClient, f.Now, f.Getenv
	opts.CacheDir, opts.Build, opts.Verbose, opts.DryRun = f.CacheDir(), f.Build, f.Globals.Verbose, f.Globals.DryRun
	if opts.ConfigDir == "" {
		opts.ConfigDir = update.ConfigDir(f.Getenv, f.Platform.GOOS)
	}
	if opts.Executable == nil {
		opts.Executable = os.Executable
	}
	if opts.Args == nil {
		opts.Args = os.Args
	}
	if opts.Environ == nil && f.Environ != nil {
		opts.Environ = f.Environ()
	}
}

// UpdateOptions are the options of the update package.
func (opts *UpdateEnv) UpdateOptions() *update.Options {
	o := &update.Options{
		IO: opts.IO, HTTPClient: opts.HTTPClient(), Now: opts.Now, Getenv: opts.Getenv,
		CacheDir: opts.CacheDir, ConfigDir: opts.ConfigDir, Verbose: opts.Verbose, DryRun: opts.DryRun,
		Version: opts.Build.Version,
		Config:  update.ConfigFrom(opts.Build.UpdateURL, opts.Build.UpdatePublicKey, opts.Getenv),
		GOOS:    runtime.GOOS, GOARCH: runtime.GOARCH,
		Executable: opts.Executable, Args: opts.Args, Environ: opts.Environ, Exec: opts.Exec,
	}
	update.DefaultOptions(o)
	return o
}
