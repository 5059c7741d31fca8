package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/chart/charttest"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
)

const shopValues = `appname: shop
deployments:
  web:
    command: ["./shop"]
    containerPort: 8080
    resources:
      requests: {cpu: 100m, memory: 128Mi}
`

// newApp writes an app with lain's chart and the given files into a temp
// dir named shop.
func newApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if _, err := chart.WriteTemplates(filepath.Join(dir, "chart"), "shop"); err != nil {
		t.Fatal(err)
	}
	for p, c := range files {
		if err := chart.WriteAtomic(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// clusterOf is the current cluster name of testClusters, merged with the
// app's chart/values-<name>.yaml the way lain does.
func clusterOf(name string) func(string) (*clusterconfig.Config, error) {
	return func(appDir string) (*clusterconfig.Config, error) {
		cl, err := testClusters().Load(name)
		if err != nil {
			return nil, err
		}
		return clusterconfig.Resolve(cl, appDir, func(string) string { return "" })
	}
}

func userEnv(k string) string { return map[string]string{"USER": "ann"}[k] }

const manifest = "---\n# Source: shop/templates/deployments.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop-web\nspec:\n  selector:\n    matchLabels: {app.kubernetes.io/instance: shop-web}\n"

type lintEnv struct {
	opts        *LintOptions
	rec         *runner.Recorder
	out, errOut *bytes.Buffer
}

func newLintEnv(t *testing.T, files map[string]string) *lintEnv {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	rec := &runner.Recorder{}
	rec.On("git log", "1700000000-abc", 0)
	rec.On("git remote", "", 2)
	rec.On("helm template", manifest, 0)
	return &lintEnv{rec: rec, out: out, errOut: errOut,
		opts: &LintOptions{IO: ios, Runner: rec, Getenv: userEnv, Dir: newApp(t, files), Cluster: clusterOf("test")}}
}

// tmpValues hides the name of the cluster values temp file.
var tmpValues = regexp.MustCompile(`-f /\S*lain-cluster-test-\S+\.yaml`)

func TestLintRunsHelmWithDeploysOptions(t *testing.T) {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues, "chart/values-test.yaml": "deployments:\n  web:\n    replicaCount: 2\n"})
	if err := runLint(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	flags := "--set cluster=test,user=ann,repo_url=,imageTag=1700000000-abc -f CLUSTER -f chart/values-test.yaml"
	want := []string{
		"git log -1 --pretty=format:%ct-%H",
		"git remote get-url origin",
		"helm template shop ./chart " + flags,
	}
	var got []string
	for _, l := range e.rec.Lines {
		got = append(got, tmpValues.ReplaceAllString(l, "-f CLUSTER"))
	}
	sort.Strings(got[:2]) // the two git queries run side by side
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range e.rec.Cmds[2:] {
		if c.Mutates || c.Dir != e.opts.Dir {
			t.Errorf("%+v", c)
		}
	}
	if e.errOut.String() != "lint: shop is ready to deploy to test\n" {
		t.Errorf("stderr %q", e.errOut)
	}
	// The cluster values temp file is gone afterwards.
	if f := strings.TrimPrefix(tmpValues.FindString(e.rec.Lines[2]), "-f "); f == "" {
		t.Error("no cluster values file")
	} else if _, err := os.Stat(f); !os.IsNotExist(err) {
		t.Errorf("%s left behind", f)
	}
}

func TestLintReportsEveryProblemAtOnceAndSkipsHelm(t *testing.T) {
	e := newLintEnv(t, map[string]string{
		"chart/values.yaml": `appname: shop
deployments:
  web:
    containerPort: 80800
    resources:
      limits: {memory: 512m}
ingresses:
  - host: shop.example.com
    deployName: wbe
`,
		"chart/values-test.yaml": "build:\n  base: x\n",
		"extra.yaml":             "deployments:\n  web:\n    replicaCont: 3\n",
	})
	e.opts.Values = []string{"extra.yaml"}
	err := runLint(context.Background(), e.opts)
	want := `lain: lint found 4 problem(s):
  chart/values.yaml:4: deployments.web.containerPort: 80800 is not a port (1-65535)
  chart/values.yaml:6: deployments.web.resources.limits.memory: 512m is 0.512 bytes: m means thousandths (write 512Mi)
  chart/values.yaml:9: ingresses[0].deployName: "wbe" names no deployment or statefulSet (did you mean "web"?)
  extra.yaml:3: deployments.web.replicaCont: unknown key (did you mean "replicaCount"?)
  next: fix the values, then run: lain lint
`
	if got := clierr.Format(err); got != want || clierr.Code(err) != 2 {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	if e.errOut.String() != "warning: chart/values-test.yaml:1: build: set in cluster values, but an image is built once for every cluster (move it to chart/values.yaml)\n" {
		t.Errorf("stderr %q", e.errOut)
	}
	for _, l := range e.rec.Lines {
		if strings.HasPrefix(l, "helm") {
			t.Errorf("ran %s on broken values", l)
		}
	}
}

func TestLintWantsTheBuiltInChartVersion(t *testing.T) {
	// A chart as the original lain wrote it: its Chart.yaml, its
	// templates/deployment.yaml (lain's own are in templates/deployments.yaml).
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues,
		"chart/Chart.yaml":                   "apiVersion: v2\nname: chart\ndescription: \"I got this, baby\"\ntype: application\nversion: 0.1.11\nappVersion: no-use\n",
		"chart/templates/deployment.yaml":    "{{- range $deployName, $deployment := .Values.deployments }}\nmetadata:\n  labels:\n    {{- include \"chart.labels\" $ | nindent 4 }}\n{{- end }}\n",
		"chart/templates/networkPolicy.yaml": "{{- with .Values.networkPolicy -}}\n{{- end }}\n",
	})
	os.Remove(filepath.Join(e.opts.Dir, "chart", "templates", "hpa.yaml"))
	err := runLint(context.Background(), e.opts)
	want := "lain: lint found 1 problem(s):\n  chart/ was written by the original lain (chart 0.1.11); this lain's chart is " + chart.Version +
		". lain init --template-only would replace Chart.yaml; add templates/hpa.yaml; move the original's templates/deployment.yaml, templates/networkPolicy.yaml" +
		" to chart/templates.backup-TIME/ (lain's templates replace them). It keeps chart/values.yaml and chart/values-*.yaml as they are (docs/migrating.md lists what renders differently)\n" +
		"  next: lain init --template-only --commit\n"
	if got := clierr.Format(err); got != want {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	// An older lain's chart: only what changed since.
	chart.WriteTemplates(filepath.Join(e.opts.Dir, "chart"), "shop")
	os.Remove(filepath.Join(e.opts.Dir, "chart", "templates", "deployment.yaml"))
	os.Remove(filepath.Join(e.opts.Dir, "chart", "templates", "networkPolicy.yaml"))
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "Chart.yaml"), []byte(strings.Replace(string(chart.Files("shop")["Chart.yaml"]), "version: "+chart.Version, "version: 1.0.0", 1)), 0o644)
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "templates", "services.yaml"), []byte("# chart 1.0.0's\n"), 0o644)
	want = "lain: lint found 1 problem(s):\n  chart/ was written by an older lain (chart 1.0.0); this lain's chart is " + chart.Version +
		". lain init --template-only would replace Chart.yaml, templates/services.yaml. It keeps chart/values.yaml and chart/values-*.yaml as they are\n" +
		"  next: lain init --template-only --commit\n"
	if got := clierr.Format(runLint(context.Background(), e.opts)); got != want {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	os.Remove(filepath.Join(e.opts.Dir, "chart", "Chart.yaml"))
	if got := clierr.Format(runLint(context.Background(), e.opts)); !strings.Contains(got, "chart/Chart.yaml is missing") {
		t.Error(got)
	}
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "Chart.yaml"), []byte("apiVersion: v2\nname: shop\nversion: 99.0.0\n"), 0o644)
	if err := runLint(context.Background(), e.opts); err != nil || !strings.Contains(e.errOut.String(), "warning: chart/Chart.yaml: the chart is version 99.0.0, newer than this lain's built-in chart") {
		t.Errorf("%v %s", err, e.errOut)
	}
}

