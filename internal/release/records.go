package release

import (
	"sort"
	"strconv"
	"strings"
)

// Namespace is what one look at the namespace's Secrets tells: the
// revisions of every release helm stores there (helm keeps each revision
// as a Secret labelled owner=helm, name, status, version) and which
// Secrets exist. Deploy asks it once instead of one helm or kubectl
// process per question (each costs ~150 ms of start-up).
type Namespace struct {
	Secrets  map[string]bool
	Releases map[string][]Revision // oldest first; Description and Updated are empty
}

// InSecrets reports whether helm keeps its releases where a Secrets table
// shows them: in Secrets of the kubeconfig's namespace (helm's default).
// Any other HELM_DRIVER or a HELM_NAMESPACE means asking helm itself.
func InSecrets(getenv func(string) string) bool {
	if getenv == nil {
		return true
	}
	d := getenv("HELM_DRIVER")
	return (d == "" || d == "secret" || d == "secrets") && getenv("HELM_NAMESPACE") == ""
}

// Labels are the label columns to ask kubectl for (-L), in this order,
// for FromTable.
var Labels = []string{"owner", "name", "status", "version"}

// Table is a kubectl table: the header's cells and each row's, cut at the
// header's column positions (an empty label leaves its cell blank).
type Table struct {
	Header []string
	Rows   [][]string
}

// ParseTables reads kubectl get's table output; several resource types
// print one table each, separated by a blank line.
func ParseTables(out string) []Table {
	var tables []Table
	var starts []int
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			starts = nil
			continue
		}
		if starts == nil {
			starts = columnStarts(line)
			tables = append(tables, Table{Header: cut(line, starts)})
			continue
		}
		t := &tables[len(tables)-1]
		t.Rows = append(t.Rows, cut(line, starts))
	}
	return tables
}

func cut(line string, starts []int) []string {
	cells := make([]string, len(starts))
	for i, s := range starts {
		if s >= len(line) {
			break
		}
		end := len(line)
		if i+1 < len(starts) && starts[i+1] < end {
			end = starts[i+1]
		}
		cells[i] = strings.TrimSpace(line[s:end])
	}
	return cells
}

// columnStarts are the byte offsets where each header word starts.
func columnStarts(header string) []int {
	var starts []int
	for i := 0; i < len(header); i++ {
		if header[i] != ' ' && (i == 0 || header[i-1] == ' ') {
			starts = append(starts, i)
		}
	}
	return starts
}

// FromTable reads a Secrets table (NAME TYPE ... then the Labels columns,
// starting at column first) into a Namespace. Names may carry kubectl's
// "secret/" prefix.
func FromTable(t Table, first int) Namespace {
	ns := Namespace{Secrets: map[string]bool{}, Releases: map[string][]Revision{}}
	for _, row := range t.Rows {
		name := strings.TrimPrefix(row[0], "secret/")
		if name == "" {
			continue
		}
		ns.Secrets[name] = true
		if first+3 >= len(row) || len(row) < 2 || row[1] != "helm.sh/release.v1" || row[first] != "helm" {
			continue
		}
		v, err := strconv.Atoi(row[first+3])
		if err != nil {
			continue
		}
		rel := row[first+1]
		ns.Releases[rel] = append(ns.Releases[rel], Revision{Revision: v, Status: row[first+2]})
	}
	for _, revs := range ns.Releases {
		sort.Slice(revs, func(i, j int) bool { return revs[i].Revision < revs[j].Revision })
	}
	return ns
}

// ParseNamespace reads `kubectl get secrets -L owner,name,status,version`.
func ParseNamespace(out string) Namespace {
	for _, t := range ParseTables(out) {
		if len(t.Header) >= 8 && t.Header[0] == "NAME" {
			return FromTable(t, len(t.Header)-len(Labels))
		}
	}
	return Namespace{Secrets: map[string]bool{}, Releases: map[string][]Revision{}}
}
