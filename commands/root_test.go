package commands

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

func testFactory(env map[string]string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer, *runner.Recorder) {
	ios, _, out, errOut := iostreams.Test()
	rec := &runner.Recorder{}
	f := &cmdutil.Factory{
		IO: ios, Prompter: &prompts.Scripted{}, Globals: &cmdutil.Globals{},
		Build:    cmdutil.BuildInfo{Version: "1.2.3", Commit: "abc", GoVersion: "go1.26"},
		Platform: tools.Platform{GOOS: "linux"},
		Getenv:   func(k string) string { return env[k] },
		Environ:  func() []string { return nil },
		Now:      func() time.Time { return testNow },
		Runner:   func() runner.Runner { return rec },
	}
	return f, out, errOut, rec
}

// Every command a user can see has a summary for `lain --help` and an
// Examples section in its own help.
func TestEveryCommandHasSummaryAndExample(t *testing.T) {
	f, _, _, _ := testFactory(nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			if sub.Short == "" || sub.Example == "" {
				t.Errorf("%s: summary %q, example %q", sub.CommandPath(), sub.Short, sub.Example)
			}
			walk(sub)
		}
	}
	walk(NewRootCmd(f))
}

func TestGlobalFlagsFillOneStruct(t *testing.T) {
	f, _, _, _ := testFactory(map[string]string{"LAIN_IGNORE_LINT": "1", "LAIN_REMOTE_DOCKER": "true"})
	root := NewRootCmd(f)
	var seen *cmdutil.Globals
	probe := &cobra.Command{Use: "probe", RunE: func(*cobra.Command, []string) error { seen = f.Globals; return nil }}
	root.AddCommand(probe)
	root.SetArgs([]string{"probe", "-s", "-v", "-a", "--dry-run", "-f", "a.yaml", "--values", "b.yaml"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := cmdutil.Globals{Silent: true, Verbose: true, AutoPilot: true, DryRun: true, IgnoreLint: true, RemoteDocker: true, Values: []string{"a.yaml", "b.yaml"}}
	if strings.Join(seen.Values, ",") != "a.yaml,b.yaml" || seen.Silent != want.Silent || seen.Verbose != want.Verbose ||
		seen.AutoPilot != want.AutoPilot || seen.DryRun != want.DryRun || !seen.IgnoreLint || !seen.RemoteDocker {
		t.Fatalf("%+v", *seen)
	}
}

func TestEnvDefaultsDoNotOverrideExplicitFlags(t *testing.T) {
	f, _, _, _ := testFactory(map[string]string{"LAIN_IGNORE_LINT": "1"})
	root := NewRootCmd(f)
	root.AddCommand(&cobra.Command{Use: "probe", RunE: func(*cobra.Command, []string) error { return nil }})
	root.SetArgs([]string{"probe", "--ignore-lint=false"})
	root.ExecuteContext(context.Background())
	if f.Globals.IgnoreLint {
		t.Fatal("env beat the flag")
	}
}

func TestMissingToolErrorNamesInstallCommand(t *testing.T) {
	f, _, _, _ := testFactory(nil)
	f.Platform = tools.Platform{GOOS: "darwin"}
	err := explain(&runner.NotFoundError{Name: "helm"}, f, "lain --help")
	if got := clierr.Format(err); got != "lain: helm is not installed (not found in PATH)\n  next: brew install helm (or see https://helm.sh/docs/intro/install/)\n" {
		t.Fatal(got)
	}
}
