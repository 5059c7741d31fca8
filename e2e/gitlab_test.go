//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
)

// gitIn runs git in dir with a fixed identity and returns its trimmed output.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := MustRun(t, "git", append([]string{"-C", dir, "-c", "user.name=E2E", "-c", "user.email=e2e@example.com"}, args...)...)
	return strings.TrimSpace(r.Stdout)
}

// In a merge request pipeline with gitlab_mr_note: true, lain deploy
// comments on the MR: cluster, image, revisions, the commits deployed
// (linked to the cluster's GitLab) and the rollback command. A GitLab that
// refuses the note does not fail the deploy.
func TestGitLabDeployNote(t *testing.T) {
	gl := gitlabtest.Standard()
	defer gl.Close()
	d := newDeployApp(t, "gitlab_mr_note: true\n")
	gitIn(t, d.dir, "init", "-q")
	gitIn(t, d.dir, "remote", "add", "origin", gl.URL+"/team/hello.git")
	gitIn(t, d.dir, "add", "-A")
	gitIn(t, d.dir, "commit", "-q", "-m", "first version")
	first := gitIn(t, d.dir, "rev-parse", "--short", "HEAD")
	gitIn(t, d.dir, "commit", "-q", "--allow-empty", "-m", "fix the greeting")
	gitIn(t, d.dir, "commit", "-q", "--allow-empty", "-m", "add a health check")
	full := gitIn(t, d.dir, "rev-parse", "HEAD")
	second := gitIn(t, d.dir, "rev-parse", "--short", "HEAD")
	tag1, tag2 := "1700000000-"+first, "1700000100-"+second
	d.push(tag1)
	d.push(tag2)

	env := []string{"CLUSTER_VALUES_DIR=" + clusterValues(t, "gitlab: "+gl.URL), "USER=alice"}
	ci := append(env, "CI=true", "GITLAB_CI=true", "CI_PROJECT_ID=7", "CI_MERGE_REQUEST_IID=1", "GITLAB_API_TOKEN="+gitlabtest.Token)
	lain := func(env []string, args ...string) Result {
		t.Helper()
		r := Lain(t, Cmd{Args: args, Dir: d.dir, Home: d.home, Env: env})
		if r.Code != 0 {
			t.Fatalf("%s", r)
		}
		return r
	}
	lain(env, "--ignore-lint", "deploy", "--set", "imageTag="+tag1)
	r := lain(ci, "--ignore-lint", "deploy", "--set", "imageTag="+tag2)
	wantIn(t, r.Stderr, "posted the deploy on merge request !1 (note 1)")
	if strings.Contains(r.Stdout+r.Stderr, gitlabtest.Token) {
		t.Errorf("the token was printed:\n%s", r)
	}
	notes := gl.Projects[0].MRs[1].Notes
	if len(notes) != 1 {
		t.Fatalf("notes: %q", notes)
	}
	want := fmt.Sprintf("**lain deploy** of `%s` to cluster `lab`: deployed as revision 2\n\n"+
		"- image: `%s/%s:%s`\n"+
		"- before: revision 1, image tag `%s`\n"+
		"- commits deployed (2):\n"+
		"  - [`%s`](%s/team/hello/-/commit/%s) add a health check\n", d.name, Lab.Registry, d.name, tag2, tag1, second, gl.URL, full)
	if !strings.HasPrefix(notes[0], want) || !strings.Contains(notes[0], ") fix the greeting\n- roll back: `lain --use lab rollback --revision 1`\n") {
		t.Errorf("note:\n%s\nwant it to start:\n%s", notes[0], want)
	}

	// The token is revoked: a warning, and the deploy still succeeds.
	gl.Mu.Lock()
	gl.Tokens[gitlabtest.Token] = false
	gl.Mu.Unlock()
	r = lain(ci, "--ignore-lint", "deploy", "--set", "imageTag="+tag1)
	wantIn(t, r.Stderr, "warning: the note on the merge request was not posted (the deploy is not affected): GitLab refused POST /projects/:id/merge_requests/:merge_request_iid/notes: 401 Unauthorized")
	if got := d.image("web"); !strings.HasSuffix(got, ":"+tag1) {
		t.Errorf("deployed image %s", got)
	}
	// Not a merge request pipeline: no note, no warning.
	r = lain(append(env, "CI=true", "GITLAB_CI=true"), "--ignore-lint", "deploy", "--set", "imageTag="+tag2)
	if strings.Contains(r.Stderr, "merge request") {
		t.Errorf("%s", r.Stderr)
	}
}

