package appvalues

import (
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lain-cli/lain/internal/schematest"
)

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
	text, err := withExamples(ExampleBase, k)
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

// A key the original lain also read under another name gets told so.
func TestOriginalAliasIsNamed(t *testing.T) {
	text := "appname: shop\nsts:\n  db: {}\n"
	ps := Errors(Check(Input{Files: []File{parse(t, "chart/values.yaml", text, false)}}))
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "sts: unknown key (the original lain also read it as statefulSets; lain reads only statefulSets: rename it)") {
		t.Fatalf("%v", ps)
	}
}

// ExampleFiles packs every example into a few files (tests run helm on
// each), each of which the JSON Schema accepts.
func TestExampleFilesCarryEveryExample(t *testing.T) {
	files, err := ExampleFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) > 8 {
		t.Errorf("%d files: the packing is not packing", len(files))
	}
	schema := compileSchema(t)
	seen := map[string]bool{}
	for _, f := range files {
		for _, k := range f.Keys {
			seen[k] = true
		}
		if err := schematest.Validate(t, schema, f.Text); err != nil {
			t.Errorf("the schema refuses the file of %v: %v\n%s", f.Keys, err, f.Text)
		}
	}
	for _, d := range Reference() {
		if !seen[d.Path] {
			t.Errorf("%s is in no file", d.Path)
		}
	}
}
