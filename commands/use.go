package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// UseOptions are the inputs of `lain use`.
type UseOptions struct {
	cmdutil.UseEnv

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
			o.FillUse(f)
			if len(args) == 1 {
				o.Cluster = args[0]
			}
			return runUse(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.SetContext, "set-context", false, "also set the kubeconfig's namespace from the cluster values")
	return cmd
}

func runUse(ctx context.Context, o *UseOptions) error {
	if o.Cluster == "" {
		return listOrPickCluster(ctx, o)
	}
	return o.Switch(ctx, o.Cluster, o.SetContext, o.FromFlag)
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
