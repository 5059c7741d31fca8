package appvalues

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/suggest"
	"github.com/lain-cli/lain/internal/yamldoc"
)

// Input is what Check looks at.
type Input struct {
	// Files in the order helm merges them: chart/values.yaml,
	// chart/values-<CLUSTER>.yaml, then -f files.
	Files []File
	// Cluster is the current cluster's name, for messages.
	Cluster string
	// ClusterKeys are the keys of cluster values: the cluster's file is
	// passed to helm too, and an app's files may override them.
	ClusterKeys []string
	// Domain and DomainSuffix are the cluster's, for hosts without a dot.
	Domain, DomainSuffix string
	// TemplateKeys are top-level keys the app's own templates read: not
	// lain's, but not typos either.
	TemplateKeys []string
}

// Check validates the files merged as helm merges them and returns every
// problem at once, in file and line order.
func Check(in Input) []Problem {
	c := &checker{in: in, t: mergeFiles(in.Files)}
	if c.t.root == nil {
		first := "chart/values.yaml"
		if len(in.Files) > 0 {
			first = in.Files[0].Name
		}
		return []Problem{{File: first, Line: 1, Key: "appname", Msg: "the file is empty", Hint: "lain init writes one to start from"}}
	}
	top := topSpec()
	for _, k := range append(append([]string{}, in.ClusterKeys...), in.TemplateKeys...) {
		if _, ok := top.fields[k]; !ok {
			top.fields[k] = &spec{kind: kAny}
		}
	}
	c.walk(top, nil, c.t.root, "")
	c.crossChecks()
	for _, f := range in.Files {
		if k, _ := lookup(f.Root, "build"); f.Cluster && k != nil {
			c.problems = append(c.problems, Problem{File: f.Name, Line: k.Line, Key: "build", Warning: true,
				Msg:  "set in cluster values, but an image is built once for every cluster",
				Hint: "move it to chart/values.yaml"})
		}
	}
	order := map[string]int{}
	for i, f := range in.Files {
		order[f.Name] = i
	}
	sortProblems(c.problems, order)
	return c.problems
}

// checker walks the merged values and collects problems.
type checker struct {
	in       Input
	t        *tree
	problems []Problem
	// Built on first use: the sorted fields of each spec, and which proc
	// kind has each proc field.
	known  map[*spec][]string
	owners map[string]string
}

func (c *checker) add(n *yaml.Node, key, msg, hint string) {
	c.problems = append(c.problems, Problem{File: c.t.fileOf(n), Line: n.Line, Key: key, Msg: msg, Hint: hint})
}

