package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
)

// CherryOptions are the inputs of `lain cherry`.
type CherryOptions struct {
	cmdutil.ReleaseEnv
	// Cluster loads the current cluster's config (its gitlab links the
	// commits); nil or failing: no links.
	Cluster func(appDir string) (*clusterconfig.Config, error)
}

// NewCmdCherry builds `lain cherry`.
func NewCmdCherry(f *cmdutil.Factory) *cobra.Command {
	o := &CherryOptions{}
	return &cobra.Command{
		Use:   "cherry",
		Short: "List the commits between the deployed image and HEAD",
		Long: `Read the image tag the release runs (<commit time>-<commit hash>) and list the
commits since that one up to HEAD: what the next deploy would ship. When the
repository's origin is on the cluster's GitLab (cluster values: gitlab),
each commit comes with its link there.`,
		Example:           `  lain cherry`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.FillRelease(f); err != nil {
				return err
			}
			o.Cluster = f.CurrentCluster
			return runCherry(cmd.Context(), o)
		},
	}
}

func runCherry(ctx context.Context, o *CherryOptions) error {
	a, err := o.App()
	if err != nil {
		return err
	}
	v, err := release.Values(ctx, o.Runner, a.Release, 0)
	if err == release.ErrNotFound {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("release %s is not deployed", a.Release), "lain deploy")
	}
	if err != nil {
		return err
	}
	tag := release.ImageTag(v)
	_, hash, ok := strings.Cut(tag, "-")
	if !ok || hash == "" {
		return clierr.Of(clierr.Failed, fmt.Sprintf("the deployed image tag %q does not name a commit (lain's tags are <commit time>-<commit hash>)", tag), "helm history "+a.Release)
	}
	fmt.Fprintf(o.IO.ErrOut, "%s runs %s; commits since then:\n", a.Release, tag)
	if project, ok := o.gitlabProject(ctx, a.Dir); ok {
		commits, err := gitlab.Commits(ctx, o.Runner, a.Dir, hash, "")
		if err != nil {
			return clierr.Of(clierr.NotFound, "git log failed: is commit "+hash+" in this repository? (git fetch may help)", "git fetch && lain cherry")
		}
		for _, c := range commits {
			fmt.Fprintf(o.IO.Out, "%s %s\n  %s\n", c.Short, c.Subject, c.URL(project))
		}
		return nil
	}
	_, err = o.Runner.Run(ctx, runner.Cmd{Name: "git", Args: []string{"log", "--oneline", "--no-decorate", hash + "..HEAD"}, Dir: a.Dir})
	if err != nil {
		return clierr.Of(clierr.NotFound, "git log failed: is commit "+hash+" in this repository? (git fetch may help)", "git fetch && lain cherry")
	}
	return nil
}

// gitlabProject is the GitLab page of the repository's origin when it is on
// the current cluster's gitlab.
func (o *CherryOptions) gitlabProject(ctx context.Context, dir string) (string, bool) {
	if o.Cluster == nil {
		return "", false
	}
	cfg, err := o.Cluster(dir)
	if err != nil || cfg.Values.Gitlab == "" {
		return "", false
	}
	return gitlab.ProjectURL(app.RepoURL(ctx, o.Runner, dir), cfg.Values.Gitlab)
}
