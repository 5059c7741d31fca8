// Package render is the one place lain renders an app's chart: it loads
// the app and the current cluster once, gathers the helm options lain
// deploy passes (helmargs), and runs `helm template` with them, so lint,
// template and deploy render exactly the same thing, once per command.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// Source says where a command finds the app, its cluster and the -f
// files, and how it runs helm: lint, template and the deploy family share it.
type Source struct {
	Runner runner.Runner
	Getenv func(string) string
	Dir    string // the app
	// Cluster loads the current cluster's config for the app in Dir.
	Cluster func(appDir string) (*clusterconfig.Config, error)
	Values  []string // global -f files
	// Cache keeps renders between runs (lain deploy); nil: always render.
	Cache *Cache
}

// Target is an app on the current cluster with the helm options lain
// deploy passes. Close removes the cluster values temp file.
type Target struct {
	App     *app.App
	Cluster *clusterconfig.Config
	Helm    helmargs.Options
	// Files are values.yaml, values-<CLUSTER>.yaml and the -f files.
	Files   []*app.ValuesFile
	cache   *Cache
	cleanup func()
}

// Close removes the temp file helm reads the cluster values from.
func (t *Target) Close() {
	if t.cleanup != nil {
		t.cleanup()
	}
}

// Load loads the app in in.Dir and the helm options for the current
// cluster; canary adds chart/values-canary.yaml when the app has one.
func Load(ctx context.Context, in Source, canary bool) (*Target, error) {
	a, err := app.Load(in.Dir)
	if err != nil {
		return nil, err
	}
	if a.Name == "" {
		return nil, clierr.Usage("chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)", "fix the file, then run: lain lint")
	}
	cfg, err := in.Cluster(a.Dir)
	if err != nil {
		return nil, err
	}
	files, err := a.ValuesFiles(cfg.Cluster, in.Values)
	if err != nil {
		return nil, err
	}
	opts, cleanup, err := helmargs.Gather(ctx, in.Runner, a, cfg, in.Getenv, in.Values, canary)
	if err != nil {
		return nil, err
	}
	return &Target{App: a, Cluster: cfg, Helm: opts, Files: files, cache: in.Cache, cleanup: cleanup}, nil
}

// Merged are the values files merged as helm merges them.
func (t *Target) Merged() map[string]any { return app.Merged(t.Files) }

// SetArgs are the user's --set values as helm arguments.
func SetArgs(sets []string) []string {
	var extra []string
	for _, s := range sets {
		extra = append(extra, "--set", s)
	}
	return extra
}

// Render runs helm template of release (the app's release when "") and
// returns the manifests; extra comes after lain's options (--set k=v). A
// failure is a clierr naming the file and line helm blamed, with chart/
// paths as the user knows them.
func (t *Target) Render(ctx context.Context, r runner.Runner, release string, extra ...string) ([]byte, error) {
	if release == "" {
		release = t.App.Release
	}
	cmd := runner.Cmd{Name: "helm", Args: helmargs.Template(release, t.Helm, extra...), Dir: t.App.Dir, Capture: true}
	var key string
	if t.cache != nil {
		var ok bool
		if key, ok = t.cache.key(cmd.Dir, cmd.Args); ok {
			if rendered, hit := t.cache.get(key); hit {
				runner.Note(r, fmt.Sprintf("render from lain's cache (key %s), the same as: %s", key, commandLine(r, cmd)))
				return rendered, nil
			}
		}
	}
	res, err := r.Run(ctx, cmd)
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		stderr := res.Stderr
		if len(stderr) == 0 {
			stderr = []byte(ee.Stderr)
		}
		return nil, &clierr.Error{Kind: clierr.InvalidInput, Msg: "helm template failed: " + HelmMessage(stderr),
			Next: "fix chart/ or chart/values*.yaml, then run: lain lint   (lain template --debug shows the render)", Err: err}
	}
	if err != nil {
		return nil, err
	}
	// A file changed while helm read it: the render may be of neither
	// version, so it is not kept under the key of the first.
	if key != "" {
		if after, ok := t.cache.key(cmd.Dir, cmd.Args); ok && after == key {
			t.cache.put(key, res.Stdout)
		}
	}
	return res.Stdout, nil
}

// commandLine is cmd as r prints it (with its secrets masked).
func commandLine(r runner.Runner, cmd runner.Cmd) string {
	if l, ok := r.(interface{ Line(runner.Cmd) string }); ok {
		return l.Line(cmd)
	}
	return runner.CommandLine(runner.Masker{}, cmd.Name, cmd.Args)
}

// Print is lain template: helm template streams the manifests to stdout.
func (t *Target) Print(ctx context.Context, r runner.Runner, extra ...string) error {
	_, err := r.Run(ctx, runner.Cmd{Name: "helm", Args: helmargs.Template(t.App.Release, t.Helm, extra...), Dir: t.App.Dir})
	var ee *runner.ExitError
	if errors.As(err, &ee) {
		e := toolerr.Failed("helm template failed (its message is above)", err, "lain lint   # points at the file and line")
		e.Code = ee.Code
		return e
	}
	return err
}

// HelmMessage is helm's error without its "Error: " prefix, with the
// chart's template paths (<chart name>/templates/x.yaml) written as the
// user's files (chart/templates/x.yaml).
func HelmMessage(stderr []byte) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(stderr)), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "WARNING:") || strings.HasPrefix(l, "Use --debug flag") {
			continue // lain's next step says how to see the render
		}
		lines = append(lines, chartPaths(strings.TrimPrefix(l, "Error: ")))
	}
	if len(lines) == 0 {
		return "(helm said nothing on stderr)"
	}
	return strings.Join(lines, "\n  ")
}

// chartPaths rewrites every "<name>/templates/" token to "chart/templates/":
// helm names templates after the chart, lain apps keep them in chart/.
func chartPaths(s string) string {
	const tpl = "/templates/"
	var b bytes.Buffer
	for {
		i := strings.Index(s, tpl)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i
		for start > 0 && !strings.ContainsRune(" \t(\"'`:", rune(s[start-1])) {
			start--
		}
		b.WriteString(s[:start])
		b.WriteString(app.ChartDir + tpl)
		s = s[i+len(tpl):]
	}
}

// Doc is one YAML document of a render.
type Doc struct {
	Source string // the template it came from, as chart/templates/x.yaml
	Start  int    // line of the render where its text starts
	Text   string
}

// Docs cuts helm's output into documents, each with the template it came
// from (helm's "# Source:" comment); documents of only blank lines are
// dropped.
func Docs(rendered []byte) []Doc {
	var docs []Doc
	cur := Doc{Start: 1}
	var b strings.Builder
	flush := func() {
		cur.Text = b.String()
		if strings.TrimSpace(cur.Text) != "" {
			docs = append(docs, cur)
		}
		b.Reset()
	}
	for i, line := range strings.Split(string(rendered), "\n") {
		if line == "---" || strings.HasPrefix(line, "--- ") {
			flush()
			cur = Doc{Start: i + 2}
			continue
		}
		if src, ok := strings.CutPrefix(line, "# Source: "); ok && cur.Source == "" {
			cur.Source = userPath(strings.TrimSpace(src))
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	flush()
	return docs
}

// userPath is a template's path as the app has it: helm names it
// <chart name>/templates/x.yaml, the app keeps it in chart/templates/x.yaml.
func userPath(src string) string {
	if i := strings.Index(src, "/templates/"); i >= 0 {
		return app.ChartDir + src[i:]
	}
	return src
}
