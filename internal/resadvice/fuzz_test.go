package resadvice

import (
	"strings"
	"testing"
)

// FuzzExpand: pql_template values are the team's input; Expand must never
// panic, and what it returns keeps no placeholder of its own.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{DefaultCPU, DefaultMemoryQuantile, `{{ .appname }}{x}`, `{`, `}`, `{{`, `}}}`, `{appname`, `{}`} {
		f.Add(s)
	}
	vars := map[string]string{"appname": "a", "proc_name": "p", "range": "7d"}
	f.Fuzz(func(t *testing.T, tmpl string) {
		out, err := Expand("t", tmpl, vars)
		if err == nil && !strings.Contains(tmpl, "{{") && strings.Contains(out, "{") {
			t.Errorf("Expand(%q) = %q: a brace survived", tmpl, out)
		}
	})
}

// FuzzQuantity: resources come from the app's values; parsing them must
// never panic nor give a negative size.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"500m", "1", "0.5", "256Mi", "1G", "1e3", "", "-1", "NaN", "Inf", "1Ki"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if v, ok := MemoryBytes(q); ok && v < 0 {
			t.Errorf("MemoryBytes(%q) = %v", q, v)
		}
		if v, ok := CPUMillicores(q); ok && v < 0 {
			t.Errorf("CPUMillicores(%q) = %v", q, v)
		}
		ParseRange(q)
	})
}
