package release

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
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

// InSecrets reports whether helm keeps its releases where ReadNamespace
// looks: in Secrets of the kubeconfig's namespace (helm's default). Any
// other HELM_DRIVER or a HELM_NAMESPACE means asking helm itself.
func InSecrets(getenv func(string) string) bool {
	if getenv == nil {
		return true
	}
	d := getenv("HELM_DRIVER")
	return (d == "" || d == "secret" || d == "secrets") && getenv("HELM_NAMESPACE") == ""
}

// ReadNamespaceCmd is the one query: the API server prints the table (no
// Secret's data leaves it), with helm's labels as columns.
var ReadNamespaceCmd = []string{"get", "secrets", "-L", "owner,name,status,version"}

// ReadNamespace lists the namespace's Secrets and helm's release records
// in one kubectl call.
func ReadNamespace(ctx context.Context, r runner.Runner) (Namespace, error) {
	res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: ReadNamespaceCmd, Capture: true, Quiet: true})
	if err != nil {
		return Namespace{}, err
	}
	return ParseNamespace(string(res.Stdout)), nil
}

// ParseNamespace reads kubectl's table: NAME TYPE DATA AGE OWNER NAME
// STATUS VERSION, cells left-aligned under their headers (an empty label
// leaves its cell blank, so columns are cut by the headers' positions).
func ParseNamespace(table string) Namespace {
	ns := Namespace{Secrets: map[string]bool{}, Releases: map[string][]Revision{}}
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "NAME") {
		return ns
	}
	starts := columnStarts(lines[0])
	if len(starts) < 8 {
		return ns
	}
	for _, line := range lines[1:] {
		cell := func(i int) string {
			if starts[i] >= len(line) {
				return ""
			}
			end := len(line)
			if i+1 < len(starts) && starts[i+1] < end {
				end = starts[i+1]
			}
			return strings.TrimSpace(line[starts[i]:end])
		}
		name := cell(0)
		if name == "" {
			continue
		}
		ns.Secrets[name] = true
		if cell(4) != "helm" || cell(1) != "helm.sh/release.v1" {
			continue
		}
		v, err := strconv.Atoi(cell(7))
		if err != nil {
			continue
		}
		rel := cell(5)
		ns.Releases[rel] = append(ns.Releases[rel], Revision{Revision: v, Status: cell(6)})
	}
	for _, revs := range ns.Releases {
		sort.Slice(revs, func(i, j int) bool { return revs[i].Revision < revs[j].Revision })
	}
	return ns
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
