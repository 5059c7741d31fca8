package resadvice

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Source says where the figures came from, for the printed reasons.
type Source struct {
	URL   string // Prometheus
	Range string // prometheus_query_range
}

// WriteLint prints the advice as lint does: for each proc with data, the
// figures behind the advice and the resources block to paste; one line for
// a proc whose data is too thin or missing.
func WriteLint(w io.Writer, src Source, results []Result, valuesFile string) {
	for _, r := range results {
		path := r.Proc.Kind + "." + r.Proc.Name
		switch r.Status {
		case NoData:
			fmt.Fprintf(w, "advice: %s: Prometheus has no memory figures for it over the last %s; no advice\n", path, src.Range)
			continue
		case Thin:
			fmt.Fprintf(w, "advice: %s: the data is too thin: %s; no advice\n", path, thinText(r))
			continue
		}
		fmt.Fprintf(w, "advice: %s over the last %s: CPU top %dm (90th percentile of %d points), memory top %s (pql_template.memory_quantile)\n",
			path, src.Range, r.Usage.CPUTop, r.Points, FormatMemory(float64(r.Usage.MemoryTop)))
		if len(r.Changes) == 0 {
			fmt.Fprintf(w, "  resources fit: nothing to change\n")
			continue
		}
		for _, c := range r.Changes {
			fmt.Fprintf(w, "  %s: %s -> %s (%s)\n", c.Key, orUnset(c.Current), c.Suggested, c.Why)
		}
		fmt.Fprintf(w, "  paste under %s in %s:\n", path, valuesFile)
		writeBlock(w, "    ", Apply(r.Proc.Resources, r.Changes))
	}
}

// WriteTable prints every proc's figures and advice as a table.
func WriteTable(w io.Writer, results []Result) error {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROC\tCPU TOP\tMEMORY TOP\tREQUESTS CPU\tREQUESTS MEMORY\tLIMITS CPU\tLIMITS MEMORY")
	var notes []string
	for _, r := range results {
		switch r.Status {
		case NoData:
			fmt.Fprintf(tw, "%s\tno data\t\t\t\t\t\n", r.Proc.Name)
			continue
		case Thin:
			fmt.Fprintf(tw, "%s\ttoo thin\t\t\t\t\t\n", r.Proc.Name)
			notes = append(notes, fmt.Sprintf("%s: too thin: %s; no advice", r.Proc.Name, thinText(r)))
			continue
		}
		changed := map[string]string{}
		for _, c := range r.Changes {
			changed[c.Key] = c.Suggested
		}
		cell := func(key, current string) string {
			if s, ok := changed[key]; ok {
				return orUnset(current) + " -> " + s
			}
			return orUnset(current) + " ok"
		}
		res := r.Proc.Resources
		fmt.Fprintf(tw, "%s\t%dm\t%s\t%s\t%s\t%s\t%s\n", r.Proc.Name, r.Usage.CPUTop, FormatMemory(float64(r.Usage.MemoryTop)),
			cell("requests.cpu", res.RequestsCPU), cell("requests.memory", res.RequestsMemory),
			cell("limits.cpu", res.LimitsCPU), cell("limits.memory", res.LimitsMemory))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// rows without figures keep every cell (so columns stay aligned) but
	// not the padding after the last one
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if _, err := fmt.Fprintln(w, strings.TrimRight(line, " ")); err != nil {
			return err
		}
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// WriteFragment prints a values-<cluster>.yaml fragment with the advised
// resources of every proc that has advice; the others are comments after it.
func WriteFragment(w io.Writer, cluster string, src Source, results []Result) {
	fmt.Fprintf(w, "# chart/values-%s.yaml: resources advised from Prometheus (%s) over the last %s\n", cluster, shownURL(src.URL), src.Range)
	kind := ""
	var notes []string
	for _, r := range results {
		path := r.Proc.Kind + "." + r.Proc.Name
		switch {
		case r.Status == NoData:
			notes = append(notes, path+": no data")
			continue
		case r.Status == Thin:
			notes = append(notes, fmt.Sprintf("%s: too thin (%s)", path, thinText(r)))
			continue
		case len(r.Changes) == 0:
			notes = append(notes, path+": resources fit")
			continue
		}
		if r.Proc.Kind != kind {
			kind = r.Proc.Kind
			fmt.Fprintf(w, "%s:\n", kind)
		}
		fmt.Fprintf(w, "  %s:\n", r.Proc.Name)
		writeBlock(w, "    ", Apply(r.Proc.Resources, r.Changes))
	}
	for _, n := range notes {
		fmt.Fprintln(w, "# "+n)
	}
}

// Apply is res with the advice written in.
func Apply(res Resources, changes []Change) Resources {
	for _, c := range changes {
		switch c.Key {
		case "requests.cpu":
			res.RequestsCPU = c.Suggested
		case "requests.memory":
			res.RequestsMemory = c.Suggested
		case "limits.cpu":
			res.LimitsCPU = c.Suggested
		case "limits.memory":
			res.LimitsMemory = c.Suggested
		}
	}
	return res
}

// writeBlock writes a resources: block, unset keys left out.
func writeBlock(w io.Writer, indent string, r Resources) {
	var b strings.Builder
	b.WriteString(indent + "resources:\n")
	for _, part := range []struct{ name, cpu, mem string }{{"requests", r.RequestsCPU, r.RequestsMemory}, {"limits", r.LimitsCPU, r.LimitsMemory}} {
		if part.cpu == "" && part.mem == "" {
			continue
		}
		b.WriteString(indent + "  " + part.name + ":\n")
		if part.cpu != "" {
			b.WriteString(indent + "    cpu: " + part.cpu + "\n")
		}
		if part.mem != "" {
			b.WriteString(indent + "    memory: " + part.mem + "\n")
		}
	}
	io.WriteString(w, b.String())
}

func thinText(r Result) string {
	return fmt.Sprintf("%d of %d CPU points are 0m, over %d%%", r.Zeros, r.Points, int(ThinShare*100))
}

func orUnset(s string) string {
	if s == "" {
		return "(unset)"
	}
	return s
}
