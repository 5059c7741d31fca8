package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
	"github.com/lain-cli/lain/prompts"
)

// DeleteOptions are the inputs of `lain delete`.
type DeleteOptions struct {
	cmdutil.ReleaseEnv
	Prompter prompts.Prompter
	Releases []string // "" the app's
	Force    bool
	Purge    bool
	After    string
	// Cluster is the current cluster's config (for --after).
	Cluster func(appDir string) (*clusterconfig.Config, error)
}

// NewCmdDelete builds `lain delete`.
func NewCmdDelete(f *cmdutil.Factory) *cobra.Command {
	o := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete [RELEASE]...",
		Short: "Delete the app from the cluster (helm uninstall)",
		Long: `Uninstall the app's release (or the releases given). On a terminal lain asks
first; elsewhere --force is required. --purge also deletes the Secrets
<appname>-env and <appname>-secret, which helm does not own.

--after DELAY deletes later instead: lain has no server side, so a Job
<release>-delete-job in the cluster waits and then runs lain delete, with
the team's lain image <registry>/lain:latest (as the original lain did;
publish one that carries your cluster values and kubeconfigs). Running it
again replaces the countdown; kubectl delete job cancels it.`,
		Example: `  lain delete
  lain delete --force --purge
  lain delete hello-canary --force
  lain delete --after 2h       # review apps: delete in two hours`,
		ValidArgsFunction: completions.Releases(f.ReleaseLister()),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.FillRelease(f); err != nil {
				return err
			}
			o.Prompter, o.Releases, o.Cluster = f.Prompter, args, f.CurrentCluster
			return runDelete(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Force, "force", false, "do not ask")
	fl.BoolVar(&o.Purge, "purge", false, "also delete the Secrets <appname>-env and <appname>-secret")
	fl.StringVar(&o.After, "after", "", "delete after `DELAY` (30m, 2h, 1d) instead of now, by a countdown Job in the cluster that runs the team's lain image")
	return cmd
}

func runDelete(ctx context.Context, o *DeleteOptions) error {
	rels := o.Releases
	var appname string
	if a, err := o.App(); err == nil {
		appname = a.Name
		if len(rels) == 0 {
			rels = []string{a.Release}
		}
	} else if len(rels) == 0 {
		return err
	}
	if o.After != "" {
		cfg, err := o.Cluster(o.Dir)
		if err != nil {
			return err
		}
		return deploy.ScheduleDelete(ctx, o.Runner, cfg, appname, rels, o.After, o.IO.ErrOut)
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
			return toolerr.Failed("helm uninstall "+rel+" failed (its message is above)", err, "helm list")
		}
	}
	if o.Purge && appname != "" {
		if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"delete", "secret", appname + "-env", appname + "-secret", "--ignore-not-found"}, Mutates: true}); err != nil {
			return err
		}
	}
	return nil
}
