package completions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestProcsCompleteFromTheValuesFiles goes through cobra's hidden
// __complete command, as a shell does on Tab.
func TestProcsCompleteFromTheValuesFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: shop\ndeployments:\n  web: {}\n  worker: {}\ncronjobs:\n  nightly: {}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "chart", "values-prod.yaml"), []byte("deployments:\n  api: {}\n"), 0o644)
	complete := func(cluster string, args ...string) string {
		root := &cobra.Command{Use: "lain"}
		logs := &cobra.Command{Use: "logs [PROC]", Run: func(*cobra.Command, []string) {},
			ValidArgsFunction: FirstArg(Procs(func() string { return dir }, func() string { return cluster }))}
		root.AddCommand(logs)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(append([]string{cobra.ShellCompNoDescRequestCmd, "logs"}, args...))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := complete("prod", "w"); !strings.HasPrefix(got, "web\nworker\n:4\n") {
		t.Errorf("prod, w: %q", got)
	}
	if got := complete("prod", ""); !strings.HasPrefix(got, "api\nweb\nworker\nnightly\n:4\n") {
		t.Errorf("prod: %q", got)
	}
	if got := complete("test", ""); !strings.HasPrefix(got, "web\nworker\nnightly\n:4\n") {
		t.Errorf("test: %q", got)
	}
	if got := complete("prod", "web", ""); !strings.HasPrefix(got, ":4\n") {
		t.Errorf("second arg: %q", got)
	}
}
