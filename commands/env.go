package commands

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/secretedit"
)

// EnvOptions are the inputs of `lain env`.
type EnvOptions struct{ cmdutil.SecretsEnv }

// NewCmdEnv builds `lain env` and its subcommands.
func NewCmdEnv(f *cmdutil.Factory) *cobra.Command {
	o := &EnvOptions{}
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Show and change the app's environment variables (the Secret <appname>-env)",
		Long: `Every container of the app loads the Secret <appname>-env as environment
variables. These commands show and change it as plain YAML (NAME: "value"),
on the current cluster; the first use creates it. A change reaches running
pods when they restart: --auto-pilot restarts the app gracefully after it.
The app's webhook is told which keys changed, never their values.`,
		Example: `  lain env show
  lain env edit
  lain env add DEBUG=false WORKERS=4
  lain env addfile prod.env
  lain --auto-pilot env edit   # restart gracefully afterwards`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "show",
			Short: "Print the app's environment variables as YAML (values included)",
			Example: `  lain env show
  lain env show > env.yaml   # then: lain env addfile env.yaml --overwrite`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return o.WithSession(cmd.Context(), f, secretedit.Env, func(s *secretedit.Session) error { return s.Show(cmd.Context(), "") })
			},
		},
		&cobra.Command{
			Use:   "edit",
			Short: "Edit the app's environment variables in $EDITOR, then apply them",
			Long: `Open <appname>-env as YAML in $EDITOR (else $VISUAL, else vi; notepad on
Windows). When you close it, lain checks the YAML (names must be valid
variable names, values strings), shows which keys are added, changed and
removed, asks to confirm on a terminal, and applies. An edit that has a
problem or that the cluster refuses is kept in a private file (its path is
printed) and the next lain env edit resumes from it.`,
			Example: `  lain env edit
  EDITOR="code --wait" lain env edit`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return o.WithSession(cmd.Context(), f, secretedit.Env, func(s *secretedit.Session) error { return s.Edit(cmd.Context(), "") })
			},
		},
		&cobra.Command{
			Use:   "add NAME=VALUE...",
			Short: "Set environment variables (added, or changed when they exist)",
			Example: `  lain env add DEBUG=false
  lain env add DATABASE_URL="mysql://app@db/app" WORKERS=4`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				values, err := secretedit.ParsePairs(args)
				if err != nil {
					return clierr.Usage("the environment was not changed:\n  "+err.Error(), "lain env add NAME=VALUE...")
				}
				return o.WithSession(cmd.Context(), f, secretedit.Env, func(s *secretedit.Session) error { return s.Set(cmd.Context(), values) })
			},
		},
		newCmdEnvAddfile(f, o),
	)
	return cmd
}

func newCmdEnvAddfile(f *cmdutil.Factory, o *EnvOptions) *cobra.Command {
	var overwrite bool
	cmd := &cobra.Command{
		Use:   "addfile FILE",
		Short: "Set the environment variables of a .env, YAML or JSON file",
		Long: `Set the variables of FILE: a flat map in a .yaml, .yml or .json file, or
KEY=VALUE lines (a .env file: export and quotes allowed; # starts a
comment, on its own line or after a value). Variables not in FILE stay,
unless --overwrite: then the environment becomes exactly FILE's.`,
		Example: `  lain env addfile prod.env
  lain env addfile env.yaml --overwrite`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := os.ReadFile(args[0])
			if err != nil {
				return clierr.Usage(fmt.Sprintf("%s: %v", args[0], err), "check the path")
			}
			values, warnings, err := secretedit.ParseEnvFile(args[0], text)
			if err != nil {
				return clierr.Usage(err.Error(), "fix the file, then run the command again")
			}
			if overwrite && len(values) == 0 {
				// An empty file (a redirect that failed) would remove every variable.
				return clierr.Usage(args[0]+" has no variables: with --overwrite it would remove every variable; the environment was not changed",
					"lain env edit   # to remove them all on purpose, leave {} in the editor")
			}
			return o.WithSession(cmd.Context(), f, secretedit.Env, func(s *secretedit.Session) error {
				for _, w := range warnings {
					fmt.Fprintln(o.IO.ErrOut, "warning: "+w)
				}
				if overwrite {
					return s.Replace(cmd.Context(), values)
				}
				return s.Set(cmd.Context(), values)
			})
		},
	}
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "make the environment exactly FILE's (remove the variables it does not have)")
	return cmd
}
