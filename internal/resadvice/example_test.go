package resadvice

import (
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// The example cluster values show the defaults: an admin who copies them
// gets millicores and the chart's container and pod names (its cpu once
// gave cores over the whole range, which advised 5m for a 400m proc).
func TestExampleClusterValuesShowTheDefaults(t *testing.T) {
	raw, err := os.ReadFile("../../cluster_values/example-values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		PQL map[string]string `yaml:"pql_template"`
	}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.PQL["cpu"] != DefaultCPU || v.PQL["memory_quantile"] != DefaultMemoryQuantile {
		t.Errorf("example-values.yaml pql_template:\n%v\nwant\n%s\n%s", v.PQL, DefaultCPU, DefaultMemoryQuantile)
	}
}
