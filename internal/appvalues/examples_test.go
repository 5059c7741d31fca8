package appvalues

import (
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/schematest"
)

// exampleBase is the file each example is set into: what the examples of
// other keys refer to (the proc ingresses route to, the canary group
// canaryGroup names).
const exampleBase = `appname: myapp
deployments:
  web:
    containerPort: 8080
canaryGroups:
  internal:
    nginx.ingress.kubernetes.io/canary-by-header: x-canary
`

// Every key docs/values.md lists has an example (a map of names has the
// name its examples use), so the page never shows an empty cell.
func TestEveryKeyHasAnExample(t *testing.T) {
	keys := documented()
	if len(keys) < 100 {
		t.Fatalf("only %d keys documented", len(keys))
	}
	for _, k := range keys {
		if k.s.exampleValue() == "" {
			t.Errorf("%s has no example: give its spec one with .eg(...) in schema.go", k.pathString())
		}
		if k.s.kind == kMapOf && k.s.sample == "" {
			t.Errorf("%s has no sample name for its examples: .named(...) in schema.go", k.pathString())
		}
	}
}

// Every example, set at its key in an otherwise good file (required keys
// on the way filled from their own examples), passes lain's lint without
// an error and validates against the generated JSON Schema, as helm and
// editors read it: the reference never shows a value lain would refuse.
func TestExamplesPassLintAndSchema(t *testing.T) {
	schema := compileSchema(t)
	for _, k := range documented() {
		if msg := checkExample(t, schema, k); msg != "" {
			t.Error(msg)
		}
	}
}

// The test above fails on a bad example: a wrong type, a value lint
// refuses by reading it, a key the schema does not know.
func TestExamplesTestCatchesBadExamples(t *testing.T) {
	schema := compileSchema(t)
	bad := map[string]string{"replicaCount": "two", "cpu": "lots", "schedule": "daily", "volumeMounts": "[{mountPath: /x, size: 1}]"}
	for _, k := range documented() {
		last := k.path[len(k.path)-1]
		v, ok := bad[last]
		if !ok {
			continue
		}
		delete(bad, last)
		s := *k.s
		s.example = v
		k.s = &s
		if msg := checkExample(t, schema, k); msg == "" {
			t.Errorf("%s: %s passed", k.pathString(), v)
		}
	}
	if len(bad) > 0 {
		t.Fatalf("no key for %v", bad)
	}
}

// checkExample says what is wrong with k's example, "" when nothing.
func checkExample(t *testing.T, schema *jsonschema.Schema, k keyAt) string {
	t.Helper()
	text, err := withExample(k)
	if err != nil {
		return fmt.Sprintf("%s: %v", k.pathString(), err)
	}
	var msgs []string
	for _, p := range Errors(Check(Input{Files: []File{parse(t, "chart/values.yaml", text, false)}})) {
		msgs = append(msgs, "lint: "+p.String())
	}
	if err := schematest.Validate(t, schema, text); err != nil {
		msgs = append(msgs, "schema: "+strings.ReplaceAll(err.Error(), "\n", " "))
	}
	if len(msgs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: example %q is refused:\n%s\n  in:\n%s", k.pathString(), k.s.exampleValue(), strings.Join(msgs, "\n"), text)
}

// withExample is exampleBase with k set to its example, as written (a YAML
// node, so lint sees its quoting), and what lies on the way created: map
// entries under the map's sample name, one list item, required fields
// from their own examples.
func withExample(k keyAt) (string, error) {
	root, err := node(exampleBase)
	if err != nil {
		return "", err
	}
	cur, s := root, topSpec()
	for i, seg := range k.path {
		last := i == len(k.path)-1
		switch seg {
		case "[]":
			item := &yaml.Node{Kind: yaml.MappingNode}
			cur.Content = append(cur.Content, item)
			cur, s = item, s.elem
			continue
		case "<name>":
			seg = s.sample
			s = s.elem
		default:
			if err := fillRequired(cur, s); err != nil {
				return "", err
			}
			s = s.fields[seg]
		}
		if last {
			v, err := node(k.s.exampleValue())
			if err != nil {
				return "", fmt.Errorf("example %q is not YAML: %v", k.s.exampleValue(), err)
			}
			set(cur, seg, v)
			break
		}
		kind := yaml.MappingNode
		if k.path[i+1] == "[]" {
			kind = yaml.SequenceNode
		}
		cur = child(cur, seg, kind)
	}
	b, err := yaml.Marshal(root)
	return string(b), err
}

func node(text string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty")
	}
	return doc.Content[0], nil
}

// fillRequired adds s's required fields m lacks, from their examples.
func fillRequired(m *yaml.Node, s *spec) error {
	for _, r := range s.required {
		if _, v := lookup(m, r); v != nil {
			continue
		}
		v, err := node(s.fields[r].exampleValue())
		if err != nil {
			return fmt.Errorf("required %s: %v", r, err)
		}
		set(m, r, v)
	}
	return nil
}

// set puts key: v into mapping m, replacing a value it had.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// child is m's value under key, made a kind node when it is not one.
func child(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	if _, v := lookup(m, key); v != nil && v.Kind == kind {
		return v
	}
	n := &yaml.Node{Kind: kind}
	set(m, key, n)
	return n
}

// A key the original lain also read under another name gets told so.
func TestOriginalAliasIsNamed(t *testing.T) {
	text := "appname: shop\nsts:\n  db: {}\n"
	ps := Errors(Check(Input{Files: []File{parse(t, "chart/values.yaml", text, false)}}))
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "sts: unknown key (the original lain also read it as statefulSets; lain reads only statefulSets: rename it)") {
		t.Fatalf("%v", ps)
	}
}
