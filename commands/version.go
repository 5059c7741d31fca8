package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/registry"
	"github.com/lain-cli/lain/internal/runner"
)

// versionTimeout bounds the registry question of lain version.
const versionTimeout = 10 * time.Second

// VersionOptions are the inputs of `lain version`.
type VersionOptions struct {
	cmdutil.ImageEnv
	Version string // lain's own

	Count int // -n
}

// NewCmdVersion builds `lain version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	o := &VersionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print lain's version and the app's recent images, marking the deployed one",
		Long: `Print lain's version, then, in an app, its most recent image tags in the
current cluster's registry, newest first, each as the lain deploy command
that deploys it; the one deployed on the current cluster is marked.`,
		Example: `  lain version
  lain version -n 3
  lain --use prod version`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Version = f.Build.Version
			return runVersion(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVarP(&o.Count, "images-count", "n", 10, "how many recent images to list")
	return cmd
}

func runVersion(ctx context.Context, o *VersionOptions) error {
	fmt.Fprintf(o.IO.Out, "lain %s\n", o.Version)
	if _, err := os.Stat(filepath.Join(o.Dir, app.ChartDir, "values.yaml")); errors.Is(err, fs.ErrNotExist) {
		return nil // not in an app: lain's version is all there is
	}
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	tags, err := registry.Recent(rctx, o.RegistryClient(a.Config), a.App.Name, o.Count)
	if err != nil {
		return err
	}
	repo := image.Repo(a.Config.Values.Registry, a.App.Name)
	if len(tags) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "no images of %s in the registry yet (lain build --push makes one)\n", repo)
		return nil
	}
	deployed := deployedTag(ctx, o.Runner, a.App.Release)
	fmt.Fprintf(o.IO.ErrOut, "recent images of %s, newest first:\n", repo)
	listed := false
	for _, t := range tags {
		// A leading space keeps a pasted line out of shell history.
		line := " lain deploy --set imageTag=" + t
		if t == deployed {
			line += "   # deployed on " + a.Config.Cluster
			listed = true
		}
		fmt.Fprintln(o.IO.Out, line)
	}
	if deployed != "" && !listed {
		fmt.Fprintf(o.IO.ErrOut, "deployed on %s: %s (not among these)\n", a.Config.Cluster, deployed)
	}
	return nil
}

// deployedTag is the imageTag of the release on the current cluster, ""
// when it is not deployed (or the cluster does not answer).
func deployedTag(ctx context.Context, r runner.Runner, release string) string {
	res, err := r.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"get", "values", release, "-o", "json"}, Capture: true, Quiet: true})
	if err != nil {
		return ""
	}
	var v struct {
		ImageTag any `json:"imageTag"`
	}
	if json.Unmarshal(res.Stdout, &v) != nil || v.ImageTag == nil {
		return ""
	}
	return fmt.Sprint(v.ImageTag)
}
