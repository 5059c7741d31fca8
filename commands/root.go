// Package commands is lain's cobra command tree. Each file builds one command
// (or group): cobra binds flags into the command's Options, and a plain run
// function does the work, so tests construct Options directly.
package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolcheck"
	"github.com/lain-cli/lain/internal/toolerr"
)

// NewRootCmd builds the whole command tree on f.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	g := f.Globals
	root := &cobra.Command{
		Use:   "lain",
		Short: "Deploy your app to Kubernetes with helm, kubectl and docker, printing every command",
		Long: `lain gets your app onto Kubernetes with little effort. It drives helm, kubectl
and docker for you, prints every command it runs (so you can run them without
lain), and carries your team's cluster configuration inside itself.`,
		Example: `  lain use test          # point kubectl at the "test" cluster
  lain --help             # every command
  lain completion --help  # Tab completion for your shell`,
		Version:                    f.Build.Version,
		SilenceErrors:              true,
		SilenceUsage:               true,
		Args:                       cobra.ArbitraryArgs,
		SuggestionsMinimumDistance: 2,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return unknownCommand(cmd, args[0])
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			applyEnvDefaults(cmd, f)
			if isCompletionRequest(cmd) {
				return nil
			}
			if err := f.CheckForUpdate(cmd); err != nil {
				return err
			}
			if cmd.Annotations[cmdutil.ValuesOwnAnnotation] == "" {
				if err := f.Globals.CopyStreamedValues(f.IO.In); err != nil {
					return err
				}
			}
			return f.SwitchForUseFlag(cmd.Context())
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetVersionTemplate(fmt.Sprintf("lain {{.Version}}\ncommit: %s\ngo: %s\n", f.Build.Commit, f.Build.GoVersion))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return clierr.Usage(err.Error(), c.CommandPath()+" --help")
	})

	pf := root.PersistentFlags()
	pf.BoolVarP(&g.Silent, "silent", "s", false, "print less: only the commands that change things")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "print more: every command lain runs and how it ended")
	pf.BoolVar(&g.IgnoreLint, "ignore-lint", false, "skip lint and the update check (env LAIN_IGNORE_LINT)")
	pf.BoolVar(&g.RemoteDocker, "remote-docker", false, "use the cluster's remote docker daemon (env LAIN_REMOTE_DOCKER)")
	pf.StringArrayVarP(&g.Values, "values", "f", nil, "extra helm values `FILE` (repeatable; - or <(...) reads a pipe)")
	pf.StringVar(&g.Use, "use", "", "switch to `CLUSTER` before running the command")
	root.RegisterFlagCompletionFunc("use", completions.Clusters(f.ClusterSource))
	pf.BoolVarP(&g.AutoPilot, "auto-pilot", "a", false, "fix what can be fixed without asking (build missing images, roll back stuck releases)")
	pf.BoolVar(&g.DryRun, "dry-run", false, "print the commands that would change things instead of running them")

	for _, c := range []*cobra.Command{
		NewCmdCompletion(f),
		NewCmdUpgrade(f),
		NewCmdUse(f),
		NewCmdDoctor(f),
		NewCmdInit(f), NewCmdLint(f), NewCmdTemplate(f),
		NewCmdBuild(f), NewCmdPrepare(f), NewCmdPush(f), NewCmdRun(f), NewCmdSave(f),
		NewCmdImage(f), NewCmdCompose(f), NewCmdVersion(f),
		NewCmdDeploy(f), NewCmdRollback(f), NewCmdRedeploy(f), NewCmdUpdateImage(f), NewCmdRestart(f),
		NewCmdWait(f), NewCmdDelete(f), NewCmdGetValues(f), NewCmdCherry(f), NewCmdSetCanaryGroup(f),
		NewCmdAdmin(f),
		NewCmdStatus(f), NewCmdLogs(f), NewCmdX(f), NewCmdJob(f), NewCmdCreateJob(f), NewCmdEnv(f), NewCmdSecret(f),
		NewCmdAssignMR(f), NewCmdWaitMRApproval(f), NewCmdSendMsg(f),
	} {
		if c != nil {
			root.AddCommand(c)
		}
	}
	return root
}

// isCompletionRequest is true for Tab completion (cobra's hidden
// __complete commands) and `lain completion`: they must answer at once.
func isCompletionRequest(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "completion":
			return true
		}
	}
	return false
}

// applyEnvDefaults fills flags the user did not give from their environment
// variables, as the original lain did.
func applyEnvDefaults(cmd *cobra.Command, f *cmdutil.Factory) {
	fl := cmd.Flags()
	if !fl.Changed("ignore-lint") && cmdutil.Truthy(f.Getenv("LAIN_IGNORE_LINT")) {
		f.Globals.IgnoreLint = true
	}
	if !fl.Changed("remote-docker") && cmdutil.Truthy(f.Getenv("LAIN_REMOTE_DOCKER")) {
		f.Globals.RemoteDocker = true
	}
}

func unknownCommand(cmd *cobra.Command, name string) error {
	next := cmd.CommandPath() + " --help"
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		next = cmd.CommandPath() + " " + s[0]
		return clierr.Usage(fmt.Sprintf("unknown command %q; did you mean %q?", name, s[0]), next)
	}
	return clierr.Usage(fmt.Sprintf("unknown command %q", name), next)
}

// Execute runs the command line args on f and returns the error to print
// (already explained for the user) or nil.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) error {
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	f.Globals.CleanupValues()
	helpCmd := "lain --help"
	if c, _, ferr := root.Find(args); ferr == nil {
		helpCmd = c.CommandPath() + " --help"
	}
	return explain(err, f, helpCmd)
}

// explain turns errors from lower layers into what the user should do.
func explain(err error, f *cmdutil.Factory, helpCmd string) error {
	if err == nil {
		return nil
	}
	var nf *runner.NotFoundError
	if errors.As(err, &nf) {
		return toolcheck.Missing(nf.Name, f.Platform)
	}
	if errors.Is(err, context.Canceled) {
		return clierr.ErrInterrupted
	}
	// cobra's own argument errors ("accepts 1 arg(s), received 2").
	if msg := err.Error(); strings.HasPrefix(msg, "accepts ") || strings.HasPrefix(msg, "requires ") || strings.HasPrefix(msg, "invalid argument") {
		return clierr.Usage(msg, helpCmd)
	}
	// A helm or kubectl failure that came up without a next step gets the
	// one that fits its cause.
	return toolerr.Explain(err)
}
