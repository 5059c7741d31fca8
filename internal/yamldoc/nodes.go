package yamldoc

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// Deref follows aliases to the node they name.
func Deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// Pair is one key and value of a mapping.
type Pair struct{ K, V *yaml.Node }

// Pairs lists a mapping's entries with merge keys (<<: *anchor) expanded
// as YAML defines them: the map's own keys win, then earlier sources. For
// nodes of a Doc: Parse has refused alias cycles and bombs.
func Pairs(m *yaml.Node) []Pair {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]Pair, 0, len(m.Content)/2)
	var merged []Pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !IsMergeKey(k) {
			out = append(out, Pair{Deref(k), v}) // *name as a key means its text
			continue
		}
		src := Deref(v)
		if src.Kind == yaml.SequenceNode {
			for _, s := range src.Content {
				merged = append(merged, Pairs(s)...)
			}
		} else {
			merged = append(merged, Pairs(src)...)
		}
	}
	if len(merged) == 0 {
		return out
	}
	seen := make(map[string]bool, len(out)+len(merged))
	for _, p := range out {
		seen[p.K.Value] = true
	}
	for _, p := range merged {
		if k := p.K.Value; !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// Describe says what a node holds in YAML's words, never Go's, for
// messages such as "must be a string, got 42 (a number)".
func Describe(n *yaml.Node) string {
	n = Deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return strconv.Quote(n.Value) + " (a string)"
	case "!!int", "!!float":
		return n.Value + " (a number)"
	case "!!bool":
		return n.Value + " (true/false)"
	case "!!null":
		if n.Value == "" {
			return "nothing"
		}
		return "nothing (" + n.Value + ")"
	}
	return n.Value
}
