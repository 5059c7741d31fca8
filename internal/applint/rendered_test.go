package applint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const okDeployment = `---
# Source: shop/templates/deployments.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  labels:
    app.kubernetes.io/instance: shop-web
spec:
  selector:
    matchLabels:
      app.kubernetes.io/instance: shop-web
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: shop-web
`

func findings(rendered string) []string {
	var out []string
	for _, f := range CheckRendered([]byte(rendered)) {
		s := f.String()
		if f.Warning {
			s = "warning: " + s
		}
		out = append(out, s)
	}
	return out
}

func TestCheckRenderedAcceptsLainsChart(t *testing.T) {
	if got := findings(okDeployment + "---\n# Source: shop/templates/services.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-web\n"); len(got) != 0 {
		t.Fatal(got)
	}
}

func TestCheckRenderedNamesTheTemplateAndObject(t *testing.T) {
	long := strings.Repeat("a", 60)
	cases := []struct{ name, render, want string }{
		{"broken YAML, by line of the render", okDeployment + "---\n# Source: shop/templates/mine.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x: y\n",
			"chart/templates/mine.yaml: line 22 of the render: not valid YAML: mapping values are not allowed in this context"},
		{"service name too long", "---\n# Source: shop/templates/services.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + long + "-web\n",
			`chart/templates/services.yaml: Service "` + long + `-web": metadata.name: "` + long + `-web" is 64 characters; a Service's name is at most 63: shorten the appname, releaseName or proc name`},
		{"cronjob name too long", "---\n# Source: shop/templates/cronjobs.yaml\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " + long + "\n",
			`chart/templates/cronjobs.yaml: CronJob "` + long + `": metadata.name: "` + long + `" is 60 characters; a CronJob's name is at most 52 (its jobs add 11): shorten the appname, releaseName or proc name`},
		{"label value too long", strings.Replace(okDeployment, "  labels:\n    app.kubernetes.io/instance: shop-web\nspec", "  labels:\n    app.kubernetes.io/instance: "+long+"-web-x\nspec", 1),
			`chart/templates/deployments.yaml: Deployment "shop-web": metadata.labels: label app.kubernetes.io/instance: value "` + long + `-web-x" is 66 characters; at most 63 (shorten the appname, releaseName or proc name)`},
		{"label not a string", strings.Replace(okDeployment, "      labels:\n        app.kubernetes.io/instance: shop-web\n", "      labels:\n        version: 2\n", 1),
			`chart/templates/deployments.yaml: Deployment "shop-web": spec.template.metadata.labels: label version: 2 is not a string (quote it in the values)`},
		{"no selector", strings.Replace(okDeployment, "  selector:\n    matchLabels:\n      app.kubernetes.io/instance: shop-web\n", "", 1),
			`chart/templates/deployments.yaml: Deployment "shop-web": spec.selector has no matchLabels or matchExpressions (helm lint and the API server refuse it)`},
		{"uppercase name", "---\n# Source: shop/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Shop\n",
			`chart/templates/x.yaml: ConfigMap "Shop": metadata.name: "Shop" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`},
		{"no kind", "---\n# Source: shop/templates/x.yaml\nmetadata:\n  name: x\n",
			"chart/templates/x.yaml: line 2 of the render: an object without apiVersion or kind (the API server refuses it)"},
		{"indented document", "---\n# Source: shop/templates/x.yaml\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n",
			`warning: chart/templates/x.yaml: line 2 of the render: the document starts indented ("apiVersion: v1"): a template leaves spaces before it`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := findings(c.render)
			if len(got) != 1 || got[0] != c.want {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), c.want)
			}
		})
	}
}

func TestCheckChartFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	write := func(name, s string) { os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644) }
	write("Chart.yaml", "apiVersion: v2\nname: shop\nversion: 1.1.0\n")
	write("templates/deployments.yaml", "")
	if got := checkChartFiles(dir); got != "" {
		t.Fatal(got)
	}
	write("Chart.yaml", "apiVersion: v3\nname: a/b\nversion: one\n")
	write("templates/notes.md", "")
	want := `chart/Chart.yaml: apiVersion: "v3", helm wants v2 (or v1)
  chart/Chart.yaml: name: "a/b", helm wants a name without slashes
  chart/Chart.yaml: version: "one" is not a semantic version (as 1.2.3)
  chart/templates/notes.md: helm renders only .yaml, .yml, .tpl and .txt files (rename or move it)`
	if got := checkChartFiles(dir); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	write("Chart.yaml", "apiVersion: v2\nname: [\n")
	if got := checkChartFiles(dir); !strings.HasPrefix(got, "chart/Chart.yaml:") || !strings.Contains(got, "not valid YAML") {
		t.Fatal(got)
	}
}

func FuzzCheckRendered(f *testing.F) {
	f.Add([]byte(okDeployment))
	f.Add([]byte("---\n# Source: x/templates/a.yaml\n  a: [\n---\n--- \nkind: Service\napiVersion: v1\nmetadata: {name: 9x}\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nmetadata:\n  labels: {\"/\": \"-\"}\n"))
	f.Fuzz(func(t *testing.T, rendered []byte) {
		for _, fd := range CheckRendered(rendered) {
			_ = fd.String()
		}
	})
}
