package appvalues

import (
	"fmt"

	"strings"
)

// This file exports the schema lain checks values with, for what is
// generated from it: chart/values.schema.json (helm and editors) and
// docs/values.md. Both come from topSpec, so they cannot drift from lint.

// JSONSchema is the JSON Schema (draft-07, which helm 3 validates with) of
// an app's values, as a tree ready for json.Marshal.
//
// It never rejects what lain lint accepts: every value may be null (helm
// treats null as absent, and so does lint); the top level allows other
// keys, because helm validates the merged values, which hold the cluster
// values' keys and keys the app's own templates read (lint accepts both);
// a string may be a boolean (helm reads a bare yes/no/on/off as one, lint
// as a string); rules lint checks by reading the value (quantities, schedules, ranges
// between keys) are left to lint, whose messages carry file:line. Unknown
// keys below the top level are rejected, as lint rejects them.
func JSONSchema() map[string]any {
	s := jsonOf(topSpec())
	s["additionalProperties"] = true
	out := map[string]any{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"title":       "lain app values (chart/values.yaml)",
		"description": "Generated from lain's values schema (make docs); lain lint checks the same keys with file:line messages.",
	}
	for k, v := range s {
		out[k] = v
	}
	return out
}

// scalar is any single YAML value: lain reads lists of strings and string
// maps item by item, accepting any scalar.
var scalar = []any{"string", "number", "integer", "boolean", "null"}

func jsonOf(s *spec) map[string]any {
	out := map[string]any{}
	typ := func(t string) { out["type"] = []any{t, "null"} }
	switch s.kind {
	case kAny:
		return out
	case kString, kTag:
		// A bare yes/no/on/off is a string to lint (YAML 1.2) and a boolean
		// to helm (YAML 1.1): allowed, so helm never fails where lint passed.
		out["type"] = []any{"string", "boolean", "null"}
		if s.enum != nil {
			e := make([]any, 0, len(s.enum)+1)
			for _, v := range s.enum {
				e = append(e, v)
			}
			out["enum"] = append(e, nil)
		}
		if s.kind == kTag {
			out["pattern"] = tagRe().String()
		}
	case kInt:
		typ("integer")
		out["minimum"], out["maximum"] = s.min, s.max
	case kBool:
		typ("boolean")
	case kStringList:
		typ("array")
		out["items"] = map[string]any{"type": scalar}
	case kStringMap, kEnv:
		typ("object")
		out["additionalProperties"] = map[string]any{"type": scalar}
	case kObject:
		typ("object")
	case kList:
		typ("array")
		out["items"] = jsonOf(s.elem)
	case kMapOf:
		typ("object")
		out["additionalProperties"] = jsonOf(s.elem)
		if s.name != nil {
			out["propertyNames"] = map[string]any{"pattern": dnsLabel().String(), "maxLength": 63}
		}
	case kStruct:
		typ("object")
		props := map[string]any{}
		for k, f := range s.fields {
			props[k] = jsonOf(f)
		}
		out["properties"] = props
		out["additionalProperties"] = false
		if len(s.required) > 0 {
			out["required"] = append([]string{}, s.required...)
		}
		if s.shorthand != "" {
			return map[string]any{"anyOf": []any{map[string]any{"type": "string", "minLength": 1}, out}}
		}
	case kCPU, kMemory:
		out["type"] = []any{"string", "number", "integer", "null"}
	}
	return out
}

// KeyDoc documents one key of the values, for docs/values.md.
type KeyDoc struct {
	Path     string // dotted, <name> for a map's own keys, [] for list items
	Type     string
	Required bool
	Example  string // a YAML line
	Default  string // what the chart uses when the key is left out; "" for nothing
	// What the original lain called the key, when not just the same:
	// other names it also accepted (Aliases), or why it had none (None).
	Aliases []string
	None    string
}

// Reference lists every key of an app's values, depth first in key order.
func Reference() []KeyDoc {
	var out []KeyDoc
	for _, k := range documented() {
		path := k.pathString()
		out = append(out, KeyDoc{
			Path: path, Type: typeName(k.s), Required: k.required,
			Example: k.exampleLine(), Default: defaultOf(path),
			Aliases: k.s.aliases, None: k.s.noOriginal,
		})
	}
	return out
}

// keyAt is one key the reference shows, where the schema has it.
type keyAt struct {
	// path: field names, "<name>" for a map's own keys, "[]" for list items.
	path     []string
	s        *spec
	required bool
	// name is what the example line calls the key: the field's name, or
	// the sample name of the map holding it.
	name string
}

