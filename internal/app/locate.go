package app

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Locate finds the file and line that set key (a dotted path, [i] indexes
// ignored): the last file in merge order that has it; for a missing key,
// where its closest parent is; else the first file's line 1.
func Locate(files []*ValuesFile, key string) (string, int) {
	path := strings.Split(key, ".")
	for i, p := range path {
		path[i], _, _ = strings.Cut(p, "[")
	}
	for ; len(path) > 0; path = path[:len(path)-1] {
		for i := len(files) - 1; i >= 0; i-- {
			if n := lookupPath(files[i].Root, path); n != nil {
				return files[i].Name, n.Line
			}
		}
	}
	return files[0].Name, 1
}

// lookupPath is the key node at path in a mapping, nil when absent.
func lookupPath(n *yaml.Node, path []string) *yaml.Node {
	var key *yaml.Node
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		key = nil
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == p {
				key, n = n.Content[j], n.Content[j+1]
				break
			}
		}
		if key == nil {
			return nil
		}
	}
	return key
}
