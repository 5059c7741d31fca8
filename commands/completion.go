package commands

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// CompletionOptions are the inputs of `lain completion`.
type CompletionOptions struct {
	Out   io.Writer
	Shell string
	Root  *cobra.Command
}

// NewCmdCompletion builds `lain completion SHELL`.
func NewCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the Tab-completion script for your shell",
		Long: `Print the script that makes Tab complete lain's commands, flags, clusters,
procs and more. Load it once in your shell's start-up file:

  bash        echo 'source <(lain completion bash)' >> ~/.bashrc
              (needs the bash-completion package: brew install bash-completion@2
              or sudo apt-get install bash-completion)
  zsh         echo 'source <(lain completion zsh)' >> ~/.zshrc
              (with "autoload -U compinit; compinit" earlier in ~/.zshrc)
  fish        lain completion fish > ~/.config/fish/completions/lain.fish
  powershell  lain completion powershell | Out-String | Invoke-Expression
              (add that line to $PROFILE to keep it)

Open a new shell afterwards.`,
		Example: `  source <(lain completion bash)
  lain completion zsh > "${fpath[1]}/_lain"`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		Args:                  cobra.ExactArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompletion(&CompletionOptions{Out: f.IO.Out, Shell: args[0], Root: cmd.Root()})
		},
	}
}

func runCompletion(o *CompletionOptions) error {
	switch o.Shell {
	case "bash":
		return o.Root.GenBashCompletionV2(o.Out, true)
	case "zsh":
		return o.Root.GenZshCompletion(o.Out)
	case "fish":
		return o.Root.GenFishCompletion(o.Out, true)
	case "powershell":
		return o.Root.GenPowerShellCompletionWithDesc(o.Out)
	}
	return clierr.Usage(fmt.Sprintf("unknown shell %q: lain completes bash, zsh, fish and powershell", o.Shell), "lain completion bash")
}
