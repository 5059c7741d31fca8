package image

import (
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
)

// What a proc of the merged values says about running the app's image
// locally (lain run -c PROC, lain compose).

// ProcSpec is the merged spec of a proc, by name.
func ProcSpec(values map[string]any, name string) (map[string]any, error) {
	var names []string
	for _, p := range app.Procs(values) {
		if p.Name == name {
			spec, _ := values[p.Kind].(map[string]any)[name].(map[string]any)
			return spec, nil
		}
		names = append(names, p.Name)
	}
	return nil, clierr.Usage(fmt.Sprintf("no proc %q in chart/values.yaml (procs: %s)", name, strings.Join(names, ", ")), "lain run -c PROC")
}

// AppWorkdir is where the image has the app: build.workdir, else
// /lain/app (the chart's default workingDir too).
func AppWorkdir(values map[string]any) string {
	if b, ok := values["build"].(map[string]any); ok && Scalar(b["workdir"]) != "" {
		return Scalar(b["workdir"])
	}
	return DefaultWorkdir
}

// AddEnv adds the variables of an env mapping (global or a proc's) to env.
func AddEnv(env map[string]string, v any) {
	m, _ := v.(map[string]any)
	for k, val := range m {
		env[k] = Scalar(val)
	}
}

// Scalar is a scalar value as a string; "" for none, a mapping or a list.
func Scalar(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}

// StringList is a list value as strings (nil when v is not a list).
func StringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
