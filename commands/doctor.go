package commands

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/doctor"
	"github.com/lain-cli/lain/update"
)

// DoctorOptions are the inputs of `lain doctor`.
type DoctorOptions struct {
	Out io.Writer
	Env doctor.Env
	// ClusterValuesDir, when set, checks every cluster values file there
	// instead of this machine.
	ClusterValuesDir string
}

// NewCmdDoctor builds `lain doctor`.
func NewCmdDoctor(f *cmdutil.Factory) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this machine has everything lain needs, and say how to fix what is missing",
		Long: `Check, one line each: lain's version, helm, kubectl, docker and git, the
current cluster and its kubeconfig, the cluster values and the environment
variables they need, /etc/hosts entries, whether the cluster answers (and
kubectl's version skew), registry login, and the app in this directory.
Every failure comes with the command that fixes it. Exits non-zero when a
required check fails. Run it first on a new machine.

With --cluster-values DIR (for the admin of the team's fork), check every
values-<CLUSTER>.yaml in DIR instead, listing each file's problems; exits 1
when any file is broken.`,
		Example: `  lain doctor
  lain --use test doctor   # check another cluster
  lain doctor --cluster-values ./cluster_values   # check the team's cluster values`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), &DoctorOptions{Out: f.IO.Out, Env: doctorEnv(f), ClusterValuesDir: dir})
		},
	}
	cmd.Flags().StringVar(&dir, "cluster-values", "", "check every values-<CLUSTER>.yaml in this `DIR`, not this machine")
	_ = cmd.MarkFlagDirname("cluster-values")
	return cmd
}

func doctorEnv(f *cmdutil.Factory) doctor.Env {
	cwd, _ := os.Getwd()
	dockerDir := f.Getenv("DOCKER_CONFIG")
	if dockerDir == "" {
		dockerDir = filepath.Join(f.HomeDir(), ".docker")
	}
	return doctor.Env{
		Runner: f.Runner(), Platform: f.Platform, Source: f.ClusterSource(), Kube: f.KubeHome(),
		Getenv: f.Getenv, HTTPClient: f.HTTPClient(), HostsFile: "/etc/hosts", AppDir: cwd,
		DockerConfig: filepath.Join(dockerDir, "config.json"), Version: f.Build.Version,
		LatestRelease: latestRelease(f),
	}
}

// latestRelease is nil for builds without an update source, so doctor
// skips the version line instead of failing it.
func latestRelease(f *cmdutil.Factory) func(context.Context) (string, error) {
	cfg := update.ConfigFrom(f.Build.UpdateURL, f.Build.UpdatePublicKey, f.Getenv)
	if cfg.URL == "" {
		return nil
	}
	return func(ctx context.Context) (string, error) { return update.Latest(ctx, cfg, f.HTTPClient(), f.Getenv) }
}

func runDoctor(ctx context.Context, o *DoctorOptions) error {
	if o.ClusterValuesDir != "" {
		return runDoctorClusterValues(ctx, o)
	}
	fmt.Fprintln(o.Out, "lain doctor: what lain needs on this machine")
	failed := doctor.Run(ctx, o.Out, doctor.Checks(o.Env))
	if failed > 0 {
		return clierr.Of(clierr.Failed, fmt.Sprintf("%d required check(s) failed", failed), "run each fix: above, then: lain doctor")
	}
	fmt.Fprintln(o.Out, "all required checks passed")
	return nil
}

func runDoctorClusterValues(ctx context.Context, o *DoctorOptions) error {
	dir := o.ClusterValuesDir
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return clierr.Usage(fmt.Sprintf("%s is not a directory", dir), "lain doctor --cluster-values ./cluster_values   # the directory of values-<CLUSTER>.yaml files")
	}
	src := clusterconfig.Source{FS: os.DirFS(dir), Dir: dir}
	checks, err := doctor.ClusterValuesChecks(src)
	if err != nil {
		return err
	}
	if names, _ := src.Clusters(); len(names) == 0 {
		return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("%s has no values-<CLUSTER>.yaml file", dir), "write one: cluster_values/example-values.yaml shows every key")
	}
	fmt.Fprintf(o.Out, "lain doctor: the cluster values in %s\n", dir)
	if failed := doctor.Run(ctx, o.Out, checks); failed > 0 {
		return clierr.Of(clierr.ClusterConfig, fmt.Sprintf("%d cluster values file(s) in %s are broken", failed, dir), "fix each problem listed above, then: lain doctor --cluster-values "+dir)
	}
	fmt.Fprintln(o.Out, "every cluster values file is valid")
	return nil
}
