package yamldoc

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// maxDepth bounds nesting, aliases included, so a hostile file cannot
// exhaust the stack.
const maxDepth = 10000

// converter turns nodes into Go values in one pass: keys are checked for
// duplicates with a map (linear), aliases and merge keys are resolved, and
// alias expansion is capped relative to the file's own size.
type converter struct {
	file   string
	budget int                 // values aliases may still produce
	active map[*yaml.Node]bool // anchors being expanded: a cycle if met again
	depth  int
}

func toValue(file string, root *yaml.Node) (any, error) {
	c := &converter{file: file, active: map[*yaml.Node]bool{}}
	// Aliases may add ten times what the file holds, plus some room for
	// small files: far beyond any real use of anchors, far below a bomb.
	c.budget = 10_000 + 10*countNodes(root)
	return c.value(root, false)
}

func countNodes(n *yaml.Node) int {
	total := 1
	for _, ch := range n.Content {
		total += countNodes(ch)
	}
	return total
}

func (c *converter) fail(n *yaml.Node, format string, a ...any) error {
	return &Error{File: c.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, a...)}
}

func (c *converter) value(n *yaml.Node, viaAlias bool) (any, error) {
	if viaAlias {
		if c.budget--; c.budget < 0 {
			return nil, c.fail(n, "aliases (*name) expand to far more values than the file holds: write the values out, or use fewer levels of aliases")
		}
	}
	if c.depth++; c.depth > maxDepth {
		return nil, c.fail(n, "nested more than %d levels deep", maxDepth)
	}
	defer func() { c.depth-- }()
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], viaAlias)
	case yaml.AliasNode:
		t := n.Alias
		if c.active[t] {
			return nil, c.fail(n, "*%s refers to a value that contains it", n.Value)
		}
		c.active[t] = true
		v, err := c.value(t, true)
		delete(c.active, t)
		return v, err
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			v, err := c.value(item, viaAlias)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, viaAlias)
	}
	return c.scalar(n)
}

func (c *converter) scalar(n *yaml.Node) (any, error) {
	switch n.Tag {
	case "!!str":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!timestamp":
		return n.Value, nil // helm passes dates on as written
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, c.fail(n, "%q cannot be read as %s", n.Value, n.ShortTag())
	}
	return v, nil
}

// IsMergeKey reports whether k is YAML's merge key (<<: *anchor).
func IsMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

func (c *converter) mapping(n *yaml.Node, viaAlias bool) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	first := make(map[string]int, len(n.Content)/2) // key -> line
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if IsMergeKey(k) {
			merges = append(merges, v)
			continue
		}
		key, err := c.key(k)
		if err != nil {
			return nil, err
		}
		if line, dup := first[key]; dup {
			return nil, c.fail(k, "%s: defined twice (first on line %d): keep one", key, line)
		}
		first[key] = k.Line
		if out[key], err = c.value(v, viaAlias); err != nil {
			return nil, err
		}
	}
	// Merged keys never replace the map's own; earlier sources win.
	for _, m := range merges {
		v, err := c.value(m, viaAlias)
		if err != nil {
			return nil, err
		}
		srcs, isList := v.([]any)
		if !isList {
			srcs = []any{v}
		}
		for _, src := range srcs {
			sm, ok := src.(map[string]any)
			if !ok {
				return nil, c.fail(m, "<<: merges a map, or a list of maps (e.g. <<: *defaults)")
			}
			for k, sv := range sm {
				if _, have := out[k]; !have {
					out[k] = sv
				}
			}
		}
	}
	return out, nil
}

// key is a mapping key as helm sees it: the text of a single value.
func (c *converter) key(k *yaml.Node) (string, error) {
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", c.fail(k, "a key must be a single value, not a map or a list")
	}
	return k.Value, nil
}
