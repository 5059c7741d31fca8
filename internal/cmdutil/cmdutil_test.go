package cmdutil

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/kube"
)

func TestLoadAppWithoutAppnameSaysWhereLikeLint(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("deployments:\n  web: {}\n"), 0o644)
	_, err := LoadApp(dir)
	if got := clierr.Format(err); got != "lain: chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)\n  next: fix the file, then run: lain lint\n" {
		t.Errorf("%q", got)
	}
	if clierr.Code(err) != clierr.ExitUsage {
		t.Errorf("exit code %d", clierr.Code(err))
	}
}

func TestRunningAppProcNames(t *testing.T) {
	ra := &RunningApp{App: &app.App{Name: "hello", Release: "hello"}}
	st := &kube.App{Workloads: []kube.Workload{{Kind: "Deployment", Name: "hello-web"}, {Kind: "CronJob", Name: "hello-nightly"}, {Kind: "Deployment", Name: "other"}}}
	if got := ra.ProcList(st, "Deployment"); got != "web, other" {
		t.Errorf("ProcList %q", got)
	}
	if got := ra.ProcList(st, "StatefulSet"); got != "none" {
		t.Errorf("no procs of a kind: %q", got)
	}
	for instance, want := range map[string]string{"hello-web": "web", "other": "other", "hello-": "hello-"} {
		if got := ra.ProcOf(instance); got != want {
			t.Errorf("ProcOf(%q) = %q, want %q", instance, got, want)
		}
	}
	if name, ok := ra.InstanceName(st, "nightly"); !ok || name != "hello-nightly" {
		t.Errorf("InstanceName(nightly) = %q %v", name, ok)
	}
}

func TestSplitAtDash(t *testing.T) {
	cmd := &cobra.Command{Use: "x", Args: cobra.ArbitraryArgs, RunE: func(*cobra.Command, []string) error { return nil }}
	var before, after []string
	cmd.RunE = func(c *cobra.Command, args []string) error {
		before, after = SplitAtDash(c, args)
		return nil
	}
	cmd.SetArgs([]string{"web", "--", "ls", "-l"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(before) != 1 || before[0] != "web" || len(after) != 2 || after[0] != "ls" {
		t.Errorf("before %q after %q", before, after)
	}
}
