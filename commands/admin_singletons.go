package commands

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminListSingletonsOptions are the inputs of `lain admin list-singletons`.
type AdminListSingletonsOptions struct {
	AdminOptions
	AllNamespaces bool
}

func newCmdAdminListSingletons(f *cmdutil.Factory) *cobra.Command {
	o := &AdminListSingletonsOptions{}
	cmd := &cobra.Command{
		Use:   "list-singletons",
		Short: "Deployments that run a single replica, and who deployed them last",
		Long: `List the Deployments of the current namespace (every one with -A) that
ask for one replica: one node going down stops them. Each shows its helm
release and the user who deployed it last (from helm get values). The
cluster values' admin_singletons_ignore (names, or namespace/name) leaves
out those meant to run alone.`,
		Example:           `  lain admin list-singletons -A`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			return runAdminListSingletons(cmd.Context(), o)
		},
	}
	addAllNamespacesFlag(cmd, &o.AllNamespaces)
	return cmd
}

func runAdminListSingletons(ctx context.Context, o *AdminListSingletonsOptions) error {
	cfg, err := o.Cluster("")
	if err != nil {
		return err
	}
	ss, err := o.kubectl().Singletons(ctx, o.AllNamespaces, cfg.Values.AdminSingletonsIgnore)
	if err != nil {
		return err
	}
	if len(ss) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "no Deployment runs a single replica")
		return nil
	}
	if err := admin.DeployUsers(ctx, o.Runner, ss); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "warning: DEPLOYED BY is empty where helm could not read the release: %s\n", strings.TrimPrefix(clierr.Format(err), "lain: "))
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tDEPLOYMENT\tRELEASE\tDEPLOYED BY")
	for _, s := range ss {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Namespace, s.Name, orDash(s.Release), orDash(s.User))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
