package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
)

func TestCherryListsCommitsSinceTheDeployedTag(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: shop\n"), 0o644)
	ios, _, _, errOut := iostreams.Test()
	rec := &runner.Recorder{}
	rec.On("helm get values shop -o json", `{"imageTag":"1700000000-abcdef1234"}`, 0)
	o := &CherryOptions{ReleaseEnv: cmdutil.ReleaseEnv{IO: ios, Runner: rec, Dir: dir}}
	if err := runCherry(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.String(), "git log --oneline --no-decorate abcdef1234..HEAD") || !strings.Contains(errOut.String(), "shop runs 1700000000-abcdef1234") {
		t.Fatalf("%s\n%s", rec, errOut)
	}
}

func TestCherryLinksCommitsToTheClustersGitLab(t *testing.T) {
	dir := newApp(t, map[string]string{"chart/values.yaml": "appname: shop\n"})
	ios, _, out, _ := iostreams.Test()
	rec := &runner.Recorder{}
	rec.On("helm get values shop -o json", `{"imageTag":"1700000000-abcdef1234"}`, 0)
	rec.On("git remote get-url origin", "git@gitlab.example.com:team/shop.git\n", 0)
	rec.On("git log --no-decorate ", "1111111111111111111111111111111111111111 1111111 second\n2222222222222222222222222222222222222222 2222222 first: fix\n", 0)
	cluster := func(string) (*clusterconfig.Config, error) {
		return &clusterconfig.Config{Cluster: "test", Values: clusterconfig.Values{Gitlab: "https://gitlab.example.com"}}, nil
	}
	o := &CherryOptions{ReleaseEnv: cmdutil.ReleaseEnv{IO: ios, Runner: rec, Dir: dir}, Cluster: cluster}
	if err := runCherry(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := "1111111 second\n  https://gitlab.example.com/team/shop/-/commit/1111111111111111111111111111111111111111\n" +
		"2222222 first: fix\n  https://gitlab.example.com/team/shop/-/commit/2222222222222222222222222222222222222222\n"
	if out.String() != want {
		t.Errorf("%s", out)
	}
	// A remote elsewhere: plain git log, as before.
	rec2 := &runner.Recorder{}
	rec2.On("helm get values shop -o json", `{"imageTag":"1700000000-abcdef1234"}`, 0)
	rec2.On("git remote get-url origin", "git@github.com:team/shop.git\n", 0)
	o.Runner = rec2
	if err := runCherry(context.Background(), o); err != nil || !strings.Contains(rec2.String(), "git log --oneline --no-decorate abcdef1234..HEAD") {
		t.Fatal(err, rec2)
	}
}
