package gitlab_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
)

func TestWaitApproval(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		setup   func(s *gitlabtest.Server)
		iid     int
		want    gitlab.Outcome
		lines   int
		elapsed time.Duration
	}{
		{"approved at the 6th poll", func(s *gitlabtest.Server) { s.Projects[0].MRs[1].ApproveAfter = 6 }, 1, gitlab.Approved, 2, 5*time.Second + 7500*time.Millisecond + 11250*time.Millisecond + 16875*time.Millisecond + 25312500*time.Microsecond},
		{"already closed", nil, 2, gitlab.ClosedUnapproved, 0, 0},
		{"merged without approval", func(s *gitlabtest.Server) {
			s.Projects[0].MRs[1].CloseAfter, s.Projects[0].MRs[1].CloseTo = 3, "merged"
		}, 1, gitlab.ClosedUnapproved, 1, 12500 * time.Millisecond},
		{"timeout", nil, 1, gitlab.TimedOut, 11, 10 * time.Minute},
		{"rate limited first", func(s *gitlabtest.Server) { s.RateLimit, s.RetryAfter = 4, "90" }, 1, gitlab.TimedOut, 4, 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := gitlabtest.Standard()
			defer s.Close()
			if tc.setup != nil {
				tc.setup(s)
			}
			c, clk, _ := client(s, gitlab.Token{Private: gitlabtest.Token})
			start := clk.Now()
			var out strings.Builder
			got, _, err := gitlab.WaitApproval(ctx, c, "team/hello", tc.iid, 10*time.Minute, &out)
			if err != nil || got != tc.want {
				t.Fatalf("got %v %v\n%s", got, err, out.String())
			}
			if n := strings.Count(out.String(), "waiting for approval of "); n != tc.lines {
				t.Errorf("%d waiting lines, want %d:\n%s", n, tc.lines, out.String())
			}
			if e := clk.Now().Sub(start); e != tc.elapsed {
				t.Errorf("waited %s, want %s (%v)", e, tc.elapsed, clk.Slept)
			}
		})
	}
}

// Waiting lines come at most every 30 s of the fake clock.
func TestWaitLinesAreSpaced(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	c, clk, _ := client(s, gitlab.Token{Private: gitlabtest.Token})
	var out strings.Builder
	gitlab.WaitApproval(context.Background(), c, "7", 1, 3*time.Minute, &out)
	if !strings.HasPrefix(out.String(), "waiting for approval of "+s.URL+"/team/hello/-/merge_requests/1 (change 1): 1 approval(s) left, waited 0s of 3m0s\n") {
		t.Error(out.String())
	}
	for _, d := range clk.Slept {
		if d > gitlab.MaxPoll {
			t.Errorf("slept %s", d)
		}
	}
	if strings.Count(out.String(), "\n") > 7 {
		t.Errorf("too many lines for 3 minutes:\n%s", out.String())
	}
}

func TestWaitStopsOnRefusal(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	c, _, _ := client(s, gitlab.Token{Private: "revoked"})
	_, _, err := gitlab.WaitApproval(context.Background(), c, "7", 1, time.Hour, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Error(err)
	}
}
