package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/chart"
)

// TestTemplateOnlyMovesTheOriginalsTemplatesAside: an app whose chart the
// original lain wrote gets lain's templates, and the original's (which
// would render every object a second time) move out of templates/, kept.
func TestTemplateOnlyMovesTheOriginalsTemplatesAside(t *testing.T) {
	original := map[string]string{
		"chart/values.yaml":                    ownValues,
		"chart/Chart.yaml":                     "apiVersion: v2\nname: chart\ndescription: \"I got this, baby\"\nversion: 0.1.11\nappVersion: no-use\n",
		"chart/templates/_helpers.tpl":         "{{- define \"chart.labels\" -}}{{- end -}}\n",
		"chart/templates/deployment.yaml":      "# the original's deployments\n",
		"chart/templates/externalIngress.yaml": "# the original's external ingresses\n",
		"chart/templates/mine.yaml":            "# the team's own\n",
	}
	e := newInitEnv(t, "shop", original)
	e.opts.DryRun, e.opts.TemplateOnly = true, true
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	backup := "chart/" + chart.RetireDir(testNow)
	if !strings.Contains(e.errOut.String(), "would move the original lain's chart/templates/deployment.yaml to "+backup+"/  # dry run\n") {
		t.Error(e.errOut.String())
	}
	if e.read(t, "chart/templates/deployment.yaml") == "" {
		t.Fatal("a dry run moved a file")
	}
	e.errOut.Reset()
	e.opts.DryRun = false
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	want := "moved the original lain's templates deployment.yaml, externalIngress.yaml to " + backup + "/ (lain's templates replace them; delete that directory once you have checked)\n"
	if !strings.Contains(e.errOut.String(), want) {
		t.Errorf("lacks %q:\n%s", want, e.errOut)
	}
	for _, gone := range []string{"deployment.yaml", "externalIngress.yaml"} {
		if _, err := os.Stat(filepath.Join(e.dir, "chart", "templates", gone)); err == nil {
			t.Errorf("templates/%s is still rendered", gone)
		}
		if e.read(t, filepath.Join(backup, gone)) != original["chart/templates/"+gone] {
			t.Errorf("%s/%s is not the original's file", backup, gone)
		}
	}
	if e.read(t, "chart/templates/mine.yaml") != "# the team's own\n" || e.read(t, "chart/values.yaml") != ownValues {
		t.Error("a file of the team's changed")
	}
	// .helmignore keeps the moved files out of packaged charts.
	if !strings.Contains(e.read(t, "chart/.helmignore"), "*.backup-*") {
		t.Error(e.read(t, "chart/.helmignore"))
	}
}
