package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/resadvice"
)

// AdminListWasteOptions are the inputs of `lain admin list-waste`.
type AdminListWasteOptions struct {
	AdminOptions
	AllNamespaces bool
	Now           func() time.Time
}

func newCmdAdminListWaste(f *cmdutil.Factory) *cobra.Command {
	o := &AdminListWasteOptions{Now: time.Now}
	cmd := &cobra.Command{
		Use:   "list-waste",
		Short: "Deployments of 2+ replicas that request far more CPU than they use",
		Long: `List the Deployments of the current namespace (every one with -A) that
run 2 or more replicas and request more CPU than their CPU top by more
than 300m: the top is computed from the cluster's Prometheus exactly as
lain lint computes it (over the release's prometheus_query_range, default
7d), and lint would advise lowering the request to it. They are sorted by
waste, (request - top) x replicas, the largest first, each with the user
who deployed its helm release last (from helm get values). Prometheus is
the cluster values' prometheus; all its questions share a 10 s cap.`,
		Example:           `  lain admin list-waste -A`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			return runAdminListWaste(cmd.Context(), o)
		},
	}
	addAllNamespacesFlag(cmd, &o.AllNamespaces)
	return cmd
}

func runAdminListWaste(ctx context.Context, o *AdminListWasteOptions) error {
	cfg, err := o.Cluster("")
	if err != nil {
		return err
	}
	prom := resadvice.App{Cluster: cfg.Cluster, Values: cfg.Values, HTTP: o.HTTP}
	if !prom.Enabled() {
		return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("cluster %s has no prometheus in its cluster values: list-waste has no CPU usage to compare requests with", cfg.Cluster),
			"add prometheus: <URL of the cluster's Prometheus> to the cluster values (values-"+cfg.Cluster+".yaml), then: lain admin list-waste")
	}
	cands, err := o.kubectl().WasteCandidates(ctx, o.AllNamespaces)
	if err != nil {
		return err
	}
	releases := admin.NewReleaseValues(o.Runner)
	values := func(w admin.Waste) map[string]any { return releases.Values(ctx, w.Namespace, w.Release) }
	p := admin.Prometheus{Client: prom.Client(), Templates: resadvice.TemplatesFrom(cfg.Values.PQLTemplate), Now: o.Now}
	waste, skipped, err := admin.MeasureWaste(ctx, p, cands, values)
	if err != nil {
		var unreachable *resadvice.UnreachableError
		if errors.As(err, &unreachable) {
			return clierr.Of(clierr.Failed, err.Error(), "check that the cluster values' prometheus ("+cfg.Values.Prometheus+") is right and answers: curl "+strings.TrimRight(prom.Client().URL, "/")+"/-/ready")
		}
		return clierr.Of(clierr.ClusterConfig, "list-waste: "+err.Error(), "fix pql_template in the cluster values (values-"+cfg.Cluster+".yaml); lain lint --resources asks the same")
	}
	for _, s := range skipped {
		fmt.Fprintf(o.IO.ErrOut, "skipped %s/%s: %s\n", s.Namespace, s.Name, s.Why)
	}
	if releases.Refused != nil {
		fmt.Fprintf(o.IO.ErrOut, "warning: DEPLOYED BY is empty where helm could not read the release: %s\n", strings.TrimPrefix(clierr.Format(releases.Refused), "lain: "))
	}
	if len(waste) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "no Deployment of 2+ replicas requests more than %dm of CPU above its CPU top\n", resadvice.CPURequestSlack)
		return nil
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tDEPLOYMENT\tREPLICAS\tCPU REQUEST\tCPU TOP\tWASTE\tDEPLOYED BY")
	for _, w := range waste {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%dm\t%dm\t%dm\t%s\n", w.Namespace, w.Name, w.Replicas, w.RequestMillicores(), w.CPUTop, w.Millicores(),
			orDash(releases.User(ctx, w.Namespace, w.Release)))
	}
	return tw.Flush()
}
