package clusterconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lain-cli/lain/internal/schematest"
)

// The cluster values schema gives the loader's verdict: unknown keys (and
// the original's keys) only warn, so the schema accepts them; a wrong type
// or a missing registry fails both.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileClusterSchema(t)
	const base = "registry: harbor.example.com/team\n"
	cases := map[string]string{
		"good":                  base + "namespace: apps\nsecrets_env: {harbor_token: HARBOR_TOKEN, access_key_id: {env_name: AK, hint: ask ops, required: true}}\nclusterHostAliases: [{ip: 10.0.0.1, hostnames: [h.example.com]}]\n",
		"unknown key":           base + "registyr_mirror: x\n",
		"original key":          base + "k8s_namespace: apps\n",
		"unknown field":         base + "secrets_env: {harbor_token: {env_name: T, color: red}}\n",
		"wrong type":            base + "namespace: [a, b]\n",
		"wrong bool":            base + "supportsIngressClassName: \"yes\"\n",
		"missing registry":      "namespace: apps\n",
		"bad registry_type":     base + "registry_type: quay\n",
		"host alias without ip": base + "clusterHostAliases: [{hostnames: [h]}]\n",
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "cluster_values", "*.yaml"))
	for _, f := range files { // the committed example and lab files
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = string(b)
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			_, loadErr := parse("lab", "values-lab.yaml", []byte(text))
			schemaErr := schematest.Validate(t, s, text)
			if (loadErr == nil) != (schemaErr == nil) {
				t.Errorf("loader says %v, the schema says %v", loadErr, schemaErr)
			}
		})
	}
}
