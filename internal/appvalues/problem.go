// Package appvalues is the schema of an app's chart/values.yaml (lain's
// reference, section 4) and the rules `lain lint` checks it with. It works
// on parsed YAML nodes, so every problem names its file and line.
package appvalues

import (
	"fmt"
	"sort"
)

// Problem is one thing wrong with the app's values, located by file and
// line: file:line: key: problem (hint).
type Problem struct {
	File    string
	Line    int
	Key     string // dotted path: deployments.web.resources.limits.memory
	Msg     string
	Hint    string // how to fix it; may be empty
	Warning bool   // worth saying, but the app still deploys
}

func (p Problem) String() string {
	s := fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Key, p.Msg)
	if p.Hint != "" {
		s += " (" + p.Hint + ")"
	}
	return s
}

// Errors are the problems that are not warnings.
func Errors(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings are the problems that are warnings.
func Warnings(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// sortProblems orders problems by file (in merge order), then line, so one
// pass through the file fixes them top to bottom.
func sortProblems(ps []Problem, fileOrder map[string]int) {
	sort.SliceStable(ps, func(i, j int) bool {
		if fileOrder[ps[i].File] != fileOrder[ps[j].File] {
			return fileOrder[ps[i].File] < fileOrder[ps[j].File]
		}
		return ps[i].Line < ps[j].Line
	})
}
