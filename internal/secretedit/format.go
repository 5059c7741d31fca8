// Package secretedit edits an app's two Secrets as decoded YAML:
// <appname>-env (environment variables of every container) and
// <appname>-secret (files, mounted with volumeMounts). It validates an edit
// (YAML syntax, key names, string values), reports the keys added, changed
// and removed (never the values), and keeps every edit that could not be
// applied in a private file that the next `edit` resumes from.
package secretedit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/lazy"
	"github.com/lain-cli/lain/internal/webhook"
)

// Kind is which of the app's Secrets.
type Kind int

const (
	Env   Kind = iota // <appname>-env: environment variables
	Files             // <appname>-secret: files
)

// SecretName is the Secret of kind for app.
func (k Kind) SecretName(app string) string {
	if k == Env {
		return app + "-env"
	}
	return app + "-secret"
}

// Command is the lain command that manages kind ("env" or "secret").
func (k Kind) Command() string {
	if k == Env {
		return "env"
	}
	return "secret"
}

// ExampleFile is the file a new <appname>-secret starts with.
const ExampleFile = "topsecret.txt"

// Defaults is what the Secret holds when lain creates it on first use: no
// variables; one example file for secret.
func (k Kind) Defaults(app string) map[string][]byte {
	if k == Env {
		return map[string][]byte{}
	}
	return map[string][]byte{ExampleFile: []byte(fmt.Sprintf(
		"An example file of %s: every key of this Secret is a file.\n"+
			"Replace it with your own (lain secret edit), and mount each file in chart/values.yaml:\n"+
			"  volumeMounts:\n    - mountPath: /lain/app/%s\n", k.SecretName(app), ExampleFile))}
}

// Header is the comment an edit starts with: what the Secret is, how to
// write it. Comments are not stored.
func (k Kind) Header(app, cluster string) string {
	if k == Env {
		return fmt.Sprintf(`# %s on cluster %s: environment variables of every container of %s.
# One NAME: "value" per line. Values are strings: quote numbers and true/false
# (PORT: "8080"). Remove a line to remove the variable. Save and close the
# editor to apply; running pods see the change after a restart.
`, k.SecretName(app), cluster, app)
	}
	return fmt.Sprintf(`# %s on cluster %s: files for the containers of %s, one key per file.
# Write multi-line content as a block:
#   config.json: |
#     {"debug": false}
# Mount a file in chart/values.yaml with volumeMounts: [{mountPath: /lain/app/config.json}].
# Save and close the editor to apply; running pods see the change after a restart.
`, k.SecretName(app), cluster, app)
}

// Encode renders data as YAML, keys sorted; multi-line values as blocks,
// binary values as !!binary.
func Encode(data map[string][]byte) []byte {
	if len(data) == 0 {
		return []byte("{}\n")
	}
	m := make(map[string]string, len(data))
	for k, v := range data {
		m[k] = string(v)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		panic(err) // a map of strings always encodes
	}
	enc.Close()
	return b.Bytes()
}

var (
	envKeyRe  = lazy.Regexp(`^[A-Za-z_][A-Za-z0-9_]*$`)
	fileKeyRe = lazy.Regexp(`^[-._a-zA-Z0-9]+$`)
)

// ValidKey explains why key cannot be in a Secret of kind ("" when it can).
func (k Kind) ValidKey(key string) string {
	if k == Env {
		if !envKeyRe().MatchString(key) {
			return "not a valid environment variable name (letters, digits and _, not starting with a digit)"
		}
		return ""
	}
	if !fileKeyRe().MatchString(key) || key == "." || key == ".." {
		return "not a valid file name in a Secret (letters, digits, '-', '_' and '.'; no '/')"
	}
	return ""
}

// Parse reads edited YAML (name is how messages call the file) into data,
// or returns every problem found, each as name:line: key: problem.
func (k Kind) Parse(name string, text []byte) (map[string][]byte, []string) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, []string{problem}
	}
	return k.ParseNode(name, root)
}

// parseRoot returns the document's top node (nil for an empty document).
func parseRoot(name string, text []byte) (*yaml.Node, string) {
	// A Decoder, not yaml.Unmarshal: Unmarshal silently drops what follows
	// a root flow mapping ("{}\nFOO: bar"), and an edit must never lose a line.
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc, more yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil, ""
	}
	if err == nil {
		err = dec.Decode(&more)
		if err == nil {
			return nil, fmt.Sprintf("%s:%d: a second YAML document (after ---): put every key in one map", name, more.Line)
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return nil, fmt.Sprintf("%s: not valid YAML: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, ""
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, ""
	}
	return root, ""
}

// ParseNode reads a mapping of keys to string values (nil: empty).
func (k Kind) ParseNode(name string, root *yaml.Node) (map[string][]byte, []string) {
	data := map[string][]byte{}
	if root == nil {
		return data, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, []string{fmt.Sprintf("%s:%d: must be a map of NAME: value lines", name, root.Line)}
	}
	var problems []string
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		key := kn.Value
		at := fmt.Sprintf("%s:%d: %s: ", name, kn.Line, key)
		if line, dup := seen[key]; dup {
			problems = append(problems, at+fmt.Sprintf("appears twice (first on line %d)", line))
			continue
		}
		seen[key] = kn.Line
		if why := k.ValidKey(key); why != "" {
			problems = append(problems, at+why)
		}
		v, why := stringValue(vn, key)
		if why != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", name, vn.Line, key, why))
			continue
		}
		if k == Env && !utf8.Valid(v) {
			problems = append(problems, at+"an environment variable must be text, not binary")
		}
		data[key] = v
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return data, nil
}

