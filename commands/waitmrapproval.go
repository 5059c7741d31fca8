package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/gitlab"
)

// Exit codes of wait-mr-approval besides 0 (approved), distinct so a
// pipeline can tell "not approved" from "cannot ask" (2 is lain's usage
// error, as for every command).
const (
	exitNotApproved = 1 // the timeout passed
	exitMRClosed    = 3 // closed or merged without approval
	exitCannotAsk   = 4 // GitLab refused or could not answer (token, project, network)
)

// WaitMRApprovalOptions are the inputs of `lain wait-mr-approval`.
type WaitMRApprovalOptions struct {
	cmdutil.GitLabEnv
	Project string
	IID     int
	Timeout time.Duration
	// Clock is the wait's time (nil: the wall clock); tests pass a fake.
	Clock gitlab.Clock
}

// NewCmdWaitMRApproval builds `lain wait-mr-approval`.
func NewCmdWaitMRApproval(f *cmdutil.Factory) *cobra.Command {
	o := &WaitMRApprovalOptions{}
	cmd := &cobra.Command{
		Use:   "wait-mr-approval [PROJECT MR_IID]",
		Short: "Wait until a GitLab merge request is approved (for a pipeline's gate)",
		Long: `Poll the merge request's approvals until it is approved, then exit 0. Exit 1
when --timeout passes first, 3 when the merge request is closed or merged
without approval, 4 when GitLab cannot be asked (a refused token, an
unknown project or merge request, no answer), 2 for bad arguments. Polls start 5 s apart and slow down to one a minute;
GitLab's rate limits (429, Retry-After) are waited out. A waiting line is
printed at most every 30 s.

PROJECT is the project's ID or path (group/name); inside a merge request
pipeline both arguments default to CI_PROJECT_ID and CI_MERGE_REQUEST_IID.`,
		Example: `  lain wait-mr-approval team/hello 12
  lain wait-mr-approval --timeout 2h   # in a merge request pipeline`,
		Args:              cobra.MaximumNArgs(2),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.FillGitLab(f)
			var err error
			if o.Project, o.IID, err = o.MergeRequestArgs("wait-mr-approval", args); err != nil {
				return err
			}
			return runWaitMRApproval(cmd.Context(), o)
		},
	}
	cmd.Flags().DurationVar(&o.Timeout, "timeout", time.Hour, "give up after `D` (30m, 2h)")
	return cmd
}

func runWaitMRApproval(ctx context.Context, o *WaitMRApprovalOptions) error {
	if o.Timeout <= 0 {
		return clierr.Usage(fmt.Sprintf("--timeout %s: give a positive duration", o.Timeout), "lain wait-mr-approval --timeout 1h")
	}
	c, err := o.GitLab()
	if err != nil {
		return err
	}
	if o.Clock != nil {
		c.Clock = o.Clock
	}
	outcome, mr, err := gitlab.WaitApproval(ctx, c, o.Project, o.IID, o.Timeout, o.IO.ErrOut)
	if err != nil {
		if ctx.Err() != nil {
			return err // interrupted: lain's own exit code
		}
		return withExitCode(gitlab.Explain(err, c, o.Project, o.IID), exitCannotAsk)
	}
	switch outcome {
	case gitlab.Approved:
		fmt.Fprintf(o.IO.Out, "!%d %s is approved\n  %s\n", mr.IID, mr.Title, mr.WebURL)
		return nil
	case gitlab.ClosedUnapproved:
		return &clierr.Error{Kind: clierr.Failed, Code: exitMRClosed, Msg: fmt.Sprintf("!%d %s was %s without approval", mr.IID, mr.Title, mr.State),
			Next: "reopen it or open a new merge request: " + mr.WebURL}
	}
	url := fmt.Sprintf("merge request !%d of %s", o.IID, o.Project)
	if mr != nil {
		url = mr.WebURL
	}
	return &clierr.Error{Kind: clierr.Failed, Code: exitNotApproved, Msg: fmt.Sprintf("not approved within %s: %s", o.Timeout, url),
		Next: fmt.Sprintf("ask for a review, then: lain wait-mr-approval %s %d --timeout %s", o.Project, o.IID, o.Timeout)}
}

// withExitCode gives err the exit code when it has none of its own.
func withExitCode(err error, code int) error {
	var ce *clierr.Error
	if errors.As(err, &ce) {
		if ce.Code == 0 {
			c := *ce
			c.Code = code
			return &c
		}
		return err
	}
	return &clierr.Error{Code: code, Msg: err.Error(), Err: err}
}
