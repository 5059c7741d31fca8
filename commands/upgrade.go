package commands

// Placeholder for issue 5 (self-update): the launch-time update check and
// `lain upgrade`. root.go already calls both.

import (
	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/cmdutil"
)

// checkForUpdate runs before every command (see root.go); it must skip
// completion, __complete*, help, --version and upgrade itself.
func checkForUpdate(_ *cobra.Command, _ *cmdutil.Factory) error { return nil }

// NewCmdUpgrade builds `lain upgrade`; nil until issue 5 lands.
func NewCmdUpgrade(_ *cmdutil.Factory) *cobra.Command { return nil }