func TestLintHelmFailures(t *testing.T) {
	cases := []struct {
		name   string
		answer func(r *runner.Recorder)
		want   string
	}{
		{"empty render", func(r *runner.Recorder) { r.On("helm template", "---\n# Source: x\n", 0) },
			"lain: helm template rendered nothing: chart/values.yaml defines no deployments, statefulSets, jobs or cronjobs\n  next: add a proc to chart/values.yaml (lain init --force writes a fresh one, keeping a backup), then run: lain lint\n"},
		{"render error", func(r *runner.Recorder) {
			r.OnError("helm template", &runner.ExitError{Name: "helm", Code: 1, Stderr: "Error: parse error at (shop/templates/mine.yaml:3): unexpected \"}\" in operand\n"})
		}, "lain: helm template failed: parse error at (chart/templates/mine.yaml:3): unexpected \"}\" in operand\n  next: fix chart/ or chart/values*.yaml, then run: lain lint   (lain template --debug shows the render)\n"},
		{"refused object", func(r *runner.Recorder) {
			r.On("helm template", "---\n# Source: shop/templates/services.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: Shop_Web\n", 0)
		}, "lain: the chart renders 1 object(s) the cluster would refuse:\n  chart/templates/services.yaml: Service \"Shop_Web\": metadata.name: \"Shop_Web\" is not a valid Service name: lowercase letters, digits and '-', starting with a letter\n  next: fix chart/ or chart/values*.yaml (lain template shows the render), then run: lain lint\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues})
			rec := &runner.Recorder{}
			c.answer(rec)
			rec.On("helm", manifest, 0)
			e.opts.Runner = rec
			if got := clierr.Format(runLint(context.Background(), e.opts)); got != c.want {
				t.Fatalf("got\n%swant\n%s", got, c.want)
			}
		})
	}
}

