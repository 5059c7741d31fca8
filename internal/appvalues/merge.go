package appvalues

import (
	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/yamldoc"
)

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
	at := map[string]int{} // key -> index in keys
	for _, p := range pairs(b) {
		at[p.k.Value] = len(keys)
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
			keys[at[p.k.Value]] = p.k // report the key where it was last written
		default:
			if i, deleted := at[p.k.Value]; deleted { // by a null in between
				keys[i] = p.k
			} else {
				at[p.k.Value] = len(keys)
				keys = append(keys, p.k)
			}
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
	ps := yamldoc.Pairs(m)
	out := make([]pair, len(ps))
	for i, p := range ps {
		out[i] = pair{p.K, p.V}
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

func deref(n *yaml.Node) *yaml.Node { return yamldoc.Deref(n) }

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}
