package chart_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/chart/charttest"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
)

// Every example docs/values.md shows goes through what lain lint runs
// after its own check, with the real helm: helm lint and helm template of
// lain's chart. So helm validates each against values.schema.json (as
// helm reads YAML, not as lain does) and the templates read each without
// failing. The examples come packed a few to a file (appvalues.ExampleFiles)
// to keep the helm runs few.
func TestValuesExamplesPassHelm(t *testing.T) {
	helm := charttest.Tool(t, "helm")
	files, err := appvalues.ExampleFiles()
	if err != nil {
		t.Fatal(err)
	}
	clusterFile, _ := filepath.Abs(filepath.Join("testdata", "cases", "full", "cluster.yaml"))
	for i, f := range files {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			dir := t.TempDir()
			cmd, why := helmRefuses(t, helm, dir, clusterFile, f.Text, "lint", "template")
			if why == "" {
				return
			}
			// Name the examples helm refuses, one at a time (with the one
			// command that failed: a key takes a second of helm).
			for _, k := range f.Keys {
				text, err := appvalues.ExampleFileFor(k)
				if err != nil {
					t.Fatal(err)
				}
				if _, why := helmRefuses(t, helm, dir, clusterFile, text, cmd); why != "" {
					t.Errorf("%s: helm refuses its example: %s\nvalues.yaml:\n%s", k, why, text)
				}
			}
			if !t.Failed() {
				t.Errorf("helm refuses these examples together, none alone: %s\nvalues.yaml:\n%s", strings.Join(f.Keys, ", "), f.Text)
			}
		})
	}
}

// helmRefuses writes values into dir's chart, beside lain's chart, runs
// the helm commands (lint, template) and says which refused it and why
// ("" when they pass).
func helmRefuses(t *testing.T, helm, dir, clusterFile, values string, cmds ...string) (cmd, why string) {
	t.Helper()
	if err := chart.WriteAtomic(filepath.Join(dir, "chart", "values.yaml"), []byte(values), 0o644); err != nil {
		t.Fatal(err)
	}
	a := loadWithChart(t, dir)
	o := helmargs.Options{Cluster: "test", User: "dev", ImageTag: testTag, ClusterValues: clusterFile}
	for _, cmd := range cmds {
		args := helmargs.Lint(o)
		if cmd == "template" {
			args = helmargs.Template(a.Release, o)
		}
		if out, err := helmOutput(helm, dir, args); err != nil {
			return cmd, "helm " + cmd + ": " + err.Error() + "\n" + out
		}
	}
	return "", ""
}

// helmOutput runs helm through lain's runner and returns what it printed.
func helmOutput(helm, dir string, args []string) (string, error) {
	var log bytes.Buffer
	r := runner.NewExec(runner.Options{Out: &log, ErrOut: &log, Env: os.Environ(),
		LookPath: func(string) (string, error) { return helm, nil }})
	res, err := r.Run(context.Background(), runner.Cmd{Name: "helm", Args: args, Dir: dir, Capture: true})
	return string(res.Stdout) + string(res.Stderr), err
}

// helm refuses through values.schema.json what lain lint refuses, even
// when lint is skipped: an unknown key of a proc, a wrong type.
func TestHelmRefusesWhatLintRefuses(t *testing.T) {
	helm := charttest.Tool(t, "helm")
	clusterFile, _ := filepath.Abs(filepath.Join("testdata", "cases", "full", "cluster.yaml"))
	for values, want := range map[string]string{
		"appname: shop\ndeployments:\n  web:\n    replicas: 2\n":       "Additional property replicas is not allowed",
		"appname: shop\ndeployments:\n  web:\n    replicaCount: two\n": "deployments.web.replicaCount: Invalid type",
	} {
		dir := t.TempDir()
		if _, why := helmRefuses(t, helm, dir, clusterFile, values, "template"); !strings.Contains(why, want) {
			t.Errorf("helm template of\n%s\nsays %q, want it to refuse: %s", values, why, want)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(values), &doc); err != nil {
			t.Fatal(err)
		}
		f := appvalues.File{Name: "chart/values.yaml", Root: doc.Content[0]}
		if len(appvalues.Errors(appvalues.Check(appvalues.Input{Files: []appvalues.File{f}}))) == 0 {
			t.Errorf("lain lint accepts\n%s", values)
		}
	}
}