// fakeAdvisor stands in for the Prometheus advice of a later issue.
type fakeAdvisor struct{ asked int }

func (f *fakeAdvisor) Advise(context.Context, *app.App, map[string]any) ([]appvalues.Problem, error) {
	f.asked++
	return []appvalues.Problem{{File: "chart/values.yaml", Line: 7, Key: "deployments.web.resources.limits.cpu", Msg: "used 1.4 cores at peak", Hint: "set 2000m", Warning: true}}, nil
}

func TestLintAdviceSeamAndSimple(t *testing.T) {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues})
	adv := &fakeAdvisor{}
	e.opts.Advisor = adv
	if err := runLint(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errOut.String(), "warning: chart/values.yaml:7: deployments.web.resources.limits.cpu: used 1.4 cores at peak (set 2000m)\n") {
		t.Error(e.errOut.String())
	}
	e.opts.Simple = true
	runLint(context.Background(), e.opts)
	if adv.asked != 1 {
		t.Errorf("--simple asked the advisor: %d", adv.asked)
	}
}

func TestLintOutsideAnApp(t *testing.T) {
	e := newLintEnv(t, nil)
	e.opts.Dir = t.TempDir()
	if got := clierr.Format(runLint(context.Background(), e.opts)); !strings.Contains(got, "this is not a lain app (yet)\n  next: lain init") {
		t.Error(got)
	}
}

// realRunner runs the real helm found by charttest, through lain's runner.
func realRunner(t *testing.T, out, errOut *bytes.Buffer) runner.Runner {
	t.Helper()
	helm := charttest.Tool(t, "helm")
	return runner.NewExec(runner.Options{Out: out, ErrOut: errOut, Env: os.Environ(), LookPath: func(name string) (string, error) {
		if name == "helm" {
			return helm, nil
		}
		return "/nonexistent/" + name, nil // git: outside a repository, as if absent
	}})
}

func TestLintWithTheRealHelm(t *testing.T) {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues})
	e.opts.Runner = realRunner(t, e.out, e.errOut)
	if err := runLint(context.Background(), e.opts); err != nil {
		t.Fatalf("%v\n%s", clierr.Format(err), e.errOut)
	}
	if !strings.HasSuffix(e.errOut.String(), "lint: shop is ready to deploy to test\n") || !strings.Contains(e.errOut.String(), "$ helm template shop ./chart --set cluster=test,user=ann,repo_url=,imageTag=latest -f ") {
		t.Error(e.errOut.String())
	}
	// Only an appname: valid values, but nothing to deploy.
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "values.yaml"), []byte("appname: shop\n"), 0o644)
	if got := clierr.Format(runLint(context.Background(), e.opts)); !strings.HasPrefix(got, "lain: helm template rendered nothing") {
		t.Error(got)
	}
}

// helm renders once; what it refuses and what the cluster would refuse are
// reported by file (and line), from the real helm.
func TestLintBrokenChartsWithTheRealHelm(t *testing.T) {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues, "chart/templates/mine.yaml": "kind: ConfigMap\nmetadata:\n  name: {{ .Values.appname }\n"})
	e.opts.Runner = realRunner(t, e.out, e.errOut)
	got := clierr.Format(runLint(context.Background(), e.opts))
	if !strings.HasPrefix(got, "lain: helm template failed: parse error at (chart/templates/mine.yaml:3): ") {
		t.Errorf("syntax error:\n%s", got)
	}
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "templates", "mine.yaml"), []byte("kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: {{ .Values.appname }}-{{ .Values.extra }}\n"), 0o644)
	os.WriteFile(filepath.Join(e.opts.Dir, "chart", "values-test.yaml"), []byte("extra: Not_A_Name\n"), 0o644)
	got = clierr.Format(runLint(context.Background(), e.opts))
	if !strings.Contains(got, `chart/templates/mine.yaml: ConfigMap "shop-Not_A_Name": metadata.name: "shop-Not_A_Name" is not a valid name`) {
		t.Errorf("refused name:\n%s", got)
	}
}
