package appvalues

import "gopkg.in/yaml.v3"

// File is one values file, parsed, in the order helm merges them.
type File struct {
	Name string     // as messages show it
	Root *yaml.Node // top-level mapping; nil for an empty file
	// Cluster marks chart/values-<CLUSTER>.yaml.
	Cluster bool
}

// tree is the files merged the way helm merges repeated -f (maps key by
// key, anything else replaced, null deletes), remembering for every node
// the file it came from, so problems found after merging still point at
// the right file and line.
type tree struct {
	root *yaml.Node
	file map[*yaml.Node]string
}

func mergeFiles(files []File) *tree {
	t := &tree{file: map[*yaml.Node]string{}}
	for _, f := range files {
		if f.Root == nil {
			continue
		}
		t.mark(f.Root, f.Name)
		if t.root == nil {
			t.root = f.Root
			continue
		}
		t.root = t.merge(t.root, f.Root)
	}
	return t
}

func (t *tree) mark(n *yaml.Node, file string) {
	if _, seen := t.file[n]; seen {
		return
	}
	t.file[n] = file
	for _, c := range n.Content {
		t.mark(c, file)
	}
}

func (t *tree) fileOf(n *yaml.Node) string { return t.file[n] }

// merge returns over merged onto base; the originals are not changed.
func (t *tree) merge(base, over *yaml.Node) *yaml.Node {
	b, o := deref(base), deref(over)
	if b.Kind != yaml.MappingNode || o.Kind != yaml.MappingNode {
		return over
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: o.Line, Column: o.Column}
	t.file[out] = t.file[o]
	var keys []*yaml.Node
	vals := map[string]*yaml.Node{}
	for _, p := range pairs(b) {
		keys = append(keys, p.k)
		vals[p.k.Value] = p.v
	}
	for _, p := range pairs(o) {
		old, ok := vals[p.k.Value]
		switch {
		case isNull(p.v):
			delete(vals, p.k.Value)
		case ok:
			vals[p.k.Value] = t.merge(old, p.v)
			for i, k := range keys {
				if k.Value == p.k.Value {
					keys[i] = p.k // report the key where it was last written
				}
			}
		default:
			keys = append(keys, p.k)
			vals[p.k.Value] = p.v
		}
	}
	for _, k := range keys {
		if v, ok := vals[k.Value]; ok {
			out.Content = append(out.Content, k, v)
		}
	}
	return out
}

// pair is one key and value of a mapping.
type pair struct{ k, v *yaml.Node }

// pairs lists a mapping's entries, with YAML merge keys (<<: *anchor)
// expanded the way YAML defines them: explicit keys win.
func pairs(m *yaml.Node) []pair {
	m = deref(m)
	var out []pair
	seen := map[string]bool{}
	var merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value == "<<" && k.Tag == "!!merge" {
			src := deref(v)
			if src.Kind == yaml.SequenceNode {
				for _, s := range src.Content {
					merged = append(merged, pairs(s)...)
				}
			} else if src.Kind == yaml.MappingNode {
				merged = append(merged, pairs(src)...)
			}
			continue
		}
		seen[k.Value] = true
		out = append(out, pair{k, v})
	}
	for _, p := range merged {
		if !seen[p.k.Value] {
			seen[p.k.Value] = true
			out = append(out, p)
		}
	}
	return out
}

// lookup finds key in mapping m (nil when absent or m is not a mapping).
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || deref(m).Kind != yaml.MappingNode {
		return nil, nil
	}
	for _, p := range pairs(m) {
		if p.k.Value == key {
			return p.k, deref(p.v)
		}
	}
	return nil, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}
