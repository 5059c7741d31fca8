package appvalues

import "sort"

// Keys lists the top-level keys lain's chart reads, sorted.
func Keys() []string { return sortedFields(topSpec()) }

// ProcKeys lists the keys a proc of kind (deployments, statefulSets,
// cronjobs, jobs, tests) takes, sorted.
func ProcKeys(kind string) []string { return sortedFields(procSpec(kind)) }

func sortedFields(s *spec) []string {
	out := make([]string, 0, len(s.fields))
	for k := range s.fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
