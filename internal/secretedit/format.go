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
`+formsNote, k.SecretName(app), cluster, app)
	}
	return fmt.Sprintf(`# %s on cluster %s: files for the containers of %s, one key per file.
# Write multi-line content as a block:
#   config.json: |
#     {"debug": false}
# Mount a file in chart/values.yaml with volumeMounts: [{mountPath: /lain/app/config.json}].
# Save and close the editor to apply; running pods see the change after a restart.
`+formsNote, k.SecretName(app), cluster, app)
}

// formsNote tells the reader of an edit the two forms Encode falls back to.
const formsNote = `# Text YAML cannot show as typed is in double quotes with escapes ("a\n\tb");
# bytes that are not text are written !!binary BASE64. Both read back unchanged.
`

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

// Decode reads the text of an edit back into data: the inverse of Encode,
// whatever the keys. Problems are name:line: key: problem.
func Decode(name string, text []byte) (map[string][]byte, []string) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, []string{problem}
	}
	return readMap(name, root, nil)
}

// Parse reads an edit of a Secret of kind (name is how messages call the
// file), or returns every problem found, each as name:line: key: problem.
// What the Secret already holds (before; nil for none) is taken as it is,
// so that saving an edit unchanged always works: a key that is not a
// variable name, or binary in an env value, that kubectl put there.
func (k Kind) Parse(name string, text []byte, before map[string][]byte) (map[string][]byte, []string) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, []string{problem}
	}
	return k.ParseNode(name, root, before)
}

// parseRoot returns the document's top node (nil for an empty document).
func parseRoot(name string, text []byte) (*yaml.Node, string) {
	if line, why := unreadableText(text); why != "" {
		return nil, fmt.Sprintf("%s:%d: %s", name, line, why)
	}
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
		return nil, yamlError(name, err)
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

// yamlError turns yaml.v3's "yaml: line 3: did not find expected key" into
// "name:3: not valid YAML: did not find expected key".
func yamlError(name string, err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, why, ok := strings.Cut(rest, ": "); ok {
			return fmt.Sprintf("%s:%s: not valid YAML: %s", name, n, why)
		}
	}
	return fmt.Sprintf("%s: not valid YAML: %s", name, msg)
}

// unreadableText finds what YAML cannot read at all, with its line: bytes
// that are not UTF-8, and control characters (an editor that wrote binary).
func unreadableText(text []byte) (int, string) {
	line := 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return line, fmt.Sprintf("byte 0x%02x is not UTF-8 text: YAML must be UTF-8 (write binary values as !!binary BASE64)", text[i])
		case r == '\n':
			line++
		case r < 0x20 && r != '\t' && r != '\r' || r == 0x7f || r >= 0x80 && r <= 0x9f && r != 0x85 || r == 0xfffe || r == 0xffff:
			return line, fmt.Sprintf("control character %U: write it inside double quotes as an escape (\"\\u%04x\")", r, r)
		}
		i += size
	}
	return 0, ""
}

// ParseNode reads a mapping of keys to string values (nil: empty) for a
// Secret of kind; before is as in Parse.
func (k Kind) ParseNode(name string, root *yaml.Node, before map[string][]byte) (map[string][]byte, []string) {
	return readMap(name, root, func(key string, v []byte) string {
		old, had := before[key]
		if why := k.ValidKey(key); why != "" && !had {
			return why
		}
		if k == Env && !utf8.Valid(v) && !(had && bytes.Equal(old, v)) {
			return "an environment variable must be text, not binary"
		}
		return ""
	})
}

// readMap reads a mapping of keys to string values (nil: empty); check,
// when set, explains why a key and its value cannot be stored.
func readMap(name string, root *yaml.Node, check func(key string, v []byte) string) (map[string][]byte, []string) {
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
		key, why := keyOf(kn)
		at := fmt.Sprintf("%s:%d: %s: ", name, kn.Line, key)
		if why != "" {
			problems = append(problems, at+why)
			continue
		}
		if line, dup := seen[key]; dup {
			problems = append(problems, at+fmt.Sprintf("appears twice (first on line %d)", line))
			continue
		}
		seen[key] = kn.Line
		v, why := stringValue(vn, key)
		if why != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", name, vn.Line, key, why))
			continue
		}
		if check != nil {
			if why := check(key, v); why != "" {
				problems = append(problems, at+why)
			}
		}
		data[key] = v
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return data, nil
}

// keyOf is the name a key node stands for: its text as written (PORT, 0,
// true), or the bytes of a !!binary key.
func keyOf(kn *yaml.Node) (string, string) {
	if kn.Kind != yaml.ScalarNode {
		return kn.Value, "a key must be a name, not a map, list or alias"
	}
	switch kn.Tag {
	case "!!binary":
		var s string
		if err := kn.Decode(&s); err != nil {
			return kn.Value, "not valid !!binary (base64): " + err.Error()
		}
		return s, ""
	case "!!merge":
		return kn.Value, `a YAML merge key cannot be used here; write "<<" in quotes for a key named <<`
	}
	return kn.Value, ""
}

// ParseSecretFile reads what `lain secret apply -f` is given: the map that
// `lain secret show` prints, or a Kubernetes Secret manifest whose data
// (and stringData) hold plain text, as the original lain wrote them.
//
// A file with no YAML in it at all is refused: it is what `lain secret show
// > secret.yaml` leaves when show failed, and applying it would remove every
// file. `{}` empties the Secret on purpose.
func (k Kind) ParseSecretFile(name string, text []byte) (map[string][]byte, []string) {
	root, problem := parseRoot(name, text)
	if problem != "" {
		return nil, []string{problem}
	}
	if root == nil {
		return nil, []string{name + ": has no YAML at all (is it the output of a lain secret show that failed?); to remove every file on purpose, write {} in it"}
	}
	if root == nil || root.Kind != yaml.MappingNode || mapValue(root, "kind") == nil || mapValue(root, "kind").Value != "Secret" {
		return k.ParseNode(name, root, nil)
	}
	data := map[string][]byte{}
	var problems []string
	for _, field := range []string{"data", "stringData"} {
		d, ps := k.ParseNode(name, mapValue(root, field), nil)
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
	// 010 into 8 or yes into true on the way. The value is not repeated: a
	// PIN or a numeric key is as secret as any other value.
	return nil, fmt.Sprintf(`must be a string, got %s: put the value in quotes (%s: "...")`, yamlType(n), key)
}

// yamlType names the type YAML read a plain scalar as, without its value.
func yamlType(n *yaml.Node) string {
	switch tag := strings.TrimPrefix(n.ShortTag(), "!!"); tag {
	case "int", "float":
		return "a number (" + tag + ")"
	case "bool":
		return "true/false (bool)"
	default:
		return "a " + tag
	}
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
