package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/deploy"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// UpdateImageOptions are the inputs of `lain update-image`.
type UpdateImageOptions struct {
	cmdutil.ImageEnv
	// Registry answers --deduce and the image check; nil: the cluster's.
	Registry deploy.Registry
	Procs    []string
	Deduce   bool
	Wait     bool
}

// NewCmdUpdateImage builds `lain update-image`.
func NewCmdUpdateImage(f *cmdutil.Factory) *cobra.Command {
	o := &UpdateImageOptions{}
	cmd := &cobra.Command{
		Use:   "update-image PROC...",
		Short: "Change the image of some procs only (helm upgrade --reuse-values)",
		Long: `Set <kind>.<proc>.imageTag for each proc given to the image of this commit
(--deduce: the newest tag in the registry) and upgrade the release with the
values it already has: the other procs keep their image.`,
		Example: `  lain update-image worker
  lain update-image web worker --deduce`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: f.ProcCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Procs = args
			if o.IO.IsCI() {
				o.Wait = true
			}
			return runUpdateImage(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Deduce, "deduce", false, "use the newest image tag in the registry instead of this commit's")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "follow the rollout until every pod is ready (always on in CI)")
	return cmd
}

func runUpdateImage(ctx context.Context, o *UpdateImageOptions) error {
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	reg := o.Registry
	if reg == nil {
		reg = o.RegistryClient(a.Config)
	}
	tag := a.Tag.Tag
	if o.Deduce {
		tags, err := reg.Tags(ctx, a.App.Name)
		if err != nil {
			return err
		}
		recent := registry.SortRecent(tags, 1)
		if len(recent) == 0 {
			return clierr.Of(clierr.NotFound, "there is no image of "+a.App.Name+" in the registry", "lain build --push")
		}
		tag = recent[0]
	} else if ok, err := reg.Exists(ctx, a.App.Name, tag); err == nil && !ok {
		return deploy.MissingImage(ctx, reg, a.App.Name, a.Image(tag))
	}
	kinds := map[string]string{}
	for _, p := range app.Procs(a.Values) {
		kinds[p.Name] = p.Kind
	}
	args := []string{"upgrade", a.App.Release, helmargs.Chart, "--reuse-values"}
	for _, p := range o.Procs {
		kind, ok := kinds[p]
		if !ok {
			var names []string
			for n := range kinds {
				names = append(names, n)
			}
			return clierr.Usage(fmt.Sprintf("no proc %q in chart/values.yaml (procs: %s)", p, strings.Join(names, ", ")), "lain update-image PROC")
		}
		args = append(args, "--set", kind+"."+p+".imageTag="+tag)
	}
	if _, err := o.Runner.Run(ctx, runner.Cmd{Name: "helm", Args: args, Dir: a.App.Dir, Mutates: true}); err != nil {
		return toolerr.Failed("helm upgrade of "+a.App.Release+" failed (its message is above)", err, "lain rollback")
	}
	fmt.Fprintf(o.IO.ErrOut, "%s now run %s\n", strings.Join(o.Procs, ", "), a.Image(tag))
	if o.Wait && !o.DryRun {
		env := cmdutil.ReleaseEnv{IO: o.IO, Runner: o.Runner}
		return env.Track(ctx, a.App.Release, "", 5*time.Minute)
	}
	return nil
}
