package appvalues

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file sets the reference's examples into values files, for the tests
// that hold every example to lint, the JSON Schema and the chart.

// ExampleBase is the values file examples are set into: what the examples
// of other keys refer to (the proc ingresses route to, the canary group
// canaryGroup names).
const ExampleBase = `appname: myapp
deployments:
  web:
    containerPort: 8080
canaryGroups:
  internal:
    nginx.ingress.kubernetes.io/canary-by-header: x-canary
`

// ExampleFile is a values file holding the examples of Keys (paths as
// docs/values.md writes them).
type ExampleFile struct {
	Keys []string
	Text string
}

// ExampleFiles sets every documented key's example into ExampleBase,
// several keys a file: a key joins the first file where no key is its
// parent or child (its example would replace theirs, or theirs its).
// A handful of files then carry every example, for tests that run a tool
// (helm) per file; a file's examples may disagree with each other
// (two procs on one node port), so lint is not the judge of a whole file.
func ExampleFiles() ([]ExampleFile, error) {
	type file struct {
		keys  []keyAt
		paths []string
	}
	var files []*file
	for _, k := range documented() {
		p := strings.Join(k.path, "/") + "/"
		var into *file
		for _, f := range files {
			if !overlaps(f.paths, p) {
				into = f
				break
			}
		}
		if into == nil {
			into = &file{}
			files = append(files, into)
		}
		into.keys, into.paths = append(into.keys, k), append(into.paths, p)
	}
	out := make([]ExampleFile, 0, len(files))
	for _, f := range files {
		text, err := withExamples(ExampleBase, f.keys...)
		if err != nil {
			return nil, err
		}
		ef := ExampleFile{Text: text}
		for _, k := range f.keys {
			ef.Keys = append(ef.Keys, k.pathString())
		}
		out = append(out, ef)
	}
	return out, nil
}

// ExampleFileFor is ExampleBase with key's example alone (key as
// docs/values.md writes it), to tell which example of a file is wrong.
func ExampleFileFor(key string) (string, error) {
	for _, k := range documented() {
		if k.pathString() == key {
			return withExamples(ExampleBase, k)
		}
	}
	return "", fmt.Errorf("%s is no documented key", key)
}

// overlaps reports whether p (segments joined by "/", ending in "/") is a
// prefix of one of paths or one of them of p.
func overlaps(paths []string, p string) bool {
	for _, q := range paths {
		if strings.HasPrefix(p, q) || strings.HasPrefix(q, p) {
			return true
		}
	}
	return false
}

// withExamples is base with each key set to its example, as written (a
// YAML node, so lint sees its quoting), and what lies on the way created:
// map entries under the map's sample name, a list item per key, required
// fields from their own examples.
func withExamples(base string, keys ...keyAt) (string, error) {
	root, err := yamlNode(base)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if err := setExample(root, k); err != nil {
			return "", fmt.Errorf("%s: %w", k.pathString(), err)
		}
	}
	b, err := yaml.Marshal(root)
	return string(b), err
}

func setExample(root *yaml.Node, k keyAt) error {
	cur, s := root, topSpec()
	for i, seg := range k.path {
		switch seg {
		case "[]":
			item := &yaml.Node{Kind: yaml.MappingNode}
			cur.Content = append(cur.Content, item)
			cur, s = item, s.elem
			continue
		case "<name>":
			seg, s = s.sample, s.elem
		default:
			if err := fillRequired(cur, s); err != nil {
				return err
			}
			s = s.fields[seg]
		}
		if i == len(k.path)-1 {
			v, err := yamlNode(k.s.exampleValue())
			if err != nil {
				return fmt.Errorf("example %q is not YAML: %v", k.s.exampleValue(), err)
			}
			setKey(cur, seg, v)
			return nil
		}
		kind := yaml.MappingNode
		if k.path[i+1] == "[]" {
			kind = yaml.SequenceNode
		}
		cur = childOf(cur, seg, kind)
	}
	return nil
}

func yamlNode(text string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("no value")
	}
	return doc.Content[0], nil
}

// fillRequired adds s's required fields m lacks, from their examples.
func fillRequired(m *yaml.Node, s *spec) error {
	for _, r := range s.required {
		if _, v := lookup(m, r); v != nil {
			continue
		}
		v, err := yamlNode(s.fields[r].exampleValue())
		if err != nil {
			return fmt.Errorf("required %s: %v", r, err)
		}
		setKey(m, r, v)
	}
	return nil
}

// setKey puts key: v into mapping m, replacing a value it had.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// childOf is m's value under key, made a kind node when it is not one.
func childOf(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	if _, v := lookup(m, key); v != nil && v.Kind == kind {
		return v
	}
	n := &yaml.Node{Kind: kind}
	setKey(m, key, n)
	return n
}
