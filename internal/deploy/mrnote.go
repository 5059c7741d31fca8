package deploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/runner"
)

// mrNoteTimeout bounds posting the note: a slow GitLab must not hold up
// the pipeline.
const mrNoteTimeout = 30 * time.Second

// MRNote posts a deploy's facts on the merge request of the GitLab CI
// pipeline that ran it.
type MRNote struct {
	Client  *gitlab.Client
	Project string // CI_MERGE_REQUEST_PROJECT_ID or CI_PROJECT_ID
	IID     int    // CI_MERGE_REQUEST_IID
	Runner  runner.Runner
	Dir     string // the app, for git log
	// ProjectURL links commits (gitlab.ProjectURL of the remote); "" none.
	ProjectURL string
	Out        io.Writer // the "posted" line
}

// MRNoteFromCI is the note hook when the app's values set gitlab_mr_note:
// true and lain runs in a merge request pipeline; nil when not asked for.
// why says why a note that was asked for cannot be posted (a warning).
func MRNoteFromCI(getenv func(string) string, values map[string]any, cfg *clusterconfig.Config, hc *http.Client, r runner.Runner, dir, remote string, out io.Writer) (note *MRNote, why string) {
	if on, _ := values["gitlab_mr_note"].(bool); !on {
		return nil, ""
	}
	iid, err := strconv.Atoi(getenv("CI_MERGE_REQUEST_IID"))
	if err != nil || getenv("GITLAB_CI") != "true" {
		return nil, "" // not a merge request pipeline: nothing to comment on
	}
	project := getenv("CI_MERGE_REQUEST_PROJECT_ID")
	if project == "" {
		project = getenv("CI_PROJECT_ID")
	}
	c, err := gitlab.ForCluster(cfg.Cluster, cfg.Values.Gitlab, getenv, hc, nil)
	if err != nil {
		return nil, err.Error()
	}
	c.Timeout = mrNoteTimeout
	link, _ := gitlab.ProjectURL(remote, c.Base)
	return &MRNote{Client: c, Project: project, IID: iid, Runner: r, Dir: dir, ProjectURL: link, Out: out}, ""
}

// Post comments on the merge request.
func (n *MRNote) Post(ctx context.Context, r Result) error {
	ctx, cancel := context.WithTimeout(ctx, mrNoteTimeout)
	defer cancel()
	note, err := n.Client.CreateNote(ctx, n.Project, n.IID, n.Body(ctx, r))
	if err != nil {
		return err
	}
	fmt.Fprintf(n.Out, "posted the deploy on merge request !%d (note %d)\n", n.IID, note.ID)
	return nil
}

// Body is the note's Markdown: cluster, image, revision, the commits
// deployed (as lain cherry lists them) and how to roll back.
func (n *MRNote) Body(ctx context.Context, r Result) string {
	var b strings.Builder
	outcome := fmt.Sprintf("deployed as revision %d", r.Revision)
	if r.Err != nil {
		outcome = "FAILED: " + r.Err.Error()
	}
	fmt.Fprintf(&b, "**lain deploy** of `%s` to cluster `%s`: %s\n\n", r.Release, r.Cluster, outcome)
	fmt.Fprintf(&b, "- image: `%s`\n", r.Image)
	if r.PreviousRevision > 0 {
		fmt.Fprintf(&b, "- before: revision %d, image tag `%s`\n", r.PreviousRevision, r.PreviousImageTag)
	} else {
		b.WriteString("- before: not deployed (first deploy)\n")
	}
	b.WriteString(n.commits(ctx, r))
	if r.PreviousRevision > 0 {
		fmt.Fprintf(&b, "- roll back: `lain --use %s rollback --revision %d`\n", r.Cluster, r.PreviousRevision)
	} else {
		fmt.Fprintf(&b, "- roll back: nothing to roll back to; `lain --use %s delete` removes it\n", r.Cluster)
	}
	return b.String()
}

func (n *MRNote) commits(ctx context.Context, r Result) string {
	from, to := tagCommit(r.PreviousImageTag), tagCommit(r.ImageTag)
	if from == "" || to == "" {
		return "- commits: not known (an image tag that does not name a commit, or a first deploy)\n"
	}
	cs, err := gitlab.Commits(ctx, n.Runner, n.Dir, from, to)
	if err != nil {
		return fmt.Sprintf("- commits: not known (git log %s..%s failed)\n", from, to)
	}
	if len(cs) == 0 {
		return "- commits: none new\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "- commits deployed (%d):\n", len(cs))
	for _, c := range cs {
		short := "`" + c.Short + "`"
		if n.ProjectURL != "" {
			short = "[" + short + "](" + c.URL(n.ProjectURL) + ")"
		}
		fmt.Fprintf(&b, "  - %s %s\n", short, c.Subject)
	}
	return b.String()
}

// tagCommit is the commit of lain's image tag <commit time>-<commit hash>.
func tagCommit(tag string) string {
	_, hash, ok := strings.Cut(tag, "-")
	if !ok {
		return ""
	}
	return hash
}
