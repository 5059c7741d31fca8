package commands

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
	"github.com/lain-cli/lain/internal/iostreams"
)

// gitlabEnv is a cmdutil.GitLabEnv on the fake GitLab s with the given token.
func gitlabEnv(s *gitlabtest.Server, tok string, env map[string]string) (cmdutil.GitLabEnv, *bytes.Buffer, *bytes.Buffer, *gitlabtest.Clock) {
	ios, _, out, errOut := iostreams.Test()
	clk := gitlabtest.NewClock()
	getenv := func(k string) string {
		if k == "GITLAB_API_TOKEN" {
			return tok
		}
		return env[k]
	}
	return cmdutil.GitLabEnv{IO: ios, Getenv: getenv, Now: func() time.Time { return testNow }, GitLab: func() (*gitlab.Client, error) {
		c, err := gitlab.ForCluster("test", s.URL, getenv, s.Client(), nil)
		if c != nil {
			c.Clock = clk
		}
		return c, err
	}}, out, errOut, clk
}

func TestAssignMR(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	e, out, errOut, _ := gitlabEnv(s, gitlabtest.Token, nil)
	o := &AssignMROptions{GitLabEnv: e, Project: "team/hello", IID: 1, Seed: 3, SeedSet: true}
	if err := runAssignMR(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	mr := s.Projects[0].MRs[1]
	if len(mr.Assignees) != 1 || len(mr.Reviewers) != 1 || mr.Assignees[0].ID == mr.Reviewers[0].ID {
		t.Fatalf("%+v %+v", mr.Assignees, mr.Reviewers)
	}
	puts := 0
	for _, r := range s.Requests {
		if strings.HasPrefix(r, "PUT ") {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("one PUT for both: %v", s.Requests)
	}
	rv, as := "@"+mr.Reviewers[0].Username, "@"+mr.Assignees[0].Username
	want := "assigned !1 change 1\n  " + s.URL + "/team/hello/-/merge_requests/1\n" +
		"  reviewer: " + rv + " (" + mr.Reviewers[0].Name + "), "
	if !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "  assignee: "+as+" (") ||
		!strings.Contains(out.String(), "picked among 2 active contributor(s) other than the author @alice") {
		t.Errorf("out:\n%s", out)
	}
	if errOut.String() != "(lain assign-mr team/hello 1 --seed 3 makes the same choice)\n" {
		t.Errorf("errOut: %q", errOut)
	}

	// Same seed on a fresh GitLab: same people.
	s2 := gitlabtest.Standard()
	defer s2.Close()
	e2, out2, _, _ := gitlabEnv(s2, gitlabtest.Token, nil)
	runAssignMR(context.Background(), &AssignMROptions{GitLabEnv: e2, Project: "7", IID: 1, Seed: 3, SeedSet: true})
	if got := s2.Projects[0].MRs[1]; got.Reviewers[0].ID != mr.Reviewers[0].ID || got.Assignees[0].ID != mr.Assignees[0].ID {
		t.Errorf("--seed 3 chose differently:\n%s", out2)
	}

	// Now complete: nothing changes.
	out.Reset()
	s.Requests = nil
	if err := runAssignMR(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "!1 change 1 already has assignee "+as+" and reviewer "+rv+": nothing changed\n") || len(s.Requests) != 1 {
		t.Errorf("%s %v", out, s.Requests)
	}
}

func TestAssignMRDryRunChangesNothing(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	e, out, _, _ := gitlabEnv(s, gitlabtest.Token, nil)
	e.DryRun = true
	if err := runAssignMR(context.Background(), &AssignMROptions{GitLabEnv: e, Project: "7", IID: 1, Seed: 1, SeedSet: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "would assign (--dry-run) !1 change 1\n") || len(s.Projects[0].MRs[1].Reviewers) != 0 {
		t.Errorf("%s", out)
	}
	for _, r := range s.Requests {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("dry run sent %s", r)
		}
	}
}

func TestAssignMRErrors(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		name, tok, project string
		iid                int
		msg, next          string
	}{
		{"no token", "", "team/hello", 1, "GITLAB_API_TOKEN is not set", s.URL + "/-/user_settings/personal_access_tokens (scope api)"},
		{"bad token", "nope", "team/hello", 1, "401 Unauthorized", "wrong, expired or revoked; create one at " + s.URL + "/-/user_settings/personal_access_tokens"},
		{"no project", gitlabtest.Token, "team/nope", 1, "404 Project Not Found", s.URL + "/team/nope/-/merge_requests/1"},
		{"no mr", gitlabtest.Token, "7", 9, "404 Not found", s.URL + "/projects/7/-/merge_requests/9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, _, _ := gitlabEnv(s, tc.tok, nil)
			err := runAssignMR(ctx, &AssignMROptions{GitLabEnv: e, Project: tc.project, IID: tc.iid})
			f := clierr.Format(err)
			if !strings.Contains(f, tc.msg) || !strings.Contains(f, tc.next) || clierr.Code(err) != 1 || out.Len() != 0 {
				t.Errorf("%s", f)
			}
		})
	}
	e, _, _, _ := gitlabEnv(s, gitlabtest.Token, map[string]string{"CI_PROJECT_ID": "7", "CI_MERGE_REQUEST_IID": "1"})
	if p, iid, err := e.MergeRequestArgs("assign-mr", nil); p != "7" || iid != 1 || err != nil {
		t.Error(p, iid, err)
	}
	if _, _, err := e.MergeRequestArgs("assign-mr", []string{"team/hello", "x"}); clierr.Code(err) != clierr.ExitUsage {
		t.Error(err)
	}
}