// documented lists every key of topSpec depth first in key order, except
// the items of lists of maps (their fields say it all).
func documented() []keyAt {
	var out []keyAt
	var walk func(k keyAt)
	walk = func(k keyAt) {
		if len(k.path) > 0 && k.path[len(k.path)-1] != "[]" {
			out = append(out, k)
		}
		at := func(seg string) []string { return append(append([]string{}, k.path...), seg) }
		switch s := k.s; s.kind {
		case kStruct:
			req := map[string]bool{}
			for _, r := range s.required {
				req[r] = true
			}
			for _, f := range sortedFields(s) {
				walk(keyAt{path: at(f), s: s.fields[f], required: req[f], name: f})
			}
		case kList:
			if s.elem.kind == kStruct {
				walk(keyAt{path: at("[]"), s: s.elem})
			}
		case kMapOf:
			walk(keyAt{path: at("<name>"), s: s.elem, name: s.sample})
		}
	}
	walk(keyAt{s: topSpec()})
	return out
}

func (k keyAt) pathString() string {
	var b strings.Builder
	for _, seg := range k.path {
		if seg != "[]" && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// exampleLine is the key's example as a YAML line, "" when it has none.
func (k keyAt) exampleLine() string {
	if v := k.s.exampleValue(); v != "" {
		return k.name + ": " + v
	}
	return ""
}

// exampleValue is the spec's example; a map of names without one shows
// its elem's example under its sample name.
func (s *spec) exampleValue() string {
	if s.example == "" && s.kind == kMapOf && s.sample != "" && s.elem.example != "" {
		return "{" + s.sample + ": " + s.elem.example + "}"
	}
	return s.example
}

func typeName(s *spec) string {
	switch s.kind {
	case kAny:
		return "any"
	case kString:
		if s.enum != nil {
			return "one of " + strings.Join(s.enum, ", ")
		}
		return "string"
	case kTag:
		return "image tag"
	case kInt:
		return fmt.Sprintf("integer %d-%d", s.min, s.max)
	case kBool:
		return "boolean"
	case kStringList:
		return "list of strings"
	case kStringMap:
		return "map of strings"
	case kEnv:
		return "map of env values"
	case kObject:
		return "map (passed to Kubernetes)"
	case kList:
		if s.elem.kind == kStruct && s.elem.shorthand != "" {
			return "list of maps, or of strings (" + s.elem.shorthand + ")"
		}
		if s.elem.kind == kStruct {
			return "list of maps"
		}
		return "list of " + typeName(s.elem)
	case kMapOf:
		return "map of name to " + typeName(s.elem)
	case kStruct:
		return "map"
	case kCPU:
		return "cpu quantity"
	case kMemory:
		return "memory quantity"
	}
	return "?"
}

// defaults are what lain's chart templates (internal/chart/templates) use
// for a key left out, by path with proc kinds written as "*"; a template
// change that changes one must change it here (docs only: lint ignores it).
var defaults = map[string]string{
	"releaseName":                                "appname",
	"imageTag":                                   "the tag lain deploys (latest when none)",
	"*.<name>.replicaCount":                      "1",
	"*.<name>.imagePullPolicy":                   "Always (cronjobs: IfNotPresent)",
	"*.<name>.protocol":                          "TCP",
	"*.<name>.serviceAccountName":                "the cluster values' serviceAccountName, else default",
	"*.<name>.hpa.minReplicas":                   "the proc's replicaCount (at least 1)",
	"*.<name>.hpa.metrics":                       "cpu at 80% utilization",
	"*.<name>.hpa.behavior":                      "scale up after a 120s stabilization window",
	"*.<name>.terminationGracePeriodSeconds":     "100",
	"*.<name>.workingDir":                        "the image's WORKDIR (build.workdir)",
	"jobs.<name>.resources":                      "limits cpu 2000m, memory 2Gi; requests cpu 500m, memory 1Gi",
	"tests.<name>.resources":                     "limits cpu 2000m, memory 2Gi; requests cpu 500m, memory 1Gi",
	"cronjobs.<name>.backoffLimit":               "0",
	"jobs.<name>.backoffLimit":                   "0",
	"cronjobs.<name>.activeDeadlineSeconds":      "3600",
	"jobs.<name>.activeDeadlineSeconds":          "3600",
	"cronjobs.<name>.ttlSecondsAfterFinished":    "86400",
	"jobs.<name>.ttlSecondsAfterFinished":        "86400",
	"cronjobs.<name>.successfulJobsHistoryLimit": "1",
	"cronjobs.<name>.failedJobsHistoryLimit":     "1",
	"build.workdir":                              "/lain/app",
	"release.workdir":                            "/lain/app",
	"release.dest_base":                          "build.base",
	"release.copy.dest":                          "src",
	"cronjobs.<name>.suspend":                    "false",
	"cronjobs.<name>.concurrencyPolicy":          "Replace",
	"ingresses.paths":                            "[/]",
	"externalIngresses.paths":                    "[/]",
	"ingresses.ingressClass":                     "the cluster values' ingressClass",
	"externalIngresses.ingressClass":             "the cluster values' externalIngressClass",
}

func defaultOf(path string) string {
	path = strings.ReplaceAll(path, "[]", "")
	if d, ok := defaults[path]; ok {
		return d
	}
	if i := strings.Index(path, "."); i > 0 {
		return defaults["*"+path[i:]]
	}
	return ""
}
