package commands

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/gitlab"
)

// AssignMROptions are the inputs of `lain assign-mr`.
type AssignMROptions struct {
	cmdutil.GitLabEnv
	Project string
	IID     int
	Seed    uint64
	SeedSet bool
}

// NewCmdAssignMR builds `lain assign-mr`.
func NewCmdAssignMR(f *cmdutil.Factory) *cobra.Command {
	o := &AssignMROptions{}
	cmd := &cobra.Command{
		Use:   "assign-mr [PROJECT MR_IID]",
		Short: "Pick a reviewer and an assignee for a GitLab merge request",
		Long: `Give a merge request a reviewer and an assignee, chosen at random among the
project's active members who have commits in its repository: never the
author, a blocked user or a bot. An active assignee or reviewer it already
has is kept; when it has both, nothing changes. Both are set in one request.

PROJECT is the project's ID or path (group/name); inside a merge request
pipeline both arguments default to CI_PROJECT_ID and CI_MERGE_REQUEST_IID.
GitLab is the current cluster's gitlab; the token is GITLAB_API_TOKEN
(scope api).`,
		Example: `  lain assign-mr team/hello 12
  lain assign-mr 42 12 --seed 7   # the same choice every time
  lain assign-mr                  # in a merge request pipeline`,
		Args:              cobra.MaximumNArgs(2),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.FillGitLab(f)
			var err error
			if o.Project, o.IID, err = o.MergeRequestArgs("assign-mr", args); err != nil {
				return err
			}
			o.SeedSet = cmd.Flags().Changed("seed")
			return runAssignMR(cmd.Context(), o)
		},
	}
	cmd.Flags().Uint64Var(&o.Seed, "seed", 0, "seed of the random choice (the same `N` picks the same people)")
	return cmd
}

func runAssignMR(ctx context.Context, o *AssignMROptions) error {
	c, err := o.GitLab()
	if err != nil {
		return err
	}
	fail := func(err error) error { return gitlab.Explain(err, c, o.Project, o.IID) }
	mr, err := c.MergeRequest(ctx, o.Project, o.IID)
	if err != nil {
		return fail(err)
	}
	out := o.IO.Out
	if gitlab.Complete(mr) {
		fmt.Fprintf(out, "!%d %s already has assignee %s and reviewer %s: nothing changed\n  %s\n", mr.IID, mr.Title, who(mr.Assignees), who(mr.Reviewers), mr.WebURL)
		return nil
	}
	members, err := c.Members(ctx, o.Project)
	if err != nil {
		return fail(err)
	}
	contributors, err := c.Contributors(ctx, o.Project)
	if err != nil {
		return fail(err)
	}
	cands := gitlab.Candidates(members, contributors, mr.Author)
	if !o.SeedSet {
		o.Seed = uint64(o.Now().UnixNano())
	}
	ch, err := gitlab.Choose(mr, cands, o.Seed)
	if err != nil {
		return clierr.Of(clierr.Failed, fmt.Sprintf("cannot assign !%d: %v (of %d members, %d contributors)", mr.IID, err, len(members), len(contributors)),
			"assign it by hand: "+mr.WebURL)
	}
	verb := "assigned"
	if o.DryRun {
		verb = "would assign (--dry-run)"
	} else if _, err := c.SetAssigneesAndReviewers(ctx, o.Project, o.IID, []int{ch.Assignee.User.ID}, []int{ch.Reviewer.User.ID}); err != nil {
		return fail(err)
	}
	fmt.Fprintf(out, "%s !%d %s\n  %s\n", verb, mr.IID, mr.Title, mr.WebURL)
	fmt.Fprintf(out, "  reviewer: %s\n", reason(ch.Reviewer, ch.KeptReviewer, len(cands), mr.Author))
	fmt.Fprintf(out, "  assignee: %s\n", reason(ch.Assignee, ch.KeptAssignee, len(cands), mr.Author))
	fmt.Fprintf(o.IO.ErrOut, "(lain assign-mr %s %d --seed %d makes the same choice)\n", o.Project, o.IID, o.Seed)
	return nil
}

func who(us []gitlab.User) string {
	for _, u := range us {
		if u.Active() {
			return "@" + u.Username
		}
	}
	return "nobody"
}

func reason(c gitlab.Candidate, kept bool, n int, author gitlab.User) string {
	if kept {
		return fmt.Sprintf("@%s (%s), kept: already set", c.User.Username, c.User.Name)
	}
	return fmt.Sprintf("@%s (%s), %d commit(s) in the repository; picked among %d active contributor(s) other than the author @%s",
		c.User.Username, c.User.Name, c.Commits, n, author.Username)
}