// The GitLab and chat commands through the binary: exit codes and lines.
func TestGitLabCommands(t *testing.T) {
	gl := gitlabtest.Standard()
	defer gl.Close()
	home := NewUserHome(t)
	if r := LainArgs(t, "", home, "use", "lab"); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	env := []string{"CLUSTER_VALUES_DIR=" + clusterValues(t, "gitlab: "+gl.URL), "GITLAB_API_TOKEN=" + gitlabtest.Token}
	lain := func(env []string, args ...string) Result {
		t.Helper()
		return Lain(t, Cmd{Args: args, Home: home, Env: env})
	}
	r := lain(env, "assign-mr", "team/hello", "1", "--seed", "5")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "assigned !1 change 1\n") || !strings.Contains(r.Stderr, "--seed 5 makes the same choice") {
		t.Fatalf("%s", r)
	}
	r = lain(env, "assign-mr", "team/hello", "1")
	if r.Code != 0 || !strings.Contains(r.Stdout, "already has assignee @") {
		t.Fatalf("%s", r)
	}
	if r = lain(env, "wait-mr-approval", "team/hello", "2"); r.Code != 3 || !strings.Contains(r.Stderr, "lain: !2 change 2 was closed without approval") {
		t.Errorf("closed: %s", r)
	}
	if r = lain(env, "wait-mr-approval", "team/hello", "1", "--timeout", "1s"); r.Code != 1 || !strings.Contains(r.Stderr, "waiting for approval of "+gl.URL) ||
		!strings.Contains(r.Stderr, "lain: not approved within 1s") {
		t.Errorf("timeout: %s", r)
	}
	gl.Mu.Lock()
	gl.Projects[0].MRs[1].ApproveAfter = 1
	gl.Mu.Unlock()
	if r = lain(append(env, "GITLAB_CI=true", "CI_PROJECT_ID=7", "CI_MERGE_REQUEST_IID=1"), "wait-mr-approval"); r.Code != 0 || r.Stdout != "!1 change 1 is approved\n  "+gl.URL+"/team/hello/-/merge_requests/1\n" {
		t.Errorf("approved: %s", r)
	}
	r = lain([]string{"CLUSTER_VALUES_DIR=" + clusterValues(t, "gitlab: "+gl.URL), "GITLAB_CI=true", "CI_JOB_TOKEN=job-tok-e2e"}, "-v", "assign-mr", "7", "1")
	if r.Code != 1 || !strings.Contains(r.Stderr, "GitLab does not accept CI_JOB_TOKEN for GET /projects/:id/merge_requests/:merge_request_iid") ||
		!strings.Contains(r.Stderr, gl.URL+"/-/user_settings/personal_access_tokens (scope api)") || strings.Contains(r.Stderr, "job-tok-e2e") {
		t.Errorf("job token: %s", r)
	}
	r = lain(append(env, "GITLAB_API_TOKEN=glpat-wrong-e2e"), "-v", "assign-mr", "7", "1")
	if r.Code != 1 || !strings.Contains(r.Stderr, "PRIVATE-TOKEN: ***") || strings.Contains(r.Stderr, "glpat-wrong-e2e") || !strings.Contains(r.Stderr, "401 Unauthorized") {
		t.Errorf("-v with a wrong token: %s", r)
	}

	var mu sync.Mutex
	var bodies []string
	chat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer chat.Close()
	d := newDeployApp(t, "webhook:\n  url: "+chat.URL+"/hook\n")
	send := func(msg string) Result {
		return Lain(t, Cmd{Args: []string{"send-msg", msg}, Dir: d.dir, Home: d.home, Env: []string{"USER=alice"}})
	}
	if r = send(""); r.Code != 0 || r.Stderr != "the message is empty: nothing sent\n" {
		t.Errorf("empty: %s", r)
	}
	if r = send("v2 is on the lab"); r.Code != 0 || r.Stderr != "sent to the webhook of "+d.name+"\n" {
		t.Errorf("%s", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || bodies[0] != `{"app":"`+d.name+`","cluster":"lab","event":"message","text":"v2 is on the lab","user":"alice"}` {
		t.Errorf("%q", bodies)
	}
}