// ParseSecretFile reads what `lain secret apply -f` is given: the map that
// `lain secret show` prints, or a Kubernetes Secret manifest whose data
// (and stringData) hold plain text, as the original lain wrote them.
func (k Kind) ParseSecretFile(name string, text []byte) (map[string][]byte, []string) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, []string{problem}
	}
	if root == nil || root.Kind != yaml.MappingNode || mapValue(root, "kind") == nil || mapValue(root, "kind").Value != "Secret" {
		return k.ParseNode(name, root)
	}
	data := map[string][]byte{}
	var problems []string
	for _, field := range []string{"data", "stringData"} {
		d, ps := k.ParseNode(name, mapValue(root, field))
		problems = append(problems, ps...)
		for key, v := range d {
			data[key] = v
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return data, nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// ParseEnvFile reads the variables of `lain env addfile`: a flat map in a
// .yaml, .yml or .json file, else a .env file (KEY=VALUE lines, # comments,
// optional export and quotes). Numbers and booleans of a map are taken as
// written ("8080"), with a warning each.
func ParseEnvFile(name string, text []byte) (map[string][]byte, []string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		root, problem := parseRoot(name, text)
		if problem != "" {
			return nil, nil, errors.New(problem)
		}
		if root == nil {
			return map[string][]byte{}, nil, nil
		}
		if root.Kind != yaml.MappingNode {
			return nil, nil, fmt.Errorf("%s:%d: must be a map of NAME: value", name, root.Line)
		}
		data := map[string][]byte{}
		var warnings []string
		for i := 0; i+1 < len(root.Content); i += 2 {
			kn, vn := root.Content[i], root.Content[i+1]
			if vn.Kind != yaml.ScalarNode {
				return nil, nil, fmt.Errorf("%s:%d: %s: must be a single value, not a map or list", name, vn.Line, kn.Value)
			}
			if vn.Tag != "!!str" && vn.Tag != "!!null" {
				warnings = append(warnings, fmt.Sprintf("%s:%d: %s: %s is a %s in the file; stored as the text %q", name, vn.Line, kn.Value, vn.Value, strings.TrimPrefix(vn.ShortTag(), "!!"), vn.Value))
			}
			data[kn.Value] = []byte(vn.Value)
		}
		return data, warnings, nil
	}
	return parseDotenv(name, text)
}

func parseDotenv(name string, text []byte) (map[string][]byte, []string, error) {
	data := map[string][]byte{}
	for i, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, nil, fmt.Errorf("%s:%d: not a KEY=VALUE line (for a YAML or JSON map, name the file .yaml or .json)", name, i+1)
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		data[strings.TrimSpace(key)] = []byte(value)
	}
	return data, nil, nil
}

func stringValue(n *yaml.Node, key string) ([]byte, string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		kind := map[yaml.Kind]string{yaml.MappingNode: "a map", yaml.SequenceNode: "a list"}[n.Kind]
		return nil, "must be a string, got " + kind
	}
	switch n.Tag {
	case "!!str":
		return []byte(n.Value), ""
	case "!!binary":
		var s string
		if err := n.Decode(&s); err != nil {
			return nil, "not valid !!binary (base64): " + err.Error()
		}
		return []byte(s), ""
	case "!!null":
		return nil, fmt.Sprintf(`has no value: write %s: "" for an empty one`, key)
	}
	// A number or true/false: a Secret holds text, and YAML would change
	// 010 into 8 or yes into true on the way.
	return nil, fmt.Sprintf("must be a string, got %s (%s): quote it: %s: %q", n.Value, strings.TrimPrefix(n.ShortTag(), "!!"), key, n.Value)
}

// Diff lists the keys that differ between before and after.
func Diff(before, after map[string][]byte) webhook.KeyChanges {
	var d webhook.KeyChanges
	for k, v := range after {
		old, ok := before[k]
		switch {
		case !ok:
			d.Added = append(d.Added, k)
		case !bytes.Equal(old, v):
			d.Changed = append(d.Changed, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			d.Removed = append(d.Removed, k)
		}
	}
	sort.Strings(d.Added)
	sort.Strings(d.Changed)
	sort.Strings(d.Removed)
	return d
}
