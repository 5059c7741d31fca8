package chart_test

// Helpers for tests that read renders as Kubernetes objects (parsed YAML),
// never as text.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/helmargs"
)

// objects are a render's objects by "Kind/name".
type objects map[string]map[string]any

// parseObjects reads a multi-document render.
func parseObjects(t *testing.T, manifests []byte) objects {
	t.Helper()
	out := objects{}
	dec := yaml.NewDecoder(bytes.NewReader(manifests))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("the render is not YAML: %v\n%s", err, manifests)
		}
		if doc == nil {
			continue
		}
		key := fmt.Sprint(doc["kind"], "/", get(doc, "metadata.name"))
		if _, dup := out[key]; dup {
			t.Errorf("%s rendered twice", key)
		}
		out[key] = doc
	}
}

// keys are the objects' Kind/name, sorted.
func (o objects) keys() []string {
	out := make([]string, 0, len(o))
	for k := range o {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// must is the object Kind/name; the test stops when there is none.
func (o objects) must(t *testing.T, key string) map[string]any {
	t.Helper()
	obj, ok := o[key]
	if !ok {
		t.Fatalf("no %s in the render; it has %v", key, o.keys())
	}
	return obj
}

// get walks a dotted path; a number indexes a list. nil when absent.
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// podSpec is the pod spec of a workload, a CronJob or a Pod.
func podSpec(obj map[string]any) map[string]any {
	for _, p := range []string{"spec.template.spec", "spec.jobTemplate.spec.template.spec", "spec"} {
		if s, ok := get(obj, p).(map[string]any); ok && s["containers"] != nil {
			return s
		}
	}
	return nil
}

// renderApp renders values (chart/values.yaml) on a cluster with the given
// cluster values, as lain template does, and parses the result.
func renderApp(t *testing.T, helm, values, cluster string) objects {
	t.Helper()
	return parseObjects(t, renderRaw(t, helm, values, cluster, nil))
}

// renderRaw renders and returns the manifests; files are more files of the
// app (relative to chart/).
func renderRaw(t *testing.T, helm, values, cluster string, files map[string]string) []byte {
	t.Helper()
	dir := t.TempDir()
	if err := chart.WriteAtomic(filepath.Join(dir, "chart", "values.yaml"), []byte(values), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, c := range files {
		if err := chart.WriteAtomic(filepath.Join(dir, "chart", p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := loadWithChart(t, dir)
	// Relative to the app: helm splits -f on commas, which test names have.
	if err := os.WriteFile(filepath.Join(dir, "cluster.yaml"), []byte(cluster), 0o644); err != nil {
		t.Fatal(err)
	}
	o := helmargs.Options{Cluster: "test", User: "dev", ImageTag: testTag, ClusterValues: "cluster.yaml"}
	if a.Has(app.ClusterValuesName("test")) {
		o.AppClusterValues = app.ClusterValuesName("test")
	}
	return []byte(helmRun(t, helm, dir, helmargs.Template(a.Release, o)))
}
