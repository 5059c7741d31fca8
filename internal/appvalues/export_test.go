package appvalues

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lain-cli/lain/internal/schematest"
)

// compileSchema compiles JSONSchema as helm and editors would read it.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, JSONSchema())
}

// The schema and lain lint agree on whether a file is acceptable: a wrong
// type, an unknown key below the top level, a missing required key, an
// out-of-range number and a bad enum fail both; good files (nulls
// included, which helm and lint treat as absent) pass both.
func TestSchemaAgreesWithLint(t *testing.T) {
	s := compileSchema(t)
	cases := map[string]string{
		"good":            web,
		"good with nulls": web + "env: ~\nvolumes: ~\ningresses:\n  - {host: shop, deployName: web, paths: [/]}\n",
		"good full proc": `appname: shop
deployments:
  web:
    replicaCount: 2
    command: ["./run.sh", web]
    env: {A: "1", B: x}
    resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: 1, memory: 1Gi}}
    hpa: {maxReplicas: 5}
cronjobs:
  clean: {schedule: "0 3 * * *", command: [./clean]}
build: {base: python:3.12-slim, script: [make]}
`,
		"yes as a string":  web + "    workingDir: yes\n    imageTag: on\n",
		"unknown key":      web + "    replicas: 2\n",
		"wrong type":       web + "    replicaCount: two\n",
		"quoted number":    web + "    replicaCount: \"2\"\n",
		"string as list":   web + "    command: ./run.sh\n",
		"missing required": "appname: shop\ncronjobs:\n  clean: {command: [./clean]}\n",
		"no appname":       "deployments: {}\n",
		"port out of range": `appname: shop
deployments:
  web: {containerPort: 70000}
`,
		"bad enum":      web + "    imagePullPolicy: always\n",
		"bad proc name": "appname: shop\ndeployments:\n  Web_1: {}\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			lint := Errors(Check(Input{Files: []File{parse(t, "chart/values.yaml", text, false)}}))
			err := schematest.Validate(t, s, text)
			if (len(lint) == 0) != (err == nil) {
				t.Errorf("lint says %v, the schema says %v", lint, err)
			}
		})
	}
}

// At the top level the schema is laxer than lint, on purpose: helm
// validates the merged values, which hold the cluster values' keys and
// keys the app's own templates read; lint knows those (Input.ClusterKeys,
// TemplateKeys) and the schema cannot, so rejecting would make helm fail
// where lain deploys.
func TestSchemaAllowsTopLevelKeysLintResolves(t *testing.T) {
	s := compileSchema(t)
	text := web + "registry: harbor.example.com/team\nmyTemplateKey: 1\n"
	in := Input{Files: []File{parse(t, "chart/values.yaml", text, false)}, ClusterKeys: []string{"registry"}, TemplateKeys: []string{"myTemplateKey"}}
	if ps := Errors(Check(in)); len(ps) > 0 {
		t.Fatalf("lint: %v", ps)
	}
	if err := schematest.Validate(t, s, text); err != nil {
		t.Fatalf("schema rejects cluster/template keys: %v", err)
	}
}

// The reference lists every key lint knows, nested ones included.
func TestReferenceCoversEveryKey(t *testing.T) {
	paths := map[string]bool{}
	for _, d := range Reference() {
		paths[d.Path] = true
	}
	for _, k := range Keys() {
		if !paths[k] {
			t.Errorf("top-level key %s is not in the reference", k)
		}
	}
	for _, kind := range procKinds {
		for _, k := range ProcKeys(kind) {
			if p := kind + ".<name>." + k; !paths[p] {
				t.Errorf("%s is not in the reference", p)
			}
		}
	}
	if !paths["ingresses.host"] && !paths["ingresses[].host"] {
		var some []string
		for p := range paths {
			if strings.HasPrefix(p, "ingresses") {
				some = append(some, p)
			}
		}
		t.Errorf("ingress fields missing: %v", some)
	}
}

// Every documented default names a key that exists.
func TestDefaultsNameKeys(t *testing.T) {
	used := map[string]bool{}
	for _, d := range Reference() {
		p := strings.ReplaceAll(d.Path, "[]", "")
		used[p] = true
		if i := strings.Index(p, "."); i > 0 {
			used["*"+p[i:]] = true
		}
	}
	for k := range defaults {
		if !used[k] {
			t.Errorf("defaults has %s, which is no key", k)
		}
	}
}
