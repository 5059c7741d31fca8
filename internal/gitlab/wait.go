package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Outcome is how a wait for approval ended.
type Outcome int

const (
	Approved Outcome = iota
	TimedOut
	// ClosedUnapproved: the MR was closed or merged without approval.
	ClosedUnapproved
)

// Polling: the first check at once, then every FirstPoll growing by half
// up to MaxPoll; a waiting line at most every LineEvery.
const (
	FirstPoll = 5 * time.Second
	MaxPoll   = 60 * time.Second
	LineEvery = 30 * time.Second
)

// WaitApproval polls the approvals of a merge request until it is approved
// (Approved), closed or merged without approval (ClosedUnapproved), or
// timeout passes (TimedOut). Rate limits, 5xx answers and network errors are
// waited out (honouring Retry-After); 401, 403 and 404 end the wait.
func WaitApproval(ctx context.Context, c *Client, project string, iid int, timeout time.Duration, out io.Writer) (Outcome, *MergeRequest, error) {
	clk := c.clock()
	start := clk.Now()
	deadline := start.Add(timeout)
	interval := FirstPoll
	var lastLine time.Time
	var mr *MergeRequest
	for {
		pause := interval
		// A hanging GitLab must not hold the wait past its deadline.
		// Rate limits are waited out here, within the deadline, not by the
		// client's retries.
		bounded := *c
		bounded.Timeout = min(c.timeout(), max(deadline.Sub(clk.Now()).Round(time.Second), time.Second))
		bounded.NoRetry = true
		a, m, err := approvalState(ctx, &bounded, project, iid)
		switch {
		case err != nil && !transient(err):
			return 0, mr, err
		case err != nil:
			var rl *RateLimited
			if errors.As(err, &rl) && rl.RetryAfter > pause {
				pause = rl.RetryAfter
			}
		default:
			mr = m
			if a.Approved {
				return Approved, mr, nil
			}
			if mr.State == "merged" || mr.State == "closed" {
				return ClosedUnapproved, mr, nil
			}
		}
		now := clk.Now()
		if !now.Before(deadline) {
			return TimedOut, mr, nil
		}
		if left := deadline.Sub(now); pause > left {
			pause = left
		}
		// One line, waiting or warning, at most every LineEvery.
		if lastLine.IsZero() || now.Sub(lastLine) >= LineEvery {
			if err != nil {
				fmt.Fprintf(out, "warning: %v; trying again in %s\n", err, pause.Round(time.Second))
			} else {
				fmt.Fprintf(out, "waiting for approval of %s (%s): %d approval(s) left, waited %s of %s\n",
					mr.WebURL, mr.Title, a.ApprovalsLeft, now.Sub(start).Round(time.Second), timeout)
			}
			lastLine = now
		}
		if err := clk.Sleep(ctx, pause); err != nil {
			return 0, mr, err
		}
		interval = min(interval+interval/2, MaxPoll)
	}
}

// approvalState reads the approvals, and the MR's state when not approved.
func approvalState(ctx context.Context, c *Client, project string, iid int) (*Approvals, *MergeRequest, error) {
	a, err := c.Approvals(ctx, project, iid)
	if err != nil {
		return nil, nil, err
	}
	mr, err := c.MergeRequest(ctx, project, iid)
	return a, mr, err
}

// transient errors are worth another try later.
func transient(err error) bool {
	var rl *RateLimited
	var un *Unreachable
	var api *APIError
	switch {
	case errors.As(err, &rl), errors.As(err, &un):
		return true
	case errors.As(err, &api):
		return api.Status >= 500
	}
	return false
}
