// Package applint is `lain lint`, which `lain deploy` runs first: the app's
// values against the schema (every problem at once, by file and line), the
// chart's version and files against the built-in one, then one `helm
// template` with exactly the options deploy passes, and the checks of helm
// lint that matter for lain's chart run in-process on that render
// (rendered.go): parseable YAML, object names and labels the API server
// accepts, selectors.
package applint

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/render"
	"github.com/lain-cli/lain/internal/runner"
)

// UpgradeChart is the command that brings an app's chart up to date.
const UpgradeChart = "lain init --template-only --commit"

// Advisor suggests resources for the app's procs from what they used
// (Prometheus; a later issue). Its problems are printed like the others.
type Advisor interface {
	Advise(ctx context.Context, a *app.App, merged map[string]any) ([]appvalues.Problem, error)
}

// Input is everything lint looks at.
type Input struct {
	Target *render.Target
	Runner runner.Runner
	// Release is the release the render is named for ("": the app's).
	Release string
	// Extra are helm arguments after lain's own (the user's --set), so
	// that deploy lints exactly what it then installs.
	Extra  []string
	ErrOut io.Writer // warnings go here
	// Advisor is nil when there is nothing to ask (or with --simple).
	Advisor Advisor
}

// Run lints the app and returns the render it checked (deploy reuses it),
// or an error listing everything to fix. helm renders once: the checks
// helm lint would add run here, on that render.
func Run(ctx context.Context, in Input) ([]byte, error) {
	t := in.Target
	problems := appvalues.Check(ValuesInput(t.App, t.Files, t.Cluster))
	chartErr := checkChartVersion(t.App, in.ErrOut)
	if chartErr == "" {
		chartErr = checkChartFiles(t.App.ChartPath())
	}
	printWarnings(in.ErrOut, problems)
	if errs := appvalues.Errors(problems); len(errs) > 0 || chartErr != "" {
		return nil, problemsError(errs, chartErr)
	}
	rendered, err := t.Render(ctx, in.Runner, in.Release, in.Extra...)
	if err != nil {
		return nil, err
	}
	if Empty(rendered) {
		return nil, clierr.Of(clierr.InvalidInput, "helm template rendered nothing: chart/values.yaml defines no deployments, statefulSets, jobs or cronjobs",
			"add a proc to chart/values.yaml (lain init --force writes a fresh one, keeping a backup), then run: lain lint")
	}
	found := CheckRendered(rendered)
	for _, f := range found {
		if f.Warning {
			fmt.Fprintln(in.ErrOut, "warning: "+f.String())
		}
	}
	if errs := renderErrors(found); len(errs) > 0 {
		return nil, &clierr.Error{Kind: clierr.InvalidInput,
			Msg:  fmt.Sprintf("the chart renders %d object(s) the cluster would refuse:\n  %s", len(errs), strings.Join(errs, "\n  ")),
			Next: "fix chart/ or chart/values*.yaml (lain template shows the render), then run: lain lint"}
	}
	if in.Advisor != nil {
		advice, err := in.Advisor.Advise(ctx, t.App, t.Merged())
		if err != nil {
			fmt.Fprintf(in.ErrOut, "warning: no resource advice: %v\n", err)
		}
		printWarnings(in.ErrOut, advice)
		if errs := appvalues.Errors(advice); len(errs) > 0 {
			return nil, problemsError(errs, "")
		}
	}
	return rendered, nil
}

// ValuesInput is the schema check's view of the app on a cluster.
func ValuesInput(a *app.App, files []*app.ValuesFile, cfg *clusterconfig.Config) appvalues.Input {
	in := appvalues.Input{ClusterKeys: ClusterKeys(), TemplateKeys: a.TemplateKeys(chart.TemplateNames())}
	if cfg != nil {
		in.Cluster, in.Domain, in.DomainSuffix = cfg.Cluster, cfg.Values.Domain, cfg.Values.DomainSuffix
	}
	for _, f := range files {
		in.Files = append(in.Files, appvalues.File{Name: f.Name, Root: f.Root, Cluster: cfg != nil && f.Name == app.ClusterValuesName(cfg.Cluster)})
	}
	return in
}

// ClusterKeys are the keys of cluster values (reference section 3), read
// from clusterconfig.Values so the two never drift apart, and the original
// lain's keys this one only tolerates.
func ClusterKeys() []string {
	keys := clusterconfig.OriginalKeys()
	t := reflect.TypeOf(clusterconfig.Values{})
	for i := 0; i < t.NumField(); i++ {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

// checkChartVersion returns what is wrong with the app's chart version
// ("" when nothing): a chart written by the original lain or an older lain
// gets what lain init --template-only would change. A newer chart than
// lain's only warns.
func checkChartVersion(a *app.App, errOut io.Writer) string {
	v, err := chart.InstalledVersion(a.ChartPath())
	switch {
	case err != nil:
		return err.Error()
	case v != "" && chart.Compare(v, chart.Version) > 0:
		fmt.Fprintf(errOut, "warning: chart/Chart.yaml: the chart is version %s, newer than this lain's built-in chart %s (upgrade lain: lain upgrade)\n", v, chart.Version)
		return ""
	case v != "" && chart.Compare(v, chart.Version) == 0:
		return ""
	}
	u, err := chart.PlanUpgrade(a.ChartPath(), a.Name)
	if err != nil {
		return err.Error()
	}
	return u.Describe()
}

func printWarnings(w io.Writer, ps []appvalues.Problem) {
	for _, p := range appvalues.Warnings(ps) {
		fmt.Fprintln(w, "warning: "+p.String())
	}
}

func problemsError(errs []appvalues.Problem, chartProblem string) error {
	var lines []string
	if chartProblem != "" {
		lines = append(lines, chartProblem)
	}
	for _, p := range errs {
		lines = append(lines, p.String())
	}
	next := "fix the values, then run: lain lint"
	switch {
	case chartProblem != "" && len(errs) == 0:
		next = UpgradeChart
	case chartProblem != "":
		next = UpgradeChart + "; then fix the values and run: lain lint"
	}
	return clierr.Usage(fmt.Sprintf("lint found %d problem(s):\n  %s", len(lines), strings.Join(lines, "\n  ")), next)
}

// Empty reports whether a render holds no object: only separators and
// comments.
func Empty(manifests []byte) bool {
	for _, line := range strings.Split(string(manifests), "\n") {
		t := strings.TrimSpace(line)
		if t != "" && t != "---" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}
