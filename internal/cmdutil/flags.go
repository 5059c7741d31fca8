package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
)

// ForceHint explains -f on commands whose original had -f/--force: here -f
// is the global --values FILE, so `lain save -f` would want a file.
func ForceHint(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if strings.Contains(err.Error(), "'f'") || strings.Contains(err.Error(), "-f") {
			return clierr.Usage(err.Error()+": -f is lain's --values FILE option on every command; to overwrite, use --force", c.CommandPath()+" --force")
		}
		return clierr.Usage(err.Error(), c.CommandPath()+" --help")
	})
}

// SplitAtDash separates the arguments before and after --.
func SplitAtDash(cmd *cobra.Command, args []string) (before, after []string) {
	if d := cmd.ArgsLenAtDash(); d >= 0 {
		return args[:d], args[d:]
	}
	return args, nil
}
