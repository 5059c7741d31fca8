package statusview

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/kube"
)

// Tone is how a line is coloured on a terminal.
type Tone int

const (
	Plain Tone = iota
	Title
	Good
	Bad
	Warn
	Dim
)

// Line is one line of the report.
type Line struct {
	Text string
	Tone Tone
}

// Lines renders the report: pods by workload, metrics note, URLs, then
// what is wrong with each unhealthy pod. The plain output and the
// full-screen view show exactly these lines.
func Lines(r *Report) []Line {
	var out []Line
	add := func(tone Tone, format string, args ...any) {
		out = append(out, Line{Text: fmt.Sprintf(format, args...), Tone: tone})
	}
	if r.Stale != "" {
		add(Warn, "%s", r.Stale)
	}
	if r.State == nil || !r.State.Deployed() {
		add(Bad, "%s", kube.NotDeployedMessage(r.App, r.Cluster, r.Namespace))
		add(Plain, "  next: lain deploy   # or lain use CLUSTER, if it runs elsewhere")
		return out
	}
	out = append(out, podLines(r)...)
	if warns := r.MemoryWarnings(); len(warns) > 0 {
		add(Plain, "")
		for _, w := range warns {
			add(Warn, "warning: %s", w)
		}
	}
	if r.MetricsNote != "" {
		add(Dim, "")
		add(Dim, "metrics: %s", r.MetricsNote)
	}
	if len(r.URLs) > 0 {
		add(Plain, "")
		add(Title, "URLS")
		w := 0
		for _, u := range r.URLs {
			w = max(w, len(u.URL))
		}
		for _, u := range r.URLs {
			switch {
			case u.Status != 0:
				tone := Good
				if u.Bad() {
					tone = Bad
				} else if u.Status >= 400 {
					tone = Warn
				}
				add(tone, "  %-*s  %d %s", w, u.URL, u.Status, http.StatusText(u.Status))
			default:
				add(Warn, "  %-*s  no answer from here: %s", w, u.URL, u.Err)
			}
		}
	}
	if len(r.Diagnoses) > 0 {
		add(Plain, "")
		add(Title, "PROBLEMS")
		for _, d := range r.Diagnoses {
			add(Bad, "%s: %s", d.Pod.Name, orText(d.Pod.Problem(), d.Pod.Status()))
			if len(d.Events) > 0 {
				add(Plain, "  events:")
				for _, e := range d.Events {
					tone := Dim
					if e.Type == "Warning" {
						tone = Warn
					}
					count := ""
					if e.Count > 1 {
						count = fmt.Sprintf(" (x%d)", e.Count)
					}
					add(tone, "    %s ago  %s  %s: %s%s", kube.ShortDuration(r.Taken.Sub(e.Last)), e.Type, e.Reason, oneLine(e.Message), count)
				}
			}
			if len(d.Logs) > 0 {
				of := ""
				if d.LogsOf != "" {
					of = ", " + d.LogsOf
				}
				add(Plain, "  last %d log lines%s:", len(d.Logs), of)
				for _, l := range d.Logs {
					add(Plain, "    %s", l)
				}
			}
		}
	}
	return out
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// podLines is the pods table, grouped by workload, columns aligned across
// groups.
func podLines(r *Report) []Line {
	header := []string{"POD", "STATUS", "READY", "RESTARTS", "AGE", "NODE"}
	switch {
	case r.Usage != nil && r.Sizes != nil:
		header = append(header, "CPU (REQ/LIMIT)", "MEMORY (REQ/LIMIT)")
	case r.Usage != nil:
		header = append(header, "CPU", "MEMORY")
	}
	type row struct {
		cells []string
		tone  Tone
	}
	var groups [][]row
	var titles []Line
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len(h)
	}
	for _, w := range r.State.Workloads {
		title := Line{Text: workloadTitle(w), Tone: Title}
		if !w.Healthy() {
			title.Tone = Bad
		}
		titles = append(titles, title)
		var rows []row
		for _, p := range w.Pods {
			ready, total := p.ReadyCount()
			cells := []string{p.Name, p.Status(), fmt.Sprintf("%d/%d", ready, total), strconv.Itoa(p.Restarts()), p.Age(r.Taken), orText(p.Node, "-")}
			if r.Usage != nil {
				u, ok := r.Usage[p.Name]
				if !ok {
					u = kube.Usage{CPU: "-", Memory: "-"}
				}
				if s, ok := r.Sizes[p.Name]; ok {
					u.CPU += " (" + formatCPU(s.CPURequest) + "/" + formatCPU(s.CPULimit) + ")"
					u.Memory += " (" + formatMemory(s.MemoryRequest) + "/" + formatMemory(s.MemoryLimit) + ")"
				}
				cells = append(cells, u.CPU, u.Memory)
			}
			tone := Good
			switch {
			case p.IsJob() && p.Phase == "Succeeded":
				tone = Dim
			case !p.Healthy():
				tone = Bad
			}
			for i, c := range cells {
				widths[i] = max(widths[i], len(c))
			}
			rows = append(rows, row{cells, tone})
		}
		groups = append(groups, rows)
	}
	format := func(cells []string) string {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range cells {
			if i == len(cells)-1 {
				b.WriteString(c)
				break
			}
			fmt.Fprintf(&b, "%-*s  ", widths[i], c)
		}
		return strings.TrimRight(b.String(), " ")
	}
	out := []Line{{Text: format(header), Tone: Dim}}
	for i, rows := range groups {
		out = append(out, titles[i])
		if len(rows) == 0 {
			out = append(out, Line{Text: "  (no pods)", Tone: Dim})
		}
		for _, rw := range rows {
			out = append(out, Line{Text: format(rw.cells), Tone: rw.tone})
		}
	}
	return out
}

