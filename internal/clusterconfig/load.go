// Package clusterconfig loads the team's cluster values: which clusters
// exist, what each one's values-<CLUSTER>.yaml says (validated, with line
// numbers), and the merged configuration every command sees.
package clusterconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	clustervalues "github.com/lain-cli/lain/cluster_values"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/suggest"
	"github.com/lain-cli/lain/internal/yamldoc"
)

// Source is where cluster values come from: the files built into lain, or a
// directory named by CLUSTER_VALUES_DIR (LAIN_CLUSTER_VALUES_DIR, the
// original's name, also works).
type Source struct {
	FS fs.FS
	// Dir is how files are named in messages.
	Dir      string
	Embedded bool
}

// SourceFrom picks the source from the environment.
func SourceFrom(getenv func(string) string) Source {
	for _, env := range []string{"CLUSTER_VALUES_DIR", "LAIN_CLUSTER_VALUES_DIR"} {
		if d := getenv(env); d != "" {
			return Source{FS: os.DirFS(d), Dir: d}
		}
	}
	return Source{FS: clustervalues.FS(), Dir: "cluster_values (built into lain)", Embedded: true}
}

// Path names a cluster's file for messages.
func (s Source) Path(cluster string) string {
	return filepath.Join(s.Dir, fileName(cluster))
}

func fileName(cluster string) string { return "values-" + cluster + ".yaml" }

// Clusters lists the clusters that have a values file, sorted.
func (s Source) Clusters() ([]string, error) {
	matches, err := fs.Glob(s.FS, "values-*.yaml")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(m, "values-"), ".yaml"))
	}
	sort.Strings(names)
	return names, nil
}

// Cluster is one cluster's values file, parsed and validated.
type Cluster struct {
	Name   string
	File   string // for messages
	Raw    []byte
	Values Values
	Map    map[string]any
	// Warnings are problems that do not stop lain (unknown keys).
	Warnings []Problem
}

// Load reads and validates one cluster's values. Errors (wrong types, a
// missing registry, bad YAML) come back as one clierr listing every problem
// as file:line: key: what is wrong; its Err is an *Invalid.
func (s Source) Load(cluster string) (*Cluster, error) {
	f, err := s.FS.Open(fileName(cluster))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, s.unknownCluster(cluster)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.Path(cluster), err)
	}
	defer f.Close()
	raw, err := yamldoc.ReadAll(f, s.Path(cluster))
	if err != nil {
		return nil, invalid(cluster, s.Path(cluster), err)
	}
	return parse(cluster, s.Path(cluster), raw)
}

func (s Source) unknownCluster(cluster string) error {
	names, _ := s.Clusters()
	next := "lain use   # lists the clusters"
	if m := suggest.Closest(cluster, names); m != "" {
		next = "lain use " + m
	}
	return clierr.Usage(fmt.Sprintf("there is no cluster %q: lain knows %s (from %s)", cluster, orNone(names), s.Dir), next)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "no clusters"
	}
	return strings.Join(names, ", ")
}

func parse(name, file string, raw []byte) (*Cluster, error) {
	doc, err := yamldoc.Parse(file, raw)
	if err != nil {
		return nil, invalid(name, file, err)
	}
	c := &checker{file: file}
	if doc.Root == nil {
		c.add(&yaml.Node{Line: 1}, "registry", "the file is empty; it needs at least registry: <image registry prefix>", false)
	} else {
		c.check(doc.Root)
	}
	cl := &Cluster{Name: name, File: file, Raw: raw}
	for _, p := range c.problems {
		if p.Warning {
			cl.Warnings = append(cl.Warnings, p)
		}
	}
	if len(cl.Warnings) < len(c.problems) {
		return nil, problemsError(name, "cluster values of "+name+" are invalid", c.problems)
	}
	cl.Map = doc.Map()
	cl.Values = valuesFromMap(cl.Map)
	return cl, nil
}

// Invalid lists what is wrong with a cluster's values file, for callers
// that show the problems themselves (lain doctor --cluster-values).
type Invalid struct {
	Cluster  string
	Problems []Problem // errors and warnings, in line order
}

func (e *Invalid) Error() string { return fmt.Sprintf("cluster values of %s are invalid", e.Cluster) }

// Summary is the first error and how many more there are, for one line.
func (e *Invalid) Summary() string {
	var errs []string
	for _, p := range e.Problems {
		if !p.Warning {
			errs = append(errs, p.String())
		}
	}
	switch len(errs) {
	case 0:
		return e.Error()
	case 1:
		return errs[0]
	}
	return fmt.Sprintf("%s (and %d more)", errs[0], len(errs)-1)
}

// invalid reports a file that did not parse as YAML.
func invalid(cluster, file string, err error) error {
	var ye *yamldoc.Error
	if !errors.As(err, &ye) {
		return err
	}
	p := Problem{File: ye.File, Line: ye.Line, Col: ye.Col, Msg: ye.Msg}
	return problemsError(cluster, "cluster values of "+cluster+" are not valid", []Problem{p})
}

// problemsError lists every problem at once, warnings too (a misspelt key
// is often the cause of an error), so one edit fixes them all.
func problemsError(cluster, what string, ps []Problem) error {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  " + p.String()
	}
	e := clierr.Usage(fmt.Sprintf("%s:\n%s", what, strings.Join(lines, "\n")), "fix the file, then run: lain doctor")
	e.Err = &Invalid{Cluster: cluster, Problems: ps}
	return e
}
