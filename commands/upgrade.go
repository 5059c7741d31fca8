package commands

// `lain upgrade` (issue 5). The work is in update/; the launch-time check
// that runs before every command is internal/cmdutil's CheckForUpdate.

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/update"
)

// UpgradeOptions are the inputs of `lain upgrade`.
type UpgradeOptions struct {
	cmdutil.UpdateEnv

	Check    bool
	Version  string
	Force    bool
	Rollback bool
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
			opts.FillUpdate(f)
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
	o := opts.UpdateOptions()
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
