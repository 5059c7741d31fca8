package gitlab_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/gitlab"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/testenv"
)

func TestProjectURL(t *testing.T) {
	for _, tc := range []struct{ remote, base, want string }{
		{"git@gitlab.example.com:team/hello.git", "https://gitlab.example.com/", "https://gitlab.example.com/team/hello"},
		{"https://gitlab.example.com/team/sub/hello.git", "https://gitlab.example.com", "https://gitlab.example.com/team/sub/hello"},
		{"ssh://git@GitLab.example.com:2222/team/hello.git", "http://gitlab.example.com", "http://gitlab.example.com/team/hello"},
		{"https://oauth2:tok@gitlab.example.com/team/hello", "https://gitlab.example.com", "https://gitlab.example.com/team/hello"},
		{"https://example.com/gitlab/team/hello.git", "https://example.com/gitlab", "https://example.com/gitlab/team/hello"},
		{"git@github.com:team/hello.git", "https://gitlab.example.com", ""},
		{"/srv/git/hello.git", "https://gitlab.example.com", ""},
		{"", "https://gitlab.example.com", ""},
		{"git@gitlab.example.com:team/hello.git", "", ""},
	} {
		got, ok := gitlab.ProjectURL(tc.remote, tc.base)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s on %s: %q %v, want %q", tc.remote, tc.base, got, ok, tc.want)
		}
	}
}

func FuzzProjectURL(f *testing.F) {
	f.Add("git@gitlab.example.com:team/hello.git", "https://gitlab.example.com")
	f.Add("ssh://git@h:22/a/b", "http://h/x")
	f.Fuzz(func(t *testing.T, remote, base string) {
		u, ok := gitlab.ProjectURL(remote, base)
		if ok && !strings.Contains(u, "://") {
			t.Fatal(u)
		}
	})
}

func TestCommitsWithRealGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testenv.Missing(t, "git")
	}
	dir := t.TempDir()
	env := append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x")
	r := runner.NewExec(runner.Options{Out: io.Discard, ErrOut: io.Discard, Env: env})
	ctx := context.Background()
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "first"}, {"commit", "-q", "--allow-empty", "-m", "second: with spaces"}, {"commit", "-q", "--allow-empty", "-m", "third"}} {
		if _, err := r.Run(ctx, runner.Cmd{Name: "git", Args: args, Dir: dir}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := gitlab.Commits(ctx, r, dir, "HEAD~2", "")
	if err != nil || len(cs) != 2 || cs[0].Subject != "third" || cs[1].Subject != "second: with spaces" || len(cs[0].Hash) != 40 || !strings.HasPrefix(cs[0].Hash, cs[0].Short) {
		t.Fatalf("%+v %v", cs, err)
	}
	if cs[0].URL("https://g/team/hello") != "https://g/team/hello/-/commit/"+cs[0].Hash {
		t.Error(cs[0].URL("https://g/team/hello"))
	}
	if _, err := gitlab.Commits(ctx, r, dir, "0123456789abcdef", ""); err == nil {
		t.Error("unknown commit")
	}
}
