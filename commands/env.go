package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/secretedit"
	"github.com/lain-cli/lain/internal/webhook"
	"github.com/lain-cli/lain/prompts"
)

// SecretsOptions are the inputs of `lain env` and `lain secret`.
type SecretsOptions struct {
	AppOnCluster
	Prompter  prompts.Prompter
	Getenv    func(string) string
	GOOS      string
	KeptDir   string // where edits that were not applied are kept
	HTTP      *http.Client
	AutoPilot bool
	DryRun    bool
}

func (o *SecretsOptions) fill(f *cmdutil.Factory) error {
	if err := o.fillFrom(f); err != nil {
		return err
	}
	o.Prompter, o.Getenv, o.GOOS, o.HTTP = f.Prompter, f.Getenv, f.Platform.GOOS, f.HTTPClient()
	o.AutoPilot, o.DryRun = f.Globals.AutoPilot, f.Globals.DryRun
	o.KeptDir = secretedit.KeptDir(f.Getenv, f.HomeDir(), f.Platform.GOOS)
	return nil
}

// session is the edit session of the app's Secret of kind.
func (o *SecretsOptions) session(ctx context.Context, kind secretedit.Kind) (*secretedit.Session, error) {
	ra, err := o.load(ctx)
	if err != nil {
		return nil, err
	}
	editor, err := secretedit.EditorCommand(o.Getenv, o.GOOS)
	if err != nil {
		return nil, err
	}
	return &secretedit.Session{
		Kind: kind, App: ra.app.Name, Cluster: ra.cluster.Cluster,
		IO: o.IO, Prompter: o.Prompter, Kube: ra.kube, Runner: o.Runner, Editor: editor,
		KeptDir: o.KeptDir, DryRun: o.DryRun,
		User: changeAuthor(o.Getenv), Webhook: webhook.FromValues(ra.values), HTTP: o.HTTP,
		AutoPilot: o.AutoPilot,
		Restart:   func(ctx context.Context) error { return restartGracefully(ctx, ra) },
		Deployed: func(ctx context.Context) bool {
			st, err := ra.kube.AppState(ctx, ra.app.Name)
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
func restartGracefully(ctx context.Context, ra *runningApp) error {
	st, err := ra.state(ctx)
	if err != nil {
		return err
	}
	for _, w := range st.Workloads {
		if w.Kind != "Deployment" && w.Kind != "StatefulSet" {
			continue
		}
		if err := ra.kube.RolloutRestart(ctx, strings.ToLower(w.Kind), w.Name, 600); err != nil {
			if ctxErr(err) {
				return err
			}
			return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("the change is applied, but restarting %s failed: %v", w.Short(), err), "lain status   # what is wrong with the new pods")
		}
	}
	return nil
}

// NewCmdEnv builds `lain env` and its subcommands.
func NewCmdEnv(f *cmdutil.Factory) *cobra.Command {
	o := &SecretsOptions{}
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
				return withSession(cmd, f, o, secretedit.Env, func(s *secretedit.Session) error { return s.Show(cmd.Context(), "") })
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
				return withSession(cmd, f, o, secretedit.Env, func(s *secretedit.Session) error { return s.Edit(cmd.Context(), "") })
			},
		},
		&cobra.Command{
			Use:   "add NAME=VALUE...",
			Short: "Set environment variables (added, or changed when they exist)",
			Example: `  lain env add DEBUG=false
  lain env add DATABASE_URL="mysql://app@db/app" WORKERS=4`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				values := map[string][]byte{}
				for _, a := range args {
					k, v, ok := strings.Cut(a, "=")
					if !ok || k == "" {
						return clierr.Usage(fmt.Sprintf("%q is not NAME=VALUE", a), "lain env add NAME=VALUE...")
					}
					values[k] = []byte(v)
				}
				return withSession(cmd, f, o, secretedit.Env, func(s *secretedit.Session) error { return s.Set(cmd.Context(), values) })
			},
		},
		newCmdEnvAddfile(f, o),
	)
	return cmd
}

func newCmdEnvAddfile(f *cmdutil.Factory, o *SecretsOptions) *cobra.Command {
	var overwrite bool
	cmd := &cobra.Command{
		Use:   "addfile FILE",
		Short: "Set the environment variables of a .env, YAML or JSON file",
		Long: `Set the variables of FILE: a flat map in a .yaml, .yml or .json file, or
KEY=VALUE lines (a .env file). Variables not in FILE stay, unless
--overwrite: then the environment becomes exactly FILE's.`,
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
			return withSession(cmd, f, o, secretedit.Env, func(s *secretedit.Session) error {
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

// withSession fills o and runs fn on the session of kind.
func withSession(cmd *cobra.Command, f *cmdutil.Factory, o *SecretsOptions, kind secretedit.Kind, fn func(*secretedit.Session) error) error {
	if err := o.fill(f); err != nil {
		return err
	}
	s, err := o.session(cmd.Context(), kind)
	if err != nil {
		return err
	}
	return fn(s)
}
