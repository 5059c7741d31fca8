package deploy

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/gitlab/gitlabtest"
	"github.com/lain-cli/lain/internal/runner"
)

func ciEnv(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestMRNote(t *testing.T) {
	s := gitlabtest.Standard()
	defer s.Close()
	cfg := &clusterconfig.Config{Cluster: "test", Values: clusterconfig.Values{Gitlab: s.URL}}
	env := ciEnv(map[string]string{"GITLAB_CI": "true", "CI_PROJECT_ID": "7", "CI_MERGE_REQUEST_IID": "1", "GITLAB_API_TOKEN": gitlabtest.Token})
	on := map[string]any{"gitlab_mr_note": true}
	rec := &runner.Recorder{}
	rec.On("git log --no-decorate ", "1111111111111111111111111111111111111111 1111111 add a thing\n", 0)
	var out bytes.Buffer
	if n, why := MRNoteFromCI(env, map[string]any{}, cfg, s.Client(), rec, "/app", "", &out); n != nil || why != "" {
		t.Error("not asked for: no note")
	}
	if n, _ := MRNoteFromCI(ciEnv(map[string]string{"GITLAB_CI": "true"}), on, cfg, s.Client(), rec, "/app", "", &out); n != nil {
		t.Error("not a merge request pipeline: no note")
	}
	if _, why := MRNoteFromCI(env, on, &clusterconfig.Config{Cluster: "test"}, s.Client(), rec, "/app", "", &out); !strings.Contains(why, "have no gitlab") {
		t.Error(why)
	}
	remote := strings.Replace(s.URL, "http://", "http://oauth2:x@", 1) + "/team/hello.git"
	n, _ := MRNoteFromCI(env, on, cfg, s.Client(), rec, "/app", remote, &out)
	r := Result{App: "hello", Cluster: "test", Release: "hello", Image: "127.0.0.1:5000/lain/hello:1700000001-1111111", ImageTag: "1700000001-1111111",
		Revision: 3, PreviousRevision: 2, PreviousImageTag: "1700000000-0000000"}
	if err := n.Post(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want := "**lain deploy** of `hello` to cluster `test`: deployed as revision 3\n\n" +
		"- image: `127.0.0.1:5000/lain/hello:1700000001-1111111`\n" +
		"- before: revision 2, image tag `1700000000-0000000`\n" +
		"- commits deployed (1):\n  - [`1111111`](" + s.URL + "/team/hello/-/commit/1111111111111111111111111111111111111111) add a thing\n" +
		"- roll back: `lain --use test rollback --revision 2`\n"
	if notes := s.Projects[0].MRs[1].Notes; len(notes) != 1 || notes[0] != want {
		t.Fatalf("%q", notes)
	}
	if !strings.Contains(rec.String(), "git log --no-decorate '--format=%H %h %s' 0000000..1111111") || out.String() != "posted the deploy on merge request !1 (note 1)\n" {
		t.Error(rec, out.String())
	}

	// A refused note is a warning; the deploy's result stands.
	s.Tokens[gitlabtest.Token] = false
	var errOut bytes.Buffer
	d := &Deployer{ErrOut: &errOut, MRNote: n.Post}
	d.notify(context.Background(), r)
	if !strings.HasPrefix(errOut.String(), "warning: the note on the merge request was not posted (the deploy is not affected): GitLab refused POST") {
		t.Error(errOut.String())
	}
	first := n.Body(context.Background(), Result{Release: "hello", Cluster: "test", Image: "i", ImageTag: "1-a", Err: errors.New("helm upgrade failed")})
	if !strings.Contains(first, ": FAILED: helm upgrade failed\n") || !strings.Contains(first, "- before: not deployed (first deploy)\n- commits: not known") || !strings.Contains(first, "`lain --use test delete` removes it") {
		t.Error(first)
	}
}
