package clusterconfig

// This file exports the cluster values schema, for what is generated from
// it: cluster_values/values.schema.json (editors) and docs/cluster-values.md.

// JSONSchema is the JSON Schema (draft-07) of a cluster values file. It
// never rejects what lain accepts: unknown keys and unknown secrets_env
// fields only warn in lain, so every map allows other keys.
func JSONSchema() map[string]any {
	props := map[string]any{}
	for k, kd := range schema {
		props[k] = jsonOf(k, kd)
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
}

// Reference lists every key of cluster values, sorted, then the original
// lain's keys this lain reads no more (OriginalKeyDocs).
func Reference() []KeyDoc {
	var out []KeyDoc
	for _, k := range knownKeys() {
		out = append(out, KeyDoc{Key: k, Type: kindNames[schema[k]], What: keyWhat[k], Required: k == "registry"})
	}
	return out
}

// OriginalKeyDocs maps each original-only key to what lain does instead.
func OriginalKeyDocs() map[string]string { return originalKeys }

var kindNames = map[kind]string{
	kString: "string", kMap: "map", kStringMap: "map of strings", kHostAliases: "list of {ip, hostnames}",
	kSecretsEnv: "map of key to env var name or {env_name, hint, required}", kBool: "boolean", kStringList: "list of strings",
}

var keyWhat = map[string]string{
	"registry":                     "Image registry prefix lain pushes to and pulls from, e.g. harbor.example.com/myteam.",
	"internalRegistry":             "Registry prefix as seen from inside the cluster, when it differs.",
	"registry_type":                "registry, harbor, aliyun or tencent: how lain lists tags.",
	"harbor_token":                 "Harbor API token (usually filled from secrets_env).",
	"access_key_id":                "Cloud registry access key id (aliyun, tencent).",
	"access_key_secret":            "Cloud registry access key secret (aliyun, tencent).",
	"namespace":                    "Kubernetes namespace apps are deployed into (default: default).",
	"serviceAccountName":           "Service account every pod runs as, unless a proc sets its own.",
	"domain":                       "Internal domain: an ingress host without a dot becomes <host>.<domain>.",
	"domain_suffix":                "Alternative suffix joined directly to a host without a dot.",
	"secrets_env":                  "Keys filled from environment variables, so secrets stay out of the file.",
	"extra_docs":                   "Text shown next to the cluster name in lain use.",
	"clusterHostAliases":           "/etc/hosts entries added to every pod.",
	"ingressClass":                 "Ingress class of internal ingresses.",
	"externalIngressClass":         "Ingress class of external ingresses.",
	"clusterIssuer":                "cert-manager ClusterIssuer for ingress certificates.",
	"gitlab":                       "GitLab base URL, for merge request notes and lain's GitLab commands.",
	"prometheus":                   "Prometheus URL lain queries for resource suggestions.",
	"pql_template":                 "PromQL templates (cpu, memory_quantile; placeholders appname, proc_name, range).",
	"grafana_url":                  "Grafana link printed by lain status -s.",
	"kibana":                       "Kibana link printed by lain logs --kibana.",
	"remote_docker":                "host:port of a docker daemon used with --remote-docker.",
	"pypi_index":                   "Read by the original for its own updates; kept for compatibility.",
	"pypi_extra_index":             "Read by the original for its own updates; kept for compatibility.",
	"sphinx_docs_url":              "Base URL of the team's docs, used in error messages.",
	"supportsIngressClassName":     "Whether ingresses use spec.ingressClassName (true) or the class annotation.",
	"ingressTLSSecretName":         "TLS secret of internal ingresses.",
	"externalIngressTLSSecretName": "TLS secret of external ingresses.",
	"admin_singletons_ignore":      "Apps lain admin's singleton check skips.",
}
