package chart

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeChartFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		if err := WriteAtomic(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanUpgradeTellsWhoWroteTheChart(t *testing.T) {
	cases := []struct {
		name     string
		files    map[string]string
		original bool
		retired  []string
	}{
		{"the original's chart: its templates go, by name",
			map[string]string{"Chart.yaml": "version: 0.1.11\n", "templates/pvc.yaml": "# no helpers used\n", "templates/service.yaml": "x\n", "templates/mine.yaml": "x\n"},
			true, []string{"pvc.yaml", "service.yaml"}},
		{"a lain chart: a user's own service.yaml stays",
			map[string]string{"Chart.yaml": "version: 1.0.0\n", "templates/service.yaml": "# mine\n"},
			false, nil},
		{"a lain chart with a leftover of the original's",
			map[string]string{"Chart.yaml": "version: 1.0.0\n", "templates/ingress.yaml": `{{- include "chart.labels" $ }}` + "\n"},
			false, []string{"ingress.yaml"}},
		{"a Chart.yaml that is not YAML is no obstacle",
			map[string]string{"Chart.yaml": "version: [\n"},
			false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeChartFiles(t, c.files)
			u, err := PlanUpgrade(dir, "shop")
			if err != nil {
				t.Fatal(err)
			}
			if u.Original != c.original || !reflect.DeepEqual(u.Retired, c.retired) {
				t.Fatalf("original %v retired %v", u.Original, u.Retired)
			}
			if d := u.Describe(); !strings.Contains(d, "It keeps chart/values.yaml and chart/values-*.yaml as they are") {
				t.Error(d)
			}
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			moved, err := RetireOriginal(dir, u.Original, now)
			if err != nil || !reflect.DeepEqual(moved, c.retired) {
				t.Fatalf("moved %v %v", moved, err)
			}
			for _, n := range moved {
				if b, err := os.ReadFile(filepath.Join(dir, "templates.backup-20260102-030405", n)); err != nil || string(b) != c.files["templates/"+n] {
					t.Errorf("%s not kept: %v", n, err)
				}
			}
		})
	}
}
