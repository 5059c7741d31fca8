package commands

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/prompts"
)

// scheduleDelete is deploy --delete-after: not done by this lain yet; it
// says how to do it by hand rather than silently ignoring the flag.
func scheduleDelete(_ context.Context, _ runner.Runner, appname, after string, w io.Writer) error {
	d, err := time.ParseDuration(after)
	if err != nil {
		return clierr.Usage(fmt.Sprintf("--delete-after %q: not a duration (e.g. 30m, 2h)", after), "lain deploy --delete-after 2h")
	}
	fmt.Fprintf(w, "note: this lain does not schedule deletion yet; delete %s after %s with: lain delete --force\n", appname, d)
	return nil
}

// DeleteOptions are the inputs of `lain delete`.
type DeleteOptions struct {
	ReleaseEnv
	Prompter prompts.Prompter
	Releases []string // "" the app's
	Force    bool
	Purge    bool
	After    string
}

// NewCmdDelete builds `lain delete`.
func NewCmdDelete(f *cmdutil.Factory) *cobra.Command {
	o := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete [RELEASE]...",
		Short: "Delete the app from the cluster (helm uninstall)",
		Long: `Uninstall the app's release (or the releases given). On a terminal lain asks
first; elsewhere --force is required. --purge also deletes the Secrets
<appname>-env and <appname>-secret, which helm does not own.`,
		Example: `  lain delete
  lain delete --force --purge
  lain delete hello-canary --force`,
		ValidArgsFunction: completions.Releases(releaseLister(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.fillRelease(f); err != nil {
				return err
			}
			o.Prompter, o.Releases = f.Prompter, args
			return runDelete(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Force, "force", false, "do not ask")
	fl.BoolVar(&o.Purge, "purge", false, "also delete the Secrets <appname>-env and <appname>-secret")
	fl.StringVar(&o.After, "after", "", "delete after `DURATION` instead of now (not supported yet)")
	return cmd
}

func runDelete(ctx context.Context, o *DeleteOptions) error {
	rels := o.Releases
	var appname string
	if a, err := o.app(); err == nil {
		appname = a.Name
		if len(rels) == 0 {
			rels = []string{a.Release}
		}
	} else if len(rels) == 0 {
		return err
	}
	if o.After != "" {
		return scheduleDelete(ctx, o.Runner, strings.Join(rels, " "), o.After, o.IO.ErrOut)
	}
	if !o.Force && !o.DryRun {
		if !o.IO.CanPrompt() {
			return prompts.NeedFlag("confirmation to delete "+strings.Join(rels, ", "), "--force")
		}
		ok, err := o.Prompter.Confirm(fmt.Sprintf("Delete %s from this cluster?", strings.Join(rels, ", ")), false)
		if err != nil {
			return err
		}
		if !ok {
			return clierr.New("not deleted", "")
		}
	}
	for _, rel := range rels {
		if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"uninstall", rel}, Mutates: true}); err != nil {
			return clierr.New("helm uninstall "+rel+" failed (its message is above)", "helm list")
		}
	}
	if o.Purge && appname != "" {
		if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "secret", appname + "-env", appname + "-secret", "--ignore-not-found"}, Mutates: true}); err != nil {
			return err
		}
	}
	return nil
}
