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
}

// Reference lists every key of an app's values, depth first in key order.
func Reference() []KeyDoc {
	var out []KeyDoc
	var walk func(s *spec, path string, required bool, example string)
	walk = func(s *spec, path string, required bool, example string) {
		if path != "" {
			if example == "" {
				example = exampleOf(s, path)
			}
			out = append(out, KeyDoc{Path: path, Type: typeName(s), Required: required, Example: example, Default: defaultOf(path)})
		}
		switch s.kind {
		case kStruct:
			req := map[string]bool{}
			for _, r := range s.required {
				req[r] = true
			}
			for _, k := range sortedFields(s) {
				walk(s.fields[k], joinDoc(path, k), req[k], s.example[k])
			}
		case kList:
			if s.elem.kind == kStruct {
				walk(s.elem, path+"[]", false, "")
			}
		case kMapOf:
			walk(s.elem, joinDoc(path, "<name>"), false, "")
		}
	}
	walk(topSpec(), "", false, "")
	// A struct list item has no line of its own: its fields say it all.
	kept := out[:0]
	for _, d := range out {
		if !strings.HasSuffix(d.Path, "[]") {
			kept = append(kept, d)
		}
	}
	return kept
}

func joinDoc(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
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

// examples are YAML lines for keys the specs give none for, by last key.
var examples = map[string]string{
	"replicaCount": "replicaCount: 2", "containerPort": "containerPort: 8080",
	"cpu": "cpu: 500m", "memory": "memory: 256Mi", "ephemeral-storage": "ephemeral-storage: 1Gi",
	"command": `command: ["./run.sh", "web"]`, "imageTag": "imageTag: v1.2.0",
	"env": `env: {LOG_LEVEL: info}`, "paths": "paths: [/]", "imagePullPolicy": "imagePullPolicy: IfNotPresent",
	"protocol": "protocol: TCP", "nodePort": "nodePort: 30080", "concurrencyPolicy": "concurrencyPolicy: Forbid",
	"script": "script: [pip install -r requirements.txt]", "hostNetwork": "hostNetwork: false",
	"labels": "labels: {team: web}", "prometheus_query_range": "prometheus_query_range: 7d",
	"releaseName": "releaseName: myapp-canary", "workingDir": "workingDir: /lain/app",
	"nodes": "nodes: [node-1]", "canaryGroups": "canaryGroups: {internal: {canary-by-header: x-canary}}",
}

func exampleOf(s *spec, path string) string {
	last := path[strings.LastIndexAny(path, ".]")+1:]
	if ex, ok := examples[last]; ok {
		return ex
	}
	if s.enum != nil {
		return last + ": " + s.enum[0]
	}
	switch s.kind {
	case kBool:
		return last + ": true"
	case kInt:
		return fmt.Sprintf("%s: %d", last, s.min)
	}
	return ""
}

// defaults are what lain's chart templates (internal/chart/templates) use
// for a key left out, by path with proc kinds written as "*"; a template
// change that changes one must change it here (docs only: lint ignores it).
var defaults = map[string]string{
	"releaseName":                       "appname",
	"imageTag":                          "the tag lain deploys (latest when none)",
	"*.<name>.replicaCount":             "1",
	"*.<name>.imagePullPolicy":          "Always (cronjobs: IfNotPresent)",
	"*.<name>.protocol":                 "TCP",
	"*.<name>.serviceAccountName":       "the cluster values' serviceAccountName, else default",
	"*.<name>.hpa.minReplicas":          "the proc's replicaCount (at least 1)",
	"*.<name>.hpa.metrics":              "cpu at 80% utilization",
	"*.<name>.hpa.behavior":             "scale up after a 120s stabilization window",
	"cronjobs.<name>.suspend":           "false",
	"cronjobs.<name>.concurrencyPolicy": "Replace",
	"ingresses.paths":                   "[/]",
	"externalIngresses.paths":           "[/]",
	"ingresses.ingressClass":            "the cluster values' ingressClass",
	"externalIngresses.ingressClass":    "the cluster values' externalIngressClass",
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
