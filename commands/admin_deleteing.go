package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminDeleteBadIngOptions are the inputs of `lain admin delete-bad-ing`.
type AdminDeleteBadIngOptions struct {
	AdminOptions
	AllNamespaces bool
	Via           string
}

func newCmdAdminDeleteBadIng(f *cmdutil.Factory) *cobra.Command {
	o := &AdminDeleteBadIngOptions{}
	cmd := &cobra.Command{
		Use:   "delete-bad-ing",
		Short: "Delete ingresses whose URLs only get the ingress controller's 404/503",
		Long: `Ask every URL of each ingress of the current namespace (every one with -A),
2 s each, in parallel. An ingress whose URLs all answer the ingress
controller's own 404 page (its default backend: nothing serves the host or
path) is deleted when no helm release owns it; for one a release owns, the
helm delete to run is printed instead. A 503 (no ready endpoints) is only
reported with the command to run: a restart or a crashing app gives it too.
An ingress with a URL that answers otherwise (the app's own 404 page
included), or not at all from here, is left alone. Asks first on a
terminal; --yes skips that, --dry-run only prints.`,
		Example: `  lain admin delete-bad-ing --dry-run
  lain admin delete-bad-ing -A --via 10.0.0.5:80 --yes`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.fillFrom(f)
			return runAdminDeleteBadIng(cmd.Context(), o)
		},
	}
	addAllNamespacesFlag(cmd, &o.AllNamespaces)
	addViaFlag(cmd, &o.Via)
	addYesFlag(cmd, &o.AdminOptions)
	return cmd
}

func runAdminDeleteBadIng(ctx context.Context, o *AdminDeleteBadIngOptions) error {
	ings, err := o.kubectl().Ingresses(ctx, o.AllNamespaces)
	if err != nil {
		return err
	}
	var urls []string
	for _, ing := range ings {
		urls = append(urls, ing.URLs...)
	}
	checks := map[string]admin.URLCheck{}
	for _, c := range o.prober(o.Via).Probe(ctx, urls) {
		checks[c.URL] = c
	}
	var loose []admin.Target
	for _, b := range admin.BadIngresses(ings, checks) {
		var got []string
		for _, c := range b.Checks {
			got = append(got, fmt.Sprintf("%s %d", c.URL, c.Status))
		}
		if b.Release != "" {
			fmt.Fprintf(o.IO.Out, "ingress %s/%s (%s) belongs to helm release %s; to delete it, delete the release:\n  helm delete %s -n %s\n",
				b.Namespace, b.Name, strings.Join(got, ", "), b.Release, b.Release, b.Namespace)
			continue
		}
		if b.Unsure {
			fmt.Fprintf(o.IO.Out, "ingress %s/%s (%s): no ready endpoints, which a restart also gives, so lain leaves it; if its app is gone:\n  kubectl delete ingress %s -n %s\n",
				b.Namespace, b.Name, strings.Join(got, ", "), b.Name, b.Namespace)
			continue
		}
		fmt.Fprintf(o.IO.ErrOut, "ingress %s/%s: %s\n", b.Namespace, b.Name, strings.Join(got, ", "))
		loose = append(loose, admin.Target{Kind: "ingress", Namespace: b.Namespace, Name: b.Name})
	}
	if len(loose) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "no ingress to delete")
		return nil
	}
	return o.deleteTargets(ctx, "only the default backend answers", loose)
}
