package cmdutil

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/iostreams"
)

// GitLabEnv is what the merge request commands share: the streams, the
// environment (CI variables), and the current cluster's GitLab client.
type GitLabEnv struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// GitLab builds the client of the current cluster's gitlab.
	GitLab func() (*gitlab.Client, error)
	DryRun bool
	Now    func() time.Time
}

// FillGitLab takes everything from the factory, after flags are parsed.
func (e *GitLabEnv) FillGitLab(f *Factory) {
	e.IO, e.Getenv, e.DryRun, e.Now = f.IO, f.Getenv, f.Globals.DryRun, f.Now
	e.GitLab = func() (*gitlab.Client, error) {
		cfg, err := f.CurrentCluster("")
		if err != nil {
			return nil, err
		}
		var log io.Writer
		if f.Globals.Verbose {
			log = f.IO.ErrOut
		}
		return gitlab.ForCluster(cfg.Cluster, cfg.Values.Gitlab, f.Getenv, f.HTTPClient(), log)
	}
}

// MergeRequestArgs are PROJECT and MR_IID, or in a merge request pipeline
// GitLab's CI_PROJECT_ID and CI_MERGE_REQUEST_IID.
func (e *GitLabEnv) MergeRequestArgs(cmd string, args []string) (string, int, error) {
	if len(args) == 0 {
		args = []string{e.Getenv("CI_PROJECT_ID"), e.Getenv("CI_MERGE_REQUEST_IID")}
		if args[0] == "" || args[1] == "" {
			return "", 0, clierr.Usage("which merge request? give PROJECT and MR_IID (outside a merge request pipeline, CI_PROJECT_ID and CI_MERGE_REQUEST_IID are not set)", "lain "+cmd+" group/project 12")
		}
	}
	if len(args) != 2 {
		return "", 0, clierr.Usage("give both PROJECT and MR_IID", "lain "+cmd+" group/project 12")
	}
	iid, err := strconv.Atoi(strings.TrimPrefix(args[1], "!"))
	if err != nil || iid <= 0 {
		return "", 0, clierr.Usage(fmt.Sprintf("MR_IID %q is not a merge request number (the !N in its title)", args[1]), "lain "+cmd+" "+args[0]+" 12")
	}
	return strings.Trim(args[0], "/"), iid, nil
}
