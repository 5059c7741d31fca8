package commands

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/admin"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
)

// AdminGetOptions are the inputs of `lain admin get`.
type AdminGetOptions struct {
	AdminOptions
	Resource      string
	Annotations   string // k=v[,k=v]
	AllNamespaces bool
}

func newCmdAdminGet(f *cmdutil.Factory) *cobra.Command {
	o := &AdminGetOptions{}
	cmd := &cobra.Command{
		Use:   "get RESOURCE --annotations k=v[,k=v]",
		Short: "Like kubectl get, keeping the objects whose annotations match",
		Long: `List RESOURCE (any kind kubectl get takes: deploy, ingress, pods...) in the
current namespace (every one with -A), keeping the objects that have every
annotation given, with that value (k=v), or with any value (k).`,
		Example: `  lain admin get ingress --annotations meta.helm.sh/release-name=hello
  lain admin get deploy -A --annotations deployment.kubernetes.io/revision=1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.fillFrom(f)
			o.Resource = args[0]
			return runAdminGet(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Annotations, "annotations", "", "keep objects with these annotations: `k=v[,k=v]` (k alone: any value)")
	addAllNamespacesFlag(cmd, &o.AllNamespaces)
	return cmd
}

func runAdminGet(ctx context.Context, o *AdminGetOptions) error {
	want, err := admin.ParseAnnotations(o.Annotations)
	if err != nil {
		return clierr.Usage("--annotations: "+err.Error(), "lain admin get "+o.Resource+" --annotations key=value,other=value")
	}
	objs, err := o.kubectl().Objects(ctx, o.Resource, o.AllNamespaces)
	if err != nil {
		return err
	}
	return admin.WriteObjects(o.IO.Out, admin.FilterAnnotations(objs, want), o.AllNamespaces)
}
