package chart_test

// Golden renders of the built-in chart with the real helm, for a matrix of
// values (every app-values key, a cluster override, a canary, a Docker Hub
// registry). Each render must equal testdata/golden/<case>.yaml, pass helm
// lint, pass lain's own schema check, and be accepted by the lab's API
// server (kubectl apply --dry-run=server). LAIN_UPDATE_GOLDEN=1 rewrites
// the golden files.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/applint"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/chart/charttest"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
)

// goldenCase is one app (testdata/cases/<name>) rendered for one cluster.
type goldenCase struct {
	name, cluster string
	canary        bool
}

var goldenCases = []goldenCase{
	{"minimal", "lab", false},
	{"full", "test", false},
	{"cluster-override", "prod", false},
	{"canary", "lab", true},
	{"dockerio", "lab", false},
	{"original", "test", false},
}

const testTag = "1700000000-0123456789abcdef0123456789abcdef01234567"

// rendered is one case's app, helm options and render.
type rendered struct {
	app       *app.App
	opts      helmargs.Options
	release   string
	manifests []byte
}

func TestGoldenRenders(t *testing.T) {
	helm := charttest.Tool(t, "helm")
	renders := map[string]rendered{}
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			r := render(t, helm, c)
			renders[c.name] = r
			golden := filepath.Join("testdata", "golden", c.name+".yaml")
			if os.Getenv("LAIN_UPDATE_GOLDEN") == "1" {
				if err := os.WriteFile(golden, r.manifests, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (LAIN_UPDATE_GOLDEN=1 writes it)", err)
			}
			if !bytes.Equal(r.manifests, want) {
				t.Errorf("render differs from %s (LAIN_UPDATE_GOLDEN=1 rewrites it after you check the diff):\n%s", golden, firstDiff(string(want), string(r.manifests)))
			}
			lint := helmRun(t, helm, r.app.Dir, helmargs.Lint(r.opts))
			if strings.Contains(lint, "[ERROR]") || strings.Contains(lint, "[WARNING]") {
				t.Errorf("helm lint is not clean:\n%s", lint)
			}
		})
	}
	t.Run("server dry run", func(t *testing.T) {
		kubectl := charttest.Tool(t, "kubectl")
		kc := charttest.Kubeconfig(t)
		ns := charttest.Namespace(t, kubectl, kc)
		created := map[string]bool{"default": true}
		for _, c := range goldenCases {
			golden, err := os.ReadFile(filepath.Join("testdata", "golden", c.name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			for _, sa := range serviceAccounts(t, golden, created) {
				charttest.ServiceAccount(t, kubectl, kc, ns, sa)
				created[sa] = true
			}
			out := charttest.ApplyDryRun(t, kubectl, kc, ns, golden)
			if got, want := strings.Count(out, "(server dry run)"), strings.Count(string(golden), "\nkind: "); got != want {
				t.Errorf("%s: the server accepted %d of %d objects:\n%s", c.name, got, want, out)
			}
		}
	})
}

// serviceAccounts are the ServiceAccounts the pods of a render name that
// are not in have yet.
func serviceAccounts(t *testing.T, manifests []byte, have map[string]bool) []string {
	t.Helper()
	var out []string
	for _, obj := range parseObjects(t, manifests) {
		if sa, ok := podSpec(obj)["serviceAccountName"].(string); ok && !have[sa] && !slices.Contains(out, sa) {
			out = append(out, sa)
		}
	}
	return out
}

// render writes the case's app (its values files and lain's chart) into a
// temp dir and renders it with helm as lain template would.
func render(t *testing.T, helm string, c goldenCase) rendered {
	t.Helper()
	src := filepath.Join("testdata", "cases", c.name)
	dir := t.TempDir()
	entries, _ := filepath.Glob(filepath.Join(src, "values*.yaml"))
	for _, e := range entries {
		b, _ := os.ReadFile(e)
		if err := chart.WriteAtomic(filepath.Join(dir, "chart", filepath.Base(e)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := loadWithChart(t, dir)
	clusterFile, _ := filepath.Abs(filepath.Join(src, "cluster.yaml"))
	o := helmargs.Options{Cluster: c.cluster, User: "dev", RepoURL: "https://git.example.com/team/shop.git", ImageTag: testTag, ClusterValues: clusterFile}
	if a.Has(app.ClusterValuesName(c.cluster)) {
		o.AppClusterValues = app.ClusterValuesName(c.cluster)
	}
	release := a.Release
	if c.canary {
		o.CanaryValues, release = app.CanaryValuesName, a.Name+"-canary"
	}
	checkSchema(t, a, c, clusterFile)
	return rendered{app: a, opts: o, release: release, manifests: []byte(helmRun(t, helm, dir, helmargs.Template(release, o)))}
}

// loadWithChart loads the app in dir after writing lain's chart into it.
func loadWithChart(t *testing.T, dir string) *app.App {
	t.Helper()
	a, err := app.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chart.WriteTemplates(a.ChartPath(), a.Name); err != nil {
		t.Fatal(err)
	}
	return a
}

// checkSchema: every case is valid for lain lint too, so the schema and
// the chart agree on what the keys are.
func checkSchema(t *testing.T, a *app.App, c goldenCase, clusterFile string) {
	t.Helper()
	var extra []string
	if c.canary {
		extra = []string{app.CanaryValuesName}
	}
	files, err := a.ValuesFiles(c.cluster, extra)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(clusterFile)
	cfg := &clusterconfig.Config{Cluster: c.cluster}
	if err := yaml.Unmarshal(raw, &cfg.Values); err != nil {
		t.Fatal(err)
	}
	for _, p := range appvalues.Check(applint.ValuesInput(a, files, cfg)) {
		t.Errorf("lain lint: %s", p)
	}
}

// helmRun runs helm through lain's runner, as the commands do.
func helmRun(t *testing.T, helm, dir string, args []string) string {
	t.Helper()
	var errOut bytes.Buffer
	r := runner.NewExec(runner.Options{Out: &errOut, ErrOut: &errOut, Env: os.Environ(),
		LookPath: func(string) (string, error) { return helm, nil }})
	res, err := r.Run(context.Background(), runner.Cmd{Name: "helm", Args: args, Dir: dir, Capture: true})
	if err != nil {
		t.Fatalf("%v\n%s%s", err, res.Stdout, res.Stderr)
	}
	return string(res.Stdout)
}

// firstDiff shows where two texts start to differ, with some context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(same lines, different bytes)"
}

// TestFullCaseCoversEveryKey keeps the full and the original cases honest:
// each must use every top-level key of the schema and every proc key.
func TestFullCaseCoversEveryKey(t *testing.T) {
	for _, c := range []string{"full", "original"} {
		t.Run(c, func(t *testing.T) { coversEveryKey(t, c) })
	}
}

func coversEveryKey(t *testing.T, name string) {
	vf, err := app.ReadValuesFile(filepath.Join("testdata", "cases", name, "values.yaml"), name)
	if err != nil {
		t.Fatal(err)
	}
	setByLain := map[string]bool{"cluster": true, "user": true, "repo_url": true, "imageTag": true, "canaryGroup": true}
	for _, k := range appvalues.Keys() {
		if _, ok := vf.Map[k]; !ok && !setByLain[k] {
			t.Errorf("%s/values.yaml does not use %s", name, k)
		}
	}
	used := map[string]bool{}
	for _, kind := range append(app.ProcKinds, "tests") {
		procs, _ := vf.Map[kind].(map[string]any)
		for _, p := range procs {
			for k := range p.(map[string]any) {
				used[k] = true
			}
		}
	}
	var all []string
	for _, kind := range append(app.ProcKinds, "tests") {
		all = append(all, appvalues.ProcKeys(kind)...)
	}
	sort.Strings(all)
	for _, k := range all {
		if !used[k] {
			t.Errorf("no proc of %s/values.yaml uses %s", name, k)
		}
	}
}
