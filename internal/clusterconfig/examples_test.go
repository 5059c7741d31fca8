package clusterconfig

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lain-cli/lain/internal/schematest"
)

// Every key docs/cluster-values.md lists has an example, and each, in a
// file with the required registry, loads without an error or a warning and
// validates against the generated JSON Schema: the page never shows a
// value lain would refuse.
func TestEveryKeyHasAnExampleLainAccepts(t *testing.T) {
	s := compileClusterSchema(t)
	for _, k := range knownKeys() {
		if schema[k].example == "" {
			t.Errorf("%s has no example: give it one in schema (schema.go)", k)
			continue
		}
		if msg := checkExample(t, s, k, schema[k].example); msg != "" {
			t.Error(msg)
		}
	}
}

// The test above fails on a bad example.
func TestExamplesTestCatchesBadExamples(t *testing.T) {
	s := compileClusterSchema(t)
	for k, v := range map[string]string{"namespace": "[a, b]", "registry_type": "quay", "supportsIngressClassName": `"yes"`, "clusterHostAliases": "[{ip: 10.0.0.1}]"} {
		if msg := checkExample(t, s, k, v); msg == "" {
			t.Errorf("%s: %s passed", k, v)
		}
	}
}

// checkExample says what lain and the schema refuse in key: value, ""
// when nothing.
func checkExample(t *testing.T, s *jsonschema.Schema, key, value string) string {
	t.Helper()
	text := "registry: harbor.example.com/myteam\n"
	if key == "registry" {
		text = ""
	}
	text += key + ": " + value + "\n"
	var msgs []string
	cl, err := parse("lab", "values-lab.yaml", []byte(text))
	switch {
	case err != nil:
		msgs = append(msgs, "lain: "+strings.ReplaceAll(err.Error(), "\n", " "))
	case len(cl.Warnings) > 0:
		msgs = append(msgs, "lain warns: "+cl.Warnings[0].String())
	}
	if err := schematest.Validate(t, s, text); err != nil {
		msgs = append(msgs, "schema: "+strings.ReplaceAll(err.Error(), "\n", " "))
	}
	if len(msgs) == 0 {
		return ""
	}
	return key + ": example " + value + " is refused: " + strings.Join(msgs, "; ")
}

func compileClusterSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, JSONSchema())
}