func (c *checker) warn(n *yaml.Node, key, msg, hint string) {
	c.problems = append(c.problems, Problem{File: c.t.fileOf(n), Line: n.Line, Key: key, Msg: msg, Hint: hint, Warning: true})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// walk checks v (under key k, nil for list items and the file) against s.
func (c *checker) walk(s *spec, k, v *yaml.Node, path string) {
	v = deref(v)
	if isNull(v) {
		return // helm treats null as absent
	}
	at := v
	if k != nil {
		at = k
	}
	if s.shorthand != "" && v.Kind != yaml.MappingNode {
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value == "" {
			c.add(at, path, fmt.Sprintf("must be a %s (a string) or a map with %s, got %s", s.shorthand, s.shorthand, describe(v)), "")
		}
		return // a string is the struct's short form: its shorthand field alone
	}
	if !c.shape(s, at, v, path) {
		return
	}
	switch s.kind {
	case kList:
		for i, item := range v.Content {
			c.walk(s.elem, nil, item, fmt.Sprintf("%s[%d]", path, i))
		}
	case kStruct:
		c.walkStruct(s, k, v, path)
	case kMapOf:
		for _, p := range pairs(v) {
			if s.name != nil {
				s.name(c, p.k, join(path, p.k.Value))
			}
			c.walk(s.elem, p.k, p.v, join(path, p.k.Value))
		}
	case kEnv, kStringMap:
		for _, p := range pairs(v) {
			c.wantSingle(p.k, deref(p.v), join(path, p.k.Value))
		}
	case kCPU:
		c.checkCPU(at, v, path)
	case kMemory:
		c.checkMemory(at, v, path)
	}
	if s.check != nil {
		s.check(c, at, v, path)
	}
}

func (c *checker) walkStruct(s *spec, k, v *yaml.Node, path string) {
	present := map[string]bool{}
	for _, p := range pairs(v) {
		present[p.k.Value] = !isNull(p.v)
		fs, ok := s.fields[p.k.Value]
		if !ok {
			c.unknownKey(s, p.k, join(path, p.k.Value))
			continue
		}
		c.walk(fs, p.k, p.v, join(path, p.k.Value))
	}
	for _, r := range s.required {
		if present[r] {
			continue
		}
		at, file := v, c.t.fileOf(v)
		if k != nil {
			at, file = k, c.t.fileOf(k)
		}
		line := at.Line
		if path == "" && len(c.in.Files) > 0 { // a key missing from the whole file
			file, line = c.in.Files[0].Name, 1
		}
		hint := ""
		if f := s.fields[r]; f != nil && f.exampleValue() != "" {
			hint = "add " + r + ": " + f.exampleValue()
		}
		c.problems = append(c.problems, Problem{File: file, Line: line, Key: join(path, r), Msg: "required key is missing", Hint: hint})
	}
}

func (c *checker) unknownKey(s *spec, k *yaml.Node, path string) {
	if c.known == nil {
		c.known = map[*spec][]string{}
	}
	known, ok := c.known[s]
	if !ok { // once per spec: a file may hold thousands of unknown keys
		known = sortedFields(s)
		c.known[s] = known
	}
	hint := "lain's chart does not read it"
	if f := aliasOf(s, k.Value); f != "" {
		hint = fmt.Sprintf("the original lain also read it as %s; lain reads only %s: rename it", f, f)
	} else if m := suggest.Closest(k.Value, known); m != "" {
		hint = fmt.Sprintf("did you mean %q?", m)
	} else if owner := c.procFieldOwner(k.Value); owner != "" && isProcSpec(s) {
		hint = "only " + owner + " have " + k.Value
	}
	c.add(k, path, "unknown key", hint)
}

// aliasOf names the field of s the original lain also accepted as name
// (deploy for deployments), "" when none.
func aliasOf(s *spec, name string) string {
	for f, fs := range s.fields {
		if contains(fs.aliases, name) {
			return f
		}
	}
	return ""
}

// procFieldOwner names the proc kind that has a field other kinds lack.
func (c *checker) procFieldOwner(field string) string {
	if c.owners == nil {
		c.owners = map[string]string{}
		for i := len(procKinds) - 1; i >= 0; i-- { // the first kind wins
			for f := range procSpec(procKinds[i]).fields {
				c.owners[f] = procKinds[i]
			}
		}
	}
	return c.owners[field]
}

func isProcSpec(s *spec) bool {
	_, ok := s.fields["command"]
	return ok && s.fields["containerPort"] != nil
}

// shape checks that v has the YAML shape s needs.
func (c *checker) shape(s *spec, at, v *yaml.Node, path string) bool {
	switch s.kind {
	case kAny:
		return true
	case kString, kTag:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
			c.add(at, path, "must be a string, got "+describe(v), quoteHint(v))
			return false
		}
		if s.enum != nil && !contains(s.enum, v.Value) {
			hint := ""
			if m := suggest.Closest(v.Value, s.enum); m != "" {
				hint = fmt.Sprintf("did you mean %q?", m)
			}
			c.add(at, path, fmt.Sprintf("must be one of %s, got %q", strings.Join(s.enum, ", "), v.Value), hint)
			return false
		}
		if s.kind == kTag && !validTag(v.Value) {
			c.add(at, path, fmt.Sprintf("%q cannot be an image tag", v.Value), "letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'")
			return false
		}
	case kInt:
		return c.wantInt(s, at, v, path)
	case kBool:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			c.add(at, path, "must be true or false, got "+describe(v), "")
			return false
		}
	case kStringList, kList:
		if v.Kind != yaml.SequenceNode {
			c.add(at, path, "must be a list, got "+describe(v), listHint(path, v))
			return false
		}
		if s.kind == kStringList {
			ok := true
			for i, item := range v.Content {
				item = deref(item)
				if item.Kind != yaml.ScalarNode {
					c.add(item, fmt.Sprintf("%s[%d]", path, i), "must be a string, got "+describe(item), "")
					ok = false
				}
			}
			return ok
		}
	case kCPU, kMemory:
		if v.Kind != yaml.ScalarNode {
			c.add(at, path, "must be a quantity, got "+describe(v), "e.g. 500m for cpu, 256Mi for memory")
			return false
		}
	default: // maps
		if v.Kind != yaml.MappingNode {
			c.add(at, path, "must be a map, got "+describe(v), "")
			return false
		}
	}
	return true
}

func (c *checker) wantInt(s *spec, at, v *yaml.Node, path string) bool {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
		hint := ""
		if _, err := strconv.Atoi(v.Value); v.Kind == yaml.ScalarNode && err == nil {
			hint = "remove the quotes"
		}
		c.add(at, path, "must be a whole number, got "+describe(v), hint)
		return false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
	if err != nil || n < int64(s.min) || n > int64(s.max) {
		msg := fmt.Sprintf("%s is out of range (%d-%d)", v.Value, s.min, s.max)
		if s.max == maxPort {
			msg = fmt.Sprintf("%s is not a port (%d-%d)", v.Value, s.min, s.max)
		}
		if s.min == 30000 {
			msg = fmt.Sprintf("%s is outside the NodePort range (30000-32767)", v.Value)
		}
		c.add(at, path, msg, "")
		return false
	}
	return true
}

// wantSingle checks one value of an env or string map.
func (c *checker) wantSingle(k, v *yaml.Node, path string) {
	if v.Kind != yaml.ScalarNode {
		c.add(k, path, "must be a single value, got "+describe(v), "")
		return
	}
	if text, changed := helmReads(v); changed {
		c.warn(k, path, fmt.Sprintf("helm reads %s as %s", v.Value, text), fmt.Sprintf("quote it: %q", v.Value))
	}
}

// describe says what a node is, for "must be X, got Y".
func describe(v *yaml.Node) string { return yamldoc.Describe(v) }

func quoteHint(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode {
		return fmt.Sprintf("quote it: %q", v.Value)
	}
	return ""
}

// listHint shows a command written as a line in exec form.
func listHint(path string, v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode || !strings.HasSuffix(path, "command") {
		return ""
	}
	words := strings.Fields(v.Value)
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return "exec form: [" + strings.Join(q, ", ") + "]; for a shell: [\"sh\", \"-c\", \"...\"]"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
