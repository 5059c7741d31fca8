package clusterconfig

// This file exports the cluster values schema, for what is generated from
// it: cluster_values/values.schema.json (editors) and docs/cluster-values.md.

// JSONSchema is the JSON Schema (draft-07) of a cluster values file. It
// never rejects what lain accepts: unknown keys and unknown secrets_env
// fields only warn in lain, so every map allows other keys.
func JSONSchema() map[string]any {
	props := map[string]any{}
	for k, ks := range schema {
		props[k] = jsonOf(k, ks.kind)
	}
	return map[string]any{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"title":                "lain cluster values (cluster_values/values-<CLUSTER>.yaml)",
		"description":          "Generated from lain's cluster values schema (make docs); lain doctor checks the same keys with file:line messages.",
		"type":                 "object",
		"properties":           props,
		"required":             []string{"registry"},
		"additionalProperties": true,
	}
}

var optString = map[string]any{"type": []any{"string", "null"}}

func jsonOf(key string, kd kind) map[string]any {
	switch kd {
	case kString:
		switch key {
		case "registry":
			return map[string]any{"type": "string", "minLength": 1}
		case "registry_type":
			return map[string]any{"type": "string", "enum": registryTypes}
		}
		return optString
	case kBool:
		return map[string]any{"type": "boolean"}
	case kStringList:
		return map[string]any{"type": "array", "items": optString}
	case kStringMap:
		return map[string]any{"type": "object", "additionalProperties": optString}
	case kSecretsEnv:
		field := map[string]any{
			"type": "object", "required": []string{"env_name"},
			"properties": map[string]any{
				"env_name": optString, "hint": optString, "required": map[string]any{"type": "boolean"},
			},
		}
		return map[string]any{"type": "object", "additionalProperties": map[string]any{
			"oneOf": []any{map[string]any{"type": "string", "minLength": 1}, field},
		}}
	case kHostAliases:
		return map[string]any{"type": "array", "items": map[string]any{
			"type": "object", "required": []string{"ip", "hostnames"},
			"properties": map[string]any{"ip": optString, "hostnames": map[string]any{"type": "array", "items": optString}},
		}}
	}
	return map[string]any{"type": "object"}
}

// KeyDoc documents one key of cluster values, for docs/cluster-values.md.
type KeyDoc struct {
	Key, Type, What string
	Required        bool
	Example         string // a YAML line
	// Original is what the original lain called the key when not the same
	// name ("" when the same), or why it had none.
	Original string
}

// Reference lists every key of cluster values, sorted, then the original
// lain's keys this lain reads no more (OriginalKeyDocs).
func Reference() []KeyDoc {
	var out []KeyDoc
	for _, k := range knownKeys() {
		ks := schema[k]
		out = append(out, KeyDoc{Key: k, Type: kindNames[ks.kind], What: ks.what, Required: k == "registry",
			Example: k + ": " + ks.example, Original: ks.original})
	}
	return out
}

// OriginalKeyDocs maps each original-only key to what lain does instead.
func OriginalKeyDocs() map[string]string { return originalKeys }

var kindNames = map[kind]string{
	kString: "string", kMap: "map", kStringMap: "map of strings", kHostAliases: "list of {ip, hostnames}",
	kSecretsEnv: "map of key to env var name or {env_name, hint, required}", kBool: "boolean", kStringList: "list of strings",
}
