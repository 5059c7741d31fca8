package applint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/render"
)

// Finding is one problem of a rendered object: where it came from (the
// template, and the line of the render when it cannot be parsed), which
// object, and what the API server or helm would say.
type Finding struct {
	Source  string // chart/templates/x.yaml
	Line    int    // line of the whole render (lain template), 0 when unknown
	Object  string // Deployment "shop-web"; "" when it did not parse
	Msg     string
	Warning bool
}

func (f Finding) String() string {
	s := f.Source
	if s == "" {
		s = "the render"
	}
	if f.Line > 0 {
		s += fmt.Sprintf(": line %d of the render", f.Line)
	}
	if f.Object != "" {
		s += ": " + f.Object
	}
	return s + ": " + f.Msg
}

func renderErrors(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if !f.Warning {
			out = append(out, f.String())
		}
	}
	return out
}

// object is what the checks read of a rendered object.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
	Spec       struct {
		Selector *struct {
			MatchLabels      map[string]any `yaml:"matchLabels"`
			MatchExpressions []any          `yaml:"matchExpressions"`
		} `yaml:"selector"`
		Template struct {
			Metadata meta `yaml:"metadata"`
		} `yaml:"template"`
		JobTemplate struct {
			Spec struct {
				Template struct {
					Metadata meta `yaml:"metadata"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

type meta struct {
	Name         string         `yaml:"name"`
	GenerateName string         `yaml:"generateName"`
	Labels       map[string]any `yaml:"labels"`
}

// CheckRendered runs on helm's output the checks of helm lint that matter
// for what lain deploys, so helm renders once: every document parses,
// names an apiVersion, a kind and a name the API server accepts for that
// kind, carries valid labels, and workloads have a selector.
func CheckRendered(rendered []byte) []Finding {
	var out []Finding
	for _, d := range render.Docs(rendered) {
		if w := topIndent(d.Text); w != "" {
			out = append(out, Finding{Source: d.Source, Line: d.Start, Msg: w, Warning: true})
		}
		var o *object
		if err := yaml.Unmarshal([]byte(d.Text), &o); err != nil {
			line, msg := yamlErrorLine(err)
			if line > 0 {
				line += d.Start - 1
			}
			out = append(out, Finding{Source: d.Source, Line: line, Msg: "not valid YAML: " + msg})
			continue
		}
		if o == nil {
			continue // only comments
		}
		out = append(out, checkObject(d, o)...)
	}
	return out
}

func checkObject(d render.Doc, o *object) []Finding {
	name := o.Metadata.Name
	f := Finding{Source: d.Source, Object: fmt.Sprintf("%s %q", o.Kind, name)}
	var out []Finding
	add := func(msg string) {
		g := f
		g.Msg = msg
		out = append(out, g)
	}
	if o.Kind == "" || o.APIVersion == "" {
		f.Object, f.Line = "", d.Start
		add("an object without apiVersion or kind (the API server refuses it)")
		return out
	}
	switch {
	case name == "" && o.Metadata.GenerateName == "":
		add("metadata.name is empty")
	case name != "":
		if msg := nameProblem(o.Kind, name); msg != "" {
			add("metadata.name: " + msg)
		}
	}
	labels := []struct {
		path string
		m    map[string]any
	}{{"metadata.labels", o.Metadata.Labels}, {"spec.template.metadata.labels", o.Spec.Template.Metadata.Labels},
		{"spec.jobTemplate.spec.template.metadata.labels", o.Spec.JobTemplate.Spec.Template.Metadata.Labels}}
	if o.Spec.Selector != nil {
		labels = append(labels, struct {
			path string
			m    map[string]any
		}{"spec.selector.matchLabels", o.Spec.Selector.MatchLabels})
	}
	for _, l := range labels {
		for _, k := range sortedKeys(l.m) {
			if msg := labelProblem(k, l.m[k]); msg != "" {
				add(l.path + ": " + msg)
			}
		}
	}
	switch o.Kind {
	case "Deployment", "StatefulSet", "ReplicaSet", "DaemonSet":
		if o.Spec.Selector == nil || (len(o.Spec.Selector.MatchLabels) == 0 && len(o.Spec.Selector.MatchExpressions) == 0) {
			add("spec.selector has no matchLabels or matchExpressions (helm lint and the API server refuse it)")
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// topIndent warns about a document whose first line is indented: YAML
// parsers disagree about it (helm lint warns too).
func topIndent(text string) string {
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			return fmt.Sprintf("the document starts indented (%q): a template leaves spaces before it", t)
		}
		return ""
	}
	return ""
}

// yamlErrorLine splits yaml.v3's "yaml: line N: msg" into N and msg.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, tail, ok := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(num); ok && err == nil {
			return n, tail
		}
	}
	return 0, msg
}

// nameProblem is what the API server would say of name for kind ("" when
// it accepts it): Services need a DNS-1035 label; Jobs and CronJobs are
// shorter because their pods and jobs carry the name in a label; everything
// else is a DNS-1123 subdomain.
func nameProblem(kind, name string) string {
	switch kind {
	case "Service":
		return dns1035Label(name)
	case "CronJob":
		if len(name) > 52 {
			return fmt.Sprintf("%q is %d characters; a CronJob's name is at most 52 (its jobs add 11): shorten the appname, releaseName or proc name", name, len(name))
		}
	case "Job":
		if len(name) > 63 {
			return fmt.Sprintf("%q is %d characters; a Job's name is at most 63 (its pods carry it in a label): shorten the appname, releaseName or proc name", name, len(name))
		}
	}
	return dns1123Subdomain(name)
}

func isAlnumLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isAlnumLower(c) || c >= 'A' && c <= 'Z' }

// dns1123Subdomain: at most 253 characters, lowercase letters, digits, '-'
// and '.', starting and ending with a letter or digit.
func dns1123Subdomain(s string) string {
	if len(s) > 253 {
		return fmt.Sprintf("%q is %d characters; at most 253", s, len(s))
	}
	for _, part := range strings.Split(s, ".") {
		if !dnsLabelChars(part) {
			return fmt.Sprintf("%q is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", s)
		}
	}
	return ""
}

func dnsLabelChars(s string) bool {
	if s == "" || !isAlnumLower(s[0]) || !isAlnumLower(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnumLower(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// dns1035Label: at most 63 characters, lowercase letters, digits and '-',
// starting with a letter and ending with a letter or digit.
func dns1035Label(s string) string {
	if len(s) > 63 {
		return fmt.Sprintf("%q is %d characters; a Service's name is at most 63: shorten the appname, releaseName or proc name", s, len(s))
	}
	if !dnsLabelChars(s) || s[0] >= '0' && s[0] <= '9' {
		return fmt.Sprintf("%q is not a valid Service name: lowercase letters, digits and '-', starting with a letter", s)
	}
	return ""
}

// labelProblem checks a label's key and value as the API server does.
func labelProblem(key string, value any) string {
	prefix, name, hasPrefix := strings.Cut(key, "/")
	if !hasPrefix {
		prefix, name = "", key
	}
	if hasPrefix && (prefix == "" || dns1123Subdomain(prefix) != "") {
		return fmt.Sprintf("label key %q: the part before / must be a DNS subdomain", key)
	}
	if msg := labelPart(name); msg != "" {
		return fmt.Sprintf("label key %q: %s", key, msg)
	}
	s, ok := value.(string)
	if !ok {
		if value == nil {
			return ""
		}
		return fmt.Sprintf("label %s: %v is not a string (quote it in the values)", key, value)
	}
	if s == "" {
		return ""
	}
	if msg := labelPart(s); msg != "" {
		return fmt.Sprintf("label %s: value %s", key, msg)
	}
	return ""
}

// labelPart: at most 63 characters, letters, digits, '-', '_' and '.',
// starting and ending with a letter or digit.
func labelPart(s string) string {
	if len(s) > 63 {
		return fmt.Sprintf("%q is %d characters; at most 63 (shorten the appname, releaseName or proc name)", s, len(s))
	}
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return fmt.Sprintf("%q must start and end with a letter or digit", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return fmt.Sprintf("%q may only hold letters, digits, '-', '_' and '.'", s)
		}
	}
	return ""
}

// checkChartFiles is what helm lint checks of the chart's own files,
// reported as chart/...: Chart.yaml's apiVersion, name and version, and
// templates helm would not render ("" when all is well).
func checkChartFiles(chartPath string) string {
	data, err := os.ReadFile(filepath.Join(chartPath, "Chart.yaml"))
	if err != nil {
		return "" // checkChartVersion reports a missing Chart.yaml
	}
	var c struct {
		APIVersion string `yaml:"apiVersion"`
		Name       string `yaml:"name"`
		Version    any    `yaml:"version"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		if line, msg := yamlErrorLine(err); line > 0 {
			return fmt.Sprintf("chart/Chart.yaml:%d: not valid YAML: %s", line, msg)
		}
		return "chart/Chart.yaml: not valid YAML: " + err.Error()
	}
	var problems []string
	if c.APIVersion != "v1" && c.APIVersion != "v2" {
		problems = append(problems, fmt.Sprintf("chart/Chart.yaml: apiVersion: %q, helm wants v2 (or v1)", c.APIVersion))
	}
	if c.Name == "" || strings.ContainsAny(c.Name, `/\`) {
		problems = append(problems, fmt.Sprintf("chart/Chart.yaml: name: %q, helm wants a name without slashes", c.Name))
	}
	if v, ok := c.Version.(string); !ok {
		problems = append(problems, fmt.Sprintf("chart/Chart.yaml: version: %v must be a string (quote it)", c.Version))
	} else if _, err := semver.StrictNewVersion(v); err != nil {
		if _, err := semver.NewVersion(v); err != nil {
			problems = append(problems, fmt.Sprintf("chart/Chart.yaml: version: %q is not a semantic version (as 1.2.3)", v))
		}
	}
	entries, _ := os.ReadDir(filepath.Join(chartPath, "templates"))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".tpl", ".txt":
		default:
			problems = append(problems, fmt.Sprintf("chart/templates/%s: helm renders only .yaml, .yml, .tpl and .txt files (rename or move it)", e.Name()))
		}
	}
	return strings.Join(problems, "\n  ")
}
