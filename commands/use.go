package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolcheck"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

// skewTimeout bounds the kubectl version check after a switch: a cluster
// behind a VPN that is down must not make `lain use` hang.
const skewTimeout = 3 * time.Second

// UseOptions are the inputs of `lain use`.
type UseOptions struct {
	IO       *iostreams.IOStreams
	Prompter prompts.Prompter
	Runner   runner.Runner
	Source   clusterconfig.Source
	Kube     kubehome.Home
	Platform tools.Platform

	Cluster    string // "" lists clusters (or asks, on a terminal)
	SetContext bool   // also set the kubeconfig's namespace from cluster values
	// FromFlag is true for --use on another command: say "already here"
	// and keep going.
	FromFlag bool
}

// NewCmdUse builds `lain use [CLUSTER]`.
func NewCmdUse(f *cmdutil.Factory) *cobra.Command {
	o := &UseOptions{}
	cmd := &cobra.Command{
		Use:   "use [CLUSTER]",
		Short: "Switch kubectl, helm and lain to another cluster",
		Long: `Point ~/.kube/config at ~/.kube/kubeconfig-CLUSTER (a symlink, so your shell
prompt can show the cluster). Without CLUSTER, pick one from a list on a
terminal, or print the clusters (* marks the current one, ! one whose
cluster values are broken) for scripts.

The clusters are the ones your team's lain carries (its cluster values);
each needs its kubeconfig saved as ~/.kube/kubeconfig-CLUSTER.`,
		Example: `  lain use test                 # switch to the "test" cluster
  lain use                      # pick from a list
  lain use prod --set-context   # also set the namespace from cluster values
  lain use | sed 's/^[*! ] //'  # cluster names, for scripts`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completions.FirstArg(completions.Clusters(f.ClusterSource)),
		RunE: func(cmd *cobra.Command, args []string) error {
			fillUseOptions(o, f)
			if len(args) == 1 {
				o.Cluster = args[0]
			}
			return runUse(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.SetContext, "set-context", false, "also set the kubeconfig's namespace from the cluster values")
	return cmd
}

func fillUseOptions(o *UseOptions, f *cmdutil.Factory) {
	o.IO, o.Prompter, o.Runner = f.IO, f.Prompter, f.Runner()
	o.Source, o.Kube, o.Platform = f.ClusterSource(), f.KubeHome(), f.Platform
}

func runUse(ctx context.Context, o *UseOptions) error {
	if o.Cluster == "" {
		return listOrPickCluster(ctx, o)
	}
	cl, err := o.Source.Load(o.Cluster)
	if err != nil {
		return err
	}
	printWarnings(o.IO.ErrOut, cl.Warnings)
	if !o.Kube.Has(o.Cluster) {
		return o.Kube.MissingError(o.Cluster)
	}
	if w := o.Kube.PermissionWarning(o.Cluster); w != "" {
		fmt.Fprintln(o.IO.ErrOut, "warning: "+w)
	}
	if o.Kube.Current() == o.Cluster {
		fmt.Fprintf(o.IO.ErrOut, "you are already on cluster %s\n", o.Cluster)
		if !o.SetContext {
			return nil
		}
	} else {
		sw, err := o.Kube.Switch(o.Cluster)
		if err != nil {
			return err
		}
		if sw.Backup != "" {
			fmt.Fprintf(o.IO.ErrOut, "your previous %s was not lain's: moved it to %s\n", o.Kube.ConfigPath(), sw.Backup)
		}
		line := "now on cluster " + o.Cluster
		if cl.Values.ExtraDocs != "" {
			line += ": " + cl.Values.ExtraDocs
		}
		if sw.Copied {
			line += " (copied: this system refused a symlink)"
		}
		fmt.Fprintln(o.IO.ErrOut, line)
	}
	if o.SetContext {
		ns := cl.Values.NamespaceOrDefault()
		if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"config", "set-context", "--current", "--namespace=" + ns}, Mutates: true}); err != nil {
			return err
		}
	}
	if !o.FromFlag {
		warnSkew(ctx, o)
	}
	return nil
}

