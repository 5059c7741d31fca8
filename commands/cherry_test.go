package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	o := &CherryOptions{ReleaseEnv{IO: ios, Runner: rec, Dir: dir}}
	if err := runCherry(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.String(), "git log --oneline --no-decorate abcdef1234..HEAD") || !strings.Contains(errOut.String(), "shop runs 1700000000-abcdef1234") {
		t.Fatalf("%s\n%s", rec, errOut)
	}
}
