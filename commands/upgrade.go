package commands

// The launch-time update check and `lain upgrade` (issue 5). The work is in
// update/; this file decides when the check runs and wires the Factory in.

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/update"
)

// UpgradeOptions are the inputs of `lain upgrade` and of the launch check.
type UpgradeOptions struct {
	IO         *iostreams.IOStreams
	HTTPClient func() *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	CacheDir   string
	ConfigDir  string
	Build      cmdutil.BuildInfo
	Verbose    bool
	DryRun     bool

	Check    bool
	Version  string
	Force    bool
	Rollback bool

	// Process facts, filled by newUpgradeOptions; tests replace them so that
	// nothing touches the test binary.
	Executable func() (string, error)
	Args       []string
	Environ    []string
	Exec       func(path string, argv, env []string) error
}

// NewCmdUpgrade builds `lain upgrade`.
func NewCmdUpgrade(f *cmdutil.Factory) *cobra.Command {
	opts := &UpgradeOptions{}
	cmd := &cobra.Command{
		Use:   "upgrade [--check] [--version X] [--force] [--rollback]",
		Short: "Upgrade lain to the newest release (or check, or pick a version)",
		Long: `Replace this lain with the newest release from your team's release source
(built in; LAIN_UPDATE_URL overrides it). lain also does this by itself before
a command when it is too far behind; LAIN_NO_UPDATE=1 or --ignore-lint skips
that check.

Releases are verified before anything is replaced: the sha256 of the binary
must be in the release's checksums.txt, signed with the key built into lain,
and the new binary must run here (it is started once with --version). The
binary it replaces is kept beside it as lain.old: --rollback puts it back.
A download that stops half-way continues where it stopped the next time.
A GitLab package registry may need a token: LAIN_GITLAB_TOKEN (or
LAIN_GITLAB_DEPLOY_TOKEN, or CI_JOB_TOKEN in GitLab CI).`,
		Example: `  lain upgrade --check              # is there a newer lain?
  lain upgrade                      # install the newest release
  lain upgrade --version 1.4.2      # install this release
  lain upgrade --version 1.3.0 --force   # go back to an older one
  lain upgrade --rollback           # put back the lain the last upgrade replaced`,
		Args:                  cobra.NoArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fillUpgradeOptions(opts, f)
			return runUpgrade(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Check, "check", false, "only say whether a newer lain is available")
	cmd.Flags().StringVar(&opts.Version, "version", "", "install release `X` instead of the newest")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "allow a downgrade or reinstall, or replacing a development build")
	cmd.Flags().BoolVar(&opts.Rollback, "rollback", false, "put back the lain the last upgrade replaced (kept as lain.old beside it)")
	cmd.MarkFlagsMutuallyExclusive("rollback", "check")
	cmd.MarkFlagsMutuallyExclusive("rollback", "version")
	return cmd
}

func runUpgrade(ctx context.Context, opts *UpgradeOptions) error {
	o := opts.update()
	if opts.Rollback {
		return update.Rollback(ctx, o)
	}
	// No time limit here: the user asked, and a slow link may take a
	// while; update.Upgrade gives up on a server that stops sending, and
	// Ctrl-C cancels ctx (the part downloaded so far is kept).
	client := *o.HTTPClient
	client.Timeout = 0
	o.HTTPClient = &client
	return update.Upgrade(ctx, o, update.Request{Check: opts.Check, Version: opts.Version, Force: opts.Force})
}

// checkForUpdate runs before every command (see root.go): the launch-time
// check of update.Launch, except where it must not run or cost anything.
func checkForUpdate(cmd *cobra.Command, f *cmdutil.Factory) error {
	if skipUpdateCheck(cmd, f) {
		return nil
	}
	opts := &UpgradeOptions{}
	fillUpgradeOptions(opts, f)
	return runLaunchCheck(cmd.Context(), opts)
}

func runLaunchCheck(ctx context.Context, opts *UpgradeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return update.Launch(ctx, opts.update())
}

// skipUpdateCheck: completion and Tab (must be instant), help, --version,
// `lain upgrade` itself, and the bypasses LAIN_NO_UPDATE=1 and
// --ignore-lint / LAIN_IGNORE_LINT (as in the original lain).
func skipUpdateCheck(cmd *cobra.Command, f *cmdutil.Factory) bool {
	if f.Globals.IgnoreLint || cmdutil.Truthy(f.Getenv(update.EnvNoUpdate)) {
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

func fillUpgradeOptions(opts *UpgradeOptions, f *cmdutil.Factory) {
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

func (opts *UpgradeOptions) update() *update.Options {
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
