package app

import (
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLocateFindsTheLastFileThatSetsAKey(t *testing.T) {
	file := func(name, text string) *ValuesFile {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		return &ValuesFile{Name: name, Root: doc.Content[0]}
	}
	files := []*ValuesFile{
		file("chart/values.yaml", "appname: hello\nbuild:\n  base: python\n  script: [a]\n"),
		file("chart/values-prod.yaml", "x: 1\nbuild:\n  script: [b]\n"),
	}
	for key, want := range map[string]string{
		"build.script[0]": "chart/values-prod.yaml:3", // the later file wins
		"build.base":      "chart/values.yaml:3",
		"build.prepare":   "chart/values-prod.yaml:2", // missing: where its parent is
		"nothing.here":    "chart/values.yaml:1",
	} {
		name, line := Locate(files, key)
		if got := name + ":" + strconv.Itoa(line); got != want {
			t.Errorf("Locate(%q) = %s, want %s", key, got, want)
		}
	}
}
