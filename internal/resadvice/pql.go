package resadvice

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The default PromQL, for the metric names kubelet and cAdvisor give every
// container (container_cpu_usage_seconds_total, container_memory_working_set_bytes,
// labelled with the container's and the pod's names), so a team only has to
// set the prometheus URL. lain's chart names the container after the proc
// and the pods <appname>-<proc>-...: both are matched, so that proc "admin"
// never takes in proc "admin-api" and another app's "web". Both take the
// largest pod of the proc: requests and limits are per pod.
const (
	// DefaultCPU is the proc's CPU in millicores, as a range query.
	DefaultCPU = `max(rate(container_cpu_usage_seconds_total{{container="{proc_name}",pod=~"{appname}-{proc_name}-.+"}}[5m])) * 1000`
	// DefaultMemoryQuantile is the 95th percentile of the proc's memory in
	// bytes over the range, as an instant query.
	DefaultMemoryQuantile = `max(quantile_over_time(0.95, container_memory_working_set_bytes{{container="{proc_name}",pod=~"{appname}-{proc_name}-.+"}}[{range}]))`
)

// Templates are the cluster values' pql_template, defaults filled in.
type Templates struct{ CPU, MemoryQuantile string }

// TemplatesFrom reads pql_template (cpu, memory_quantile); missing keys get
// the defaults.
func TemplatesFrom(m map[string]string) Templates {
	t := Templates{CPU: m["cpu"], MemoryQuantile: m["memory_quantile"]}
	if strings.TrimSpace(t.CPU) == "" {
		t.CPU = DefaultCPU
	}
	if strings.TrimSpace(t.MemoryQuantile) == "" {
		t.MemoryQuantile = DefaultMemoryQuantile
	}
	return t
}

// Expand fills a template's placeholders the way the original's Python
// str.format did: {appname}, {proc_name} and {range} are replaced, {{ and
// }} stand for PromQL's own braces. A template written with Go-template
// placeholders ({{ .appname }}) instead keeps every other brace as it is.
// key names the template in errors (pql_template.cpu).
func Expand(key, tmpl string, vars map[string]string) (string, error) {
	if strings.Contains(tmpl, "{{ .") || strings.Contains(tmpl, "{{.") {
		for name, v := range vars {
			tmpl = strings.ReplaceAll(tmpl, "{{ ."+name+" }}", v)
			tmpl = strings.ReplaceAll(tmpl, "{{."+name+"}}", v)
		}
		return tmpl, nil
	}
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '{', c == '}' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			b.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("%s: a { at offset %d is never closed (write {{ for PromQL's own brace)", key, i)
			}
			name := tmpl[i+1 : i+end]
			v, ok := vars[name]
			if !ok {
				return "", fmt.Errorf("%s: unknown placeholder {%s} (known: {appname}, {proc_name}, {range}; write {{ and }} for PromQL's own braces)", key, name)
			}
			b.WriteString(v)
			i += end
		case c == '}':
			return "", fmt.Errorf("%s: a } at offset %d closes nothing (write }} for PromQL's own brace)", key, i)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// DefaultRange is prometheus_query_range when the app does not set it.
const DefaultRange = "7d"

// ParseRange reads a Prometheus duration of one number and one unit (7d,
// 12h, 30m, 2w, 1y), as prometheus_query_range is written.
func ParseRange(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}
	if len(s) < 2 {
		return 0, fmt.Errorf("prometheus_query_range: %q is not a time range (a number and a unit, e.g. 7d or 12h)", s)
	}
	unit, ok := units[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("prometheus_query_range: %q is not a time range (a number and a unit, e.g. 7d or 12h)", s)
	}
	return time.Duration(n) * unit, nil
}

// Points is how many steps a range query is cut into, as the original did.
const Points = 1440

// Step is the range query's step for a range: range / 1440 in whole
// seconds (at least 1 s).
func Step(rng time.Duration) time.Duration {
	s := int64(rng.Seconds()) / Points
	if s < 1 {
		s = 1
	}
	return time.Duration(s) * time.Second
}
