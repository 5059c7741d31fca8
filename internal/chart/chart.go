// Package chart is lain's built-in Helm chart: the templates every app's
// chart/ gets from `lain init`, the version they carry, and writing them
// (and a first values.yaml) into an app without losing what the user had.
package chart

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/appvalues"
)

// Version is the version of the built-in chart, written into each app's
// chart/Chart.yaml. Bump it whenever anything lain writes into chart/
// changes (a template, values.schema.json): `lain lint` tells apps with an
// older chart to run `lain init --template-only --commit`, and judges by
// this version alone (version_test.go pins each version's content).
// 1.2.0: values.schema.json is generated from lint's own schema, so it
// takes what lint takes (release.copy's plain paths, "true" for a boolean).
const Version = "1.2.0"

//go:embed templates/*
var embedded embed.FS

// helmignore keeps lain's backups and cluster overrides out of packaged
// charts (helm still reads the overrides through -f).
const helmignore = `# Written by lain init.
.git/
*.backup-*
*.tmp
`

// chartYAML is chart/Chart.yaml for appname.
func chartYAML(appname string) []byte {
	return []byte(fmt.Sprintf(`# Written by lain init from lain's built-in chart. version is that chart's
# version: lain lint asks for lain init --template-only when it is older than
# the chart of the lain you run.
apiVersion: v2
name: %s
description: %s, deployed by lain
type: application
version: %s
`, appname, appname, Version))
}

// SchemaFile is the JSON Schema of values.yaml, beside it in chart/: helm
// validates the merged values with it (template, install, lint) and editors
// complete keys from it (values.yaml's first line names it).
const SchemaFile = "values.schema.json"

// Files returns every file lain owns in an app's chart/, by path relative
// to chart/: Chart.yaml, .helmignore, values.schema.json and templates/*.
// values*.yaml is the user's and never among them.
func Files(appname string) map[string][]byte {
	out := map[string][]byte{
		"Chart.yaml":  chartYAML(appname),
		".helmignore": []byte(helmignore),
		SchemaFile:    valuesSchema(),
	}
	entries, err := fs.ReadDir(embedded, "templates")
	if err != nil {
		panic("chart: embedded templates: " + err.Error()) // a build defect, not a user error
	}
	for _, e := range entries {
		b, err := embedded.ReadFile(path.Join("templates", e.Name()))
		if err != nil {
			panic("chart: embedded template: " + err.Error())
		}
		out[path.Join("templates", e.Name())] = b
	}
	return out
}

// TemplateNames lists the built-in templates (templates/<name>), sorted.
func TemplateNames() []string {
	var names []string
	for p := range Files("x") {
		if strings.HasPrefix(p, "templates/") {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	return names
}

// Compare compares two chart versions (MAJOR.MINOR.PATCH, missing parts
// are 0): -1 when a < b, 0 when equal, 1 when a > b. A part that is not a
// number counts as 0, so a mangled version reads as old.
func Compare(a, b string) int {
	pa, pb := parts(a), parts(b)
	for i := range pa {
		if pa[i] != pb[i] {
			if pa[i] < pb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func parts(v string) [3]int {
	var out [3]int
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	v, _, _ = strings.Cut(v, "-") // pre-release suffixes do not matter here
	for i, p := range strings.SplitN(v, ".", 3) {
		out[i], _ = strconv.Atoi(p)
	}
	return out
}

// valuesSchema is SchemaFile's content, from the schema lain lint checks.
func valuesSchema() []byte {
	b, err := json.MarshalIndent(appvalues.JSONSchema(), "", "  ")
	if err != nil {
		panic("chart: values schema: " + err.Error()) // a build defect
	}
	return append(b, '\n')
}
