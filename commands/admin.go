package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/prompts"
)

// AdminOptions are the inputs every `lain admin` command shares.
type AdminOptions struct {
	IO       *iostreams.IOStreams
	Runner   runner.Runner
	Prompter prompts.Prompter
	// Cluster loads the current cluster's values (registry, ignore lists).
	Cluster func(appDir string) (*clusterconfig.Config, error)
	HTTP    *http.Client
	Getenv  func(string) string
	DryRun  bool
	Yes     bool // --yes: do not ask before deleting
}

func (o *AdminOptions) fillFrom(f *cmdutil.Factory) {
	o.IO, o.Runner, o.Prompter, o.Cluster = f.IO, f.Runner(), f.Prompter, f.CurrentCluster
	o.HTTP, o.Getenv, o.DryRun = f.HTTPClient(), f.Getenv, f.Globals.DryRun
}

func (o *AdminOptions) kubectl() admin.Kubectl { return admin.Kubectl{Runner: o.Runner} }

// confirm asks before something destructive: not under --dry-run or
// --yes; off a terminal (or CI=true) it refuses, naming --yes.
func (o *AdminOptions) confirm(question, what string) error {
	if o.DryRun || o.Yes {
		return nil
	}
	if !o.IO.CanPrompt() {
		return prompts.NeedFlag("confirmation to "+what, "--yes (or --dry-run to see what would be deleted)")
	}
	ok, err := o.Prompter.Confirm(question, false)
	if err != nil {
		return err
	}
	if !ok {
		return clierr.New("nothing deleted", "")
	}
	return nil
}

// deleteTargets says why targets are to be deleted, asks once, then
// deletes each (printed; under --dry-run only printed).
func (o *AdminOptions) deleteTargets(ctx context.Context, why string, targets []admin.Target) error {
	var names []string
	for _, t := range targets {
		names = append(names, t.Kind+" "+t.Namespace+"/"+t.Name)
	}
	fmt.Fprintf(o.IO.ErrOut, "%s: %s\n", why, strings.Join(names, ", "))
	if err := o.confirm(map[bool]string{true: "Delete it?", false: fmt.Sprintf("Delete these %d?", len(targets))}[len(targets) == 1], "delete "+strings.Join(names, ", ")); err != nil {
		return err
	}
	for _, t := range targets {
		if err := o.kubectl().Mutate(ctx, "delete", t.Kind, t.Name, "-n", t.Namespace, "--ignore-not-found", "--wait=false"); err != nil {
			return err
		}
	}
	return nil
}

// prober asks URLs through the factory's HTTP transport, or straight to
// via (the ingress controller's address) when given.
func (o *AdminOptions) prober(via string) admin.Prober {
	if via == "" && o.HTTP != nil {
		return admin.Prober{Transport: o.HTTP.Transport}
	}
	return admin.Prober{Via: via}
}

func addYesFlag(cmd *cobra.Command, o *AdminOptions) {
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "do not ask before deleting (needed off a terminal and under CI)")
}

// NewCmdAdmin builds `lain admin`, the cluster operator's commands.
func NewCmdAdmin(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "The cluster operator's commands: cluster health, cleanup, registry",
		Long: `Commands for the person who runs the cluster, not for app developers.
They read every namespace your kubeconfig may read; those that delete
print what they delete, honour --dry-run, and ask first on a terminal
(--yes skips the question, and is needed off a terminal or under CI).`,
		Example: `  lain admin status -s                  # the whole cluster, once; exit 1 when something is wrong
  lain admin delete-bad-pod --dry-run   # what it would delete
  lain admin cleanup-registry --keep 20 --yes`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(
		newCmdAdminStatus(f),
		newCmdAdminDeleteBadPod(f),
		newCmdAdminDeleteBadIng(f),
		newCmdAdminGet(f),
		newCmdAdminX(f),
		newCmdAdminListSingletons(f),
		newCmdAdminListWaste(f),
		newCmdAdminListImages(f),
		newCmdAdminCleanupRegistry(f),
	)
	return cmd
}

// systemTerminalOut is stdout when it is a terminal the user watches.
func systemTerminalOut(f *cmdutil.Factory) *os.File {
	if f.IO.IsStdoutTTY() && f.IO.CanPrompt() {
		return os.Stdout
	}
	return nil
}

func addAllNamespacesFlag(cmd *cobra.Command, all *bool) {
	cmd.Flags().BoolVarP(all, "all-namespaces", "A", false, "every namespace, not only the current one")
}

// addViaFlag is for clusters whose ingress hosts do not resolve (or do not
// reach the controller) from where lain runs.
func addViaFlag(cmd *cobra.Command, via *string) {
	cmd.Flags().StringVar(via, "via", "", "send every URL probe to `HOST:PORT` (the ingress controller), with the URL's host")
}