func TestWaitMRApprovalExitCodes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		setup func(*gitlabtest.MR)
		iid   int
		code  int
		out   string
		msg   string
	}{
		{"approved", func(m *gitlabtest.MR) { m.ApproveAfter = 3 }, 1, 0, "!1 change 1 is approved\n", ""},
		{"timeout", nil, 1, 1, "", "lain: not approved within 10m0s: "},
		{"closed", nil, 2, 3, "", "lain: !2 change 2 was closed without approval\n"},
		{"merged", func(m *gitlabtest.MR) { m.CloseAfter, m.CloseTo = 2, "merged" }, 1, 3, "", "lain: !1 change 1 was merged without approval\n"},
		{"no such mr", nil, 9, 4, "", "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := gitlabtest.Standard()
			defer s.Close()
			if tc.setup != nil {
				tc.setup(s.Projects[0].MRs[tc.iid])
			}
			e, out, errOut, clk := gitlabEnv(s, gitlabtest.Token, nil)
			err := runWaitMRApproval(ctx, &WaitMRApprovalOptions{GitLabEnv: e, Project: "team/hello", IID: tc.iid, Timeout: 10 * time.Minute, Clock: clk})
			if clierr.Code(err) != tc.code && !(tc.code == 0 && err == nil) {
				t.Fatalf("code %d: %v", clierr.Code(err), err)
			}
			if !strings.HasPrefix(out.String(), tc.out) || !strings.Contains(formatErr(err), tc.msg) {
				t.Errorf("out %q\nerr %q", out, formatErr(err))
			}
			if tc.name != "closed" && tc.name != "no such mr" && !strings.HasPrefix(errOut.String(), "waiting for approval of "+s.URL+"/team/hello/-/merge_requests/1") {
				t.Errorf("errOut %q", errOut)
			}
		})
	}
}

// A token GitLab refuses is "cannot ask" (4), not "not approved" (1).
func TestWaitMRApprovalBadTokenExits4(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	e, _, _, clk := gitlabEnv(s, "nope", nil)
	err := runWaitMRApproval(context.Background(), &WaitMRApprovalOptions{GitLabEnv: e, Project: "team/hello", IID: 1, Timeout: time.Minute, Clock: clk})
	if f := clierr.Format(err); clierr.Code(err) != 4 || !strings.Contains(f, "401 Unauthorized") || !strings.Contains(f, "personal_access_tokens") {
		t.Errorf("code %d: %s", clierr.Code(err), f)
	}
}

func TestSendMsg(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
	}))
	defer srv.Close()
	ctx := context.Background()
	dir := newApp(t, map[string]string{"chart/values.yaml": "appname: shop\nwebhook:\n  url: " + srv.URL + "/hook\n  clusters: [test]\n"})
	run := func(cluster, msg string) (string, error) {
		ios, _, _, errOut := iostreams.Test()
		err := runSendMsg(ctx, &SendMsgOptions{IO: ios, Getenv: userEnv, Dir: dir, Cluster: clusterOf(cluster), HTTP: srv.Client(), Message: msg})
		return errOut.String(), err
	}
	if e, err := run("test", "  "); err != nil || e != "the message is empty: nothing sent\n" || len(got) != 0 {
		t.Fatal(e, err, got)
	}
	if e, err := run("test", "hello 1.2 is out"); err != nil || e != "sent to the webhook of shop\n" ||
		len(got) != 1 || got[0] != `{"app":"shop","cluster":"test","event":"message","text":"hello 1.2 is out","user":"ann"}` {
		t.Fatal(e, err, got)
	}
	if e, err := run("prod", "x"); err != nil || e != "webhook.clusters of shop does not list cluster prod (test): nothing sent\n" || len(got) != 1 {
		t.Fatal(e, err)
	}
	plain := newApp(t, map[string]string{"chart/values.yaml": "appname: shop\n"})
	ios, _, _, _ := iostreams.Test()
	err := runSendMsg(ctx, &SendMsgOptions{IO: ios, Getenv: userEnv, Dir: plain, Cluster: clusterOf("test"), HTTP: srv.Client(), Message: "x"})
	if f := formatErr(err); f != "lain: shop has no webhook: there is nowhere to send the message\n  next: add webhook: {url: <your bot's webhook URL>} to chart/values.yaml\n" {
		t.Fatal(f)
	}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	if _, err := run("test", "x"); !strings.Contains(clierr.Format(err), "the message was not delivered: webhook http://127.0.0.1") || strings.Contains(clierr.Format(err), "/hook") {
		t.Fatal(clierr.Format(err))
	}
}

func formatErr(err error) string {
	if err == nil {
		return ""
	}
	return clierr.Format(err)
}