// warnSkew checks kubectl against the new cluster; it only warns, since
// the user may be switching precisely to fix things.
func warnSkew(ctx context.Context, o *UseOptions) {
	ctx, cancel := context.WithTimeout(ctx, skewTimeout)
	defer cancel()
	chk := &toolcheck.Checker{Runner: o.Runner, Platform: o.Platform}
	v, err := chk.Kubectl(ctx, "--request-timeout=2s")
	var ce *clierr.Error
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(o.IO.ErrOut, "warning: %s\n  fix: %s\n", ce.Msg, ce.Next)
	case err == nil && v.Server == nil:
		fmt.Fprintf(o.IO.ErrOut, "warning: cluster %s did not answer within 2s (network or VPN?); check with: lain doctor\n", o.Cluster)
	}
}

func printWarnings(w io.Writer, ps []clusterconfig.Problem) {
	for _, p := range ps {
		fmt.Fprintln(w, "warning: "+p.String())
	}
}

// clusterChoice is one cluster as listed or offered.
type clusterChoice struct {
	name, docs string
	current    bool
	// broken is the first problem of a cluster values file that does not
	// load ("" when it loads): lain use CLUSTER would refuse it.
	broken string
}

func listOrPickCluster(ctx context.Context, o *UseOptions) error {
	names, err := o.Source.Clusters()
	if err != nil {
		return err
	}
	current := o.Kube.Current()
	var ready []clusterChoice
	var missing []string
	for _, n := range names {
		if !o.Kube.Has(n) {
			missing = append(missing, n)
			continue
		}
		c := clusterChoice{name: n, current: n == current}
		if cl, err := o.Source.Load(n); err == nil {
			c.docs = cl.Values.ExtraDocs
		} else {
			c.broken = brokenSummary(err)
			c.docs = "broken cluster values: " + c.broken
		}
		if c.current {
			ready = append([]clusterChoice{c}, ready...)
		} else {
			ready = append(ready, c)
		}
	}
	for _, n := range missing {
		fmt.Fprintf(o.IO.ErrOut, "cluster %s: no kubeconfig; get it from your password manager and save it as %s\n", n, o.Kube.KubeconfigPath(n))
	}
	for _, c := range ready {
		if c.broken != "" {
			fmt.Fprintf(o.IO.ErrOut, "cluster %s: broken cluster values, lain use %s will refuse it: %s\n  fix: %s\n", c.name, c.name, c.broken, brokenNext(o.Source))
		}
	}
	if len(ready) == 0 {
		return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("no cluster is ready to use: lain knows %d cluster(s) from %s, but none has its kubeconfig in %s", len(names), o.Source.Dir, o.Kube.Dir),
			"save a cluster's kubeconfig as ~/.kube/kubeconfig-CLUSTER, then: lain use CLUSTER")
	}
	if !o.IO.CanPrompt() {
		// stdout stays one name per line for scripts; broken clusters are
		// marked with "!" (and explained on stderr above).
		for _, c := range ready {
			mark := "  "
			switch {
			case c.current:
				mark = "* "
			case c.broken != "":
				mark = "! "
			}
			fmt.Fprintln(o.IO.Out, mark+c.name)
		}
		return nil
	}
	labels, docs := make([]string, len(ready)), make([]string, len(ready))
	for i, c := range ready {
		labels[i], docs[i] = c.name, c.docs
		if c.current {
			labels[i] += " (current)"
		}
		if c.broken != "" {
			labels[i] += " (broken cluster values)"
		}
	}
	i, err := o.Prompter.Select("Which cluster?", labels, docs, 0)
	if err != nil {
		return err
	}
	o.Cluster = ready[i].name
	return runUse(ctx, o)
}

// switchForUseFlag handles --use CLUSTER on any command: switch first.
func switchForUseFlag(ctx context.Context, f *cmdutil.Factory) error {
	if f.Globals.Use == "" {
		return nil
	}
	o := &UseOptions{Cluster: f.Globals.Use, FromFlag: true}
	fillUseOptions(o, f)
	return runUse(ctx, o)
}

// brokenSummary says in one line why a cluster's values do not load.
func brokenSummary(err error) string {
	var inv *clusterconfig.Invalid
	if errors.As(err, &inv) {
		return inv.Summary()
	}
	return err.Error()
}

// brokenNext is what fixes broken cluster values: the admin's directory,
// or the admin, when the values are built into lain.
func brokenNext(src clusterconfig.Source) string {
	if src.Embedded {
		return "tell your lain admin: the cluster values built into this lain are broken"
	}
	return "lain doctor --cluster-values " + src.Dir
}
