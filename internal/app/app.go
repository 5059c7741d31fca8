// Package app is the one place that knows how a lain app is laid out: its
// chart/ directory, chart/values.yaml and chart/values-<CLUSTER>.yaml
// (parsed with line numbers, for messages), its appname and release, its
// procs, and what its repository says (image tag, remote).
package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/yamldoc"
)

// ChartDir is the chart's directory inside an app, as helm is given it.
const ChartDir = "chart"

// App is an app directory with a chart/values.yaml.
type App struct {
	Dir string // absolute
	// Name is appname from values.yaml ("" when missing: lint says so).
	Name string
	// Release is releaseName, else appname.
	Release string
	Values  *ValuesFile
}

// ValuesFile is one values file, parsed.
type ValuesFile struct {
	Path string // as opened
	Name string // as shown in messages: chart/values.yaml, or a -f path as given
	Raw  []byte
	// Root is the top-level mapping; nil for an empty file.
	Root *yaml.Node
	Map  map[string]any
}

// Load reads the app in dir.
func Load(dir string) (*App, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(abs, ChartDir, "values.yaml")
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, clierr.Of(clierr.NotFound, fmt.Sprintf("no chart/values.yaml in %s: this is not a lain app (yet)", abs),
			"lain init   # asks a few questions and writes chart/")
	}
	vf, err := ReadValuesFile(p, filepath.Join(ChartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	a := &App{Dir: abs, Values: vf}
	a.Name = scalar(vf.Map["appname"])
	a.Release = scalar(vf.Map["releaseName"])
	if a.Release == "" {
		a.Release = a.Name
	}
	return a, nil
}

func scalar(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}

// ReadValuesFile parses a values file; name is how messages show it. It
// reads in time linear in the file and refuses files over
// yamldoc.MaxSize.
func ReadValuesFile(path, name string) (*ValuesFile, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, clierr.Usage(fmt.Sprintf("%s: no such file", name), "check the path")
		}
		return nil, err
	}
	defer f.Close()
	raw, err := yamldoc.ReadAll(f, name)
	if err != nil {
		return nil, badValues(err)
	}
	doc, err := yamldoc.Parse(name, raw)
	if err != nil {
		return nil, badValues(err)
	}
	vf := &ValuesFile{Path: path, Name: name, Raw: raw, Root: doc.Root}
	if doc.Root == nil {
		return vf, nil
	}
	if vf.Map = doc.Map(); vf.Map == nil {
		return nil, badValues(&yamldoc.Error{File: name, Line: doc.Root.Line, Col: doc.Root.Column, Msg: "the file must be a map of keys to values (key: value)"})
	}
	return vf, nil
}

func badValues(err error) error {
	var e *yamldoc.Error
	if errors.As(err, &e) {
		return clierr.Usage(e.Error(), "fix the file, then run: lain lint")
	}
	return err
}

// ChartPath is the absolute chart directory.
func (a *App) ChartPath() string { return filepath.Join(a.Dir, ChartDir) }

// ClusterValuesName is chart/values-<cluster>.yaml, relative to the app
// (how helm is given it, and messages show it).
func ClusterValuesName(cluster string) string {
	return filepath.Join(ChartDir, "values-"+cluster+".yaml")
}

// CanaryValuesName is the values file of the canary release.
const CanaryValuesName = ChartDir + "/values-canary.yaml"

// Has reports whether the app has the file rel (relative to the app).
func (a *App) Has(rel string) bool {
	st, err := os.Stat(filepath.Join(a.Dir, rel))
	return err == nil && !st.IsDir()
}

// ValuesFiles are the files helm merges for cluster, in order:
// chart/values.yaml, chart/values-<cluster>.yaml when present, then the
// extra -f files (relative to the app directory unless absolute).
func (a *App) ValuesFiles(cluster string, extra []string) ([]*ValuesFile, error) {
	files := []*ValuesFile{a.Values}
	if cluster != "" && a.Has(ClusterValuesName(cluster)) {
		vf, err := ReadValuesFile(filepath.Join(a.Dir, ClusterValuesName(cluster)), ClusterValuesName(cluster))
		if err != nil {
			return nil, err
		}
		files = append(files, vf)
	}
	for _, f := range extra {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(a.Dir, p)
		}
		vf, err := ReadValuesFile(p, f)
		if err != nil {
			return nil, err
		}
		files = append(files, vf)
	}
	return files, nil
}

// Merged is the files' maps merged in order, as helm merges repeated -f.
func Merged(files []*ValuesFile) map[string]any {
	out := map[string]any{}
	for _, f := range files {
		out = clusterconfig.DeepMerge(out, f.Map)
	}
	return out
}

// ProcKinds are the values keys that hold procs, in the order lain lists them.
var ProcKinds = []string{"deployments", "statefulSets", "cronjobs", "jobs"}

// Proc is one proc of the app.
type Proc struct {
	Name string
	Kind string // one of ProcKinds
}

// Procs lists the procs in merged values, by kind then name.
func Procs(merged map[string]any) []Proc {
	var out []Proc
	for _, kind := range ProcKinds {
		m, _ := merged[kind].(map[string]any)
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, Proc{Name: n, Kind: kind})
		}
	}
	return out
}

// ProcNames reads the procs of the app in dir for cluster ("" for none)
// from its values files, without asking anything of a cluster; nil when
// dir is not an app. For Tab completion, which must never fail loudly.
func ProcNames(dir, cluster string) []string {
	a, err := Load(dir)
	if err != nil {
		return nil
	}
	files, err := a.ValuesFiles(cluster, nil)
	if err != nil {
		files = []*ValuesFile{a.Values}
	}
	var names []string
	for _, p := range Procs(Merged(files)) {
		names = append(names, p.Name)
	}
	return names
}