func workloadTitle(w kube.Workload) string {
	switch w.Kind {
	case "Deployment", "StatefulSet":
		return fmt.Sprintf("%s: %d/%d ready", w.Short(), w.Ready, w.Desired)
	case "CronJob":
		s := fmt.Sprintf("%s: schedule %q", w.Short(), w.Schedule)
		if w.Suspended {
			s += ", suspended"
		}
		return s
	case "Job":
		return w.Short() + " (one-off)"
	}
	return w.Short()
}

// Links are printed after the plain report.
type Links struct{ Grafana, Kibana string }

// WritePlain prints the report once, as plain text: lain status -s.
func WritePlain(w io.Writer, r *Report, links Links) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on cluster %s (namespace %s) at %s\n\n", r.App, r.Cluster, r.Namespace, r.Taken.Format("2006-01-02 15:04:05"))
	for _, l := range Lines(r) {
		b.WriteString(l.Text + "\n")
	}
	if links.Grafana != "" || links.Kibana != "" {
		b.WriteString("\n")
		if links.Grafana != "" {
			b.WriteString("grafana: " + links.Grafana + "\n")
		}
		if links.Kibana != "" {
			b.WriteString("kibana:  " + links.Kibana + "\n")
		}
	}
	if r.State != nil && r.State.Deployed() {
		b.WriteString("\n" + r.Summary() + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatCPU writes millicores as a quantity ("-" for none): 500m, 2.
func formatCPU(m float64) string {
	switch {
	case m <= 0:
		return "-"
	case math.Mod(m, 1000) == 0:
		return strconv.FormatFloat(m/1000, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Ceil(m), 'f', -1, 64) + "m"
}

// formatMemory writes bytes as a quantity ("-" for none): 512Mi, 1Gi.
func formatMemory(b float64) string {
	switch {
	case b <= 0:
		return "-"
	case math.Mod(b, 1<<30) == 0:
		return strconv.FormatFloat(b/(1<<30), 'f', -1, 64) + "Gi"
	}
	return strconv.FormatFloat(math.Ceil(b/(1<<20)), 'f', -1, 64) + "Mi"
}
