package clusterconfig

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/suggest"
	"github.com/lain-cli/lain/internal/yamldoc"
)

// kind is the YAML shape a key's value must have.
type kind int

const (
	kString kind = iota
	kMap
	kStringMap // a map of strings (pql_template)
	kHostAliases
	kSecretsEnv
	kBool
	kStringList // a list of strings (admin_singletons_ignore)
)

// keySpec is one key of cluster values: the shape lain checks, and what
// docs/cluster-values.md says of it (tests hold every key to an example
// that lain and the JSON Schema accept).
type keySpec struct {
	kind kind
	what string
	// example is a value for the key, in YAML flow style.
	example string
	// original is the original lain's name for the key, when it was not
	// the same ("" when it was); or why it had none.
	original string
}

// schema lists every key of cluster values (reference section 3).
var schema = map[string]keySpec{
	"registry":           {kString, "Image registry prefix lain pushes to and pulls from, e.g. harbor.example.com/myteam.", "harbor.example.com/myteam", ""},
	"internalRegistry":   {kString, "Registry prefix as seen from inside the cluster, when it differs.", "harbor-vpc.example.com/myteam", ""},
	"registry_type":      {kString, "registry, harbor, aliyun or tencent: how lain lists tags.", "harbor", ""},
	"harbor_token":       {kString, "Harbor API token (usually filled from secrets_env).", "robot-token", ""},
	"access_key_id":      {kString, "Cloud registry access key id (aliyun, tencent).", "AKIDexample", ""},
	"access_key_secret":  {kString, "Cloud registry access key secret (aliyun, tencent).", "example-secret", ""},
	"namespace":          {kString, "Kubernetes namespace apps are deployed into (default: default).", "apps", ""},
	"serviceAccountName": {kString, "Service account every pod runs as, unless a proc sets its own.", "apps", ""},
	"domain":             {kString, "Internal domain: an ingress host without a dot becomes <host>.<domain>.", "apps.example.com", ""},
	"domain_suffix":      {kString, "Alternative suffix joined directly to a host without a dot.", "-test.example.com", ""},
	"secrets_env": {kSecretsEnv, "Keys filled from environment variables, so secrets stay out of the file.",
		`{harbor_token: HARBOR_TOKEN, access_key_secret: {env_name: ACR_SECRET, hint: "ask #infra for the key", required: true}}`, ""},
	"extra_docs": {kString, "Text shown next to the cluster name in lain use.", `"the test cluster; ask #infra for access"`, ""},
	"clusterHostAliases": {kHostAliases, "Hosts that must resolve: lain checks /etc/hosts for them, and every pod gets them.",
		"[{ip: 10.0.0.10, hostnames: [harbor.example.com]}]", "also `hostAliases` (for its /etc/hosts check)"},
	"ingressClass":         {kString, "Ingress class of internal ingresses.", "nginx", ""},
	"externalIngressClass": {kString, "Ingress class of external ingresses.", "nginx-external", ""},
	"clusterIssuer":        {kString, "cert-manager ClusterIssuer for ingress certificates.", "letsencrypt", ""},
	"gitlab":               {kString, "GitLab base URL, for merge request notes and lain's GitLab commands.", "https://gitlab.example.com", ""},
	"prometheus":           {kString, "Prometheus URL lain queries for resource suggestions.", "http://prometheus.example.com:9090", ""},
	"pql_template": {kStringMap, "PromQL templates (cpu, memory_quantile; placeholders appname, proc_name, range).",
		`{memory_quantile: 'max(quantile_over_time(0.95, container_memory_working_set_bytes{{container="{proc_name}"}}[{range}]))'}`, ""},
	"grafana_url":                  {kString, "Grafana link printed by lain status -s.", "https://grafana.example.com/d/lain", ""},
	"kibana":                       {kString, "Kibana link printed by lain logs --kibana.", "https://kibana.example.com", ""},
	"remote_docker":                {kString, "host:port of a docker daemon used with --remote-docker.", "10.0.0.20:2375", ""},
	"pypi_index":                   {kString, "Read by the original for its own updates; kept for compatibility.", "https://pypi.example.com/simple", ""},
	"pypi_extra_index":             {kString, "Read by the original for its own updates; kept for compatibility.", "https://mirrors.example.com/pypi/simple", ""},
	"sphinx_docs_url":              {kString, "Base URL of the team's docs, used in error messages.", "https://docs.example.com/lain", ""},
	"supportsIngressClassName":     {kBool, "Whether ingresses use spec.ingressClassName (true) or the class annotation.", "true", ""},
	"ingressTLSSecretName":         {kString, "TLS secret of internal ingresses.", "wildcard-example-com", ""},
	"externalIngressTLSSecretName": {kString, "TLS secret of external ingresses.", "wildcard-example-org", ""},
	"admin_singletons_ignore": {kStringList, "Deployments (name, or namespace/name) lain admin list-singletons leaves out.",
		"[kube-system/coredns, metrics-server]", "none: new in lain"},
}

var registryTypes = []string{"registry", "harbor", "aliyun", "tencent"}

func knownKeys() []string {
	keys := make([]string, 0, len(schema))
	for k := range schema {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Problem is one thing wrong with a values file, located by line (and
// column, for YAML syntax).
type Problem struct {
	File    string
	Line    int
	Col     int // 0: only the line is known
	Key     string
	Msg     string
	Warning bool // unknown keys only warn: the file still works
}

func (p Problem) String() string {
	where := p.File
	if p.Line > 0 { // 0: the whole file (too big to read)
		where += fmt.Sprintf(":%d", p.Line)
	}
	if p.Col > 0 {
		where += fmt.Sprintf(":%d", p.Col)
	}
	if p.Key == "" {
		return where + ": " + p.Msg
	}
	return where + ": " + p.Key + ": " + p.Msg
}

// checker collects problems while walking one file.
type checker struct {
	file     string
	problems []Problem
}

func (c *checker) add(n *yaml.Node, key, msg string, warning bool) {
	line := n.Line
	if line == 0 {
		line = 1 // an empty file's document node
	}
	c.problems = append(c.problems, Problem{File: c.file, Line: line, Key: key, Msg: msg, Warning: warning})
}

func describe(n *yaml.Node) string { return yamldoc.Describe(n) }

func (c *checker) wantString(n *yaml.Node, key string) {
	n = yamldoc.Deref(n)
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!null") {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = " (quote it)"
		}
		c.add(n, key, "must be a string, got "+describe(n)+hint, false)
	}
}

func (c *checker) wantKind(n *yaml.Node, key string, want yaml.Kind) bool {
	n = yamldoc.Deref(n)
	if n.Kind != want {
		c.add(n, key, fmt.Sprintf("must be %s, got %s", map[yaml.Kind]string{yaml.MappingNode: "a map", yaml.SequenceNode: "a list"}[want], describe(n)), false)
		return false
	}
	return true
}

// check validates the top-level mapping of a cluster values file.
func (c *checker) check(root *yaml.Node) {
	root = yamldoc.Deref(root)
	if root.Kind != yaml.MappingNode {
		c.add(root, "(file)", "must be a map of keys to values (key: value)", false)
		return
	}
	seen := map[string]bool{}
	var misspelt []yamldoc.Pair // unknown keys close to a known one
	for _, p := range yamldoc.Pairs(root) {
		key := p.K.Value
		seen[key] = true
		ks, ok := schema[key]
		if !ok && yamldoc.Deref(p.V).Anchor != "" && p.V.Kind != yaml.AliasNode {
			continue // holds an anchor (&name) for other keys to use
		}
		if !ok && c.originalKey(p.K, key) {
			continue
		}
		if !ok {
			msg := "unknown key, ignored"
			if s := closest(key); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
				misspelt = append(misspelt, p)
			}
			c.add(p.K, key, msg, true)
			continue
		}
		c.checkValue(p.V, key, ks.kind)
	}
	c.checkSecretTargets(root)
	if !seen["registry"] {
		msg := "required key is missing (the image registry prefix, e.g. registry: harbor.example.com/myteam)"
		for _, p := range misspelt {
			if closest(p.K.Value) == "registry" {
				msg = fmt.Sprintf("required key is missing (line %d has %s: is it misspelt?)", p.K.Line, p.K.Value)
			}
		}
		c.add(root, "registry", msg, false)
	}
}

// checkOverrides checks the cluster keys an app's
// chart/values-<CLUSTER>.yaml sets; its other keys are the app's own.
func (c *checker) checkOverrides(root *yaml.Node) {
	for _, p := range yamldoc.Pairs(root) {
		if ks, ok := schema[p.K.Value]; ok {
			c.checkValue(p.V, p.K.Value, ks.kind)
		}
	}
}

func (c *checker) checkValue(v *yaml.Node, key string, kd kind) {
	v = yamldoc.Deref(v)
	switch kd {
	case kString:
		c.wantString(v, key)
		if v.Kind != yaml.ScalarNode {
			return
		}
		switch key {
		case "registry", "internalRegistry":
			if key == "internalRegistry" && v.Tag == "!!null" {
				return // not set: the registry is used inside the cluster too
			}
			if v.Tag == "!!null" {
				c.add(v, key, "must be set, got "+describe(v)+" (lain would push images to Docker Hub)", false)
			} else if msg := RegistryProblem(v.Value); msg != "" {
				c.add(v, key, msg, false)
			}
		case "registry_type":
			if !contains(registryTypes, v.Value) {
				c.add(v, key, fmt.Sprintf("must be one of %s, got %q", strings.Join(registryTypes, ", "), v.Value), false)
			}
		}
	case kStringMap:
		if c.wantKind(v, key, yaml.MappingNode) {
			for _, p := range yamldoc.Pairs(v) {
				c.wantString(p.V, key+"."+p.K.Value)
			}
		}
	case kSecretsEnv:
		c.checkSecretsEnv(v, key)
	case kHostAliases:
		c.checkHostAliases(v, key)
	case kBool:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			c.add(v, key, "must be true or false", false)
		}
	case kStringList:
		if c.wantKind(v, key, yaml.SequenceNode) {
			for i, item := range v.Content {
				c.wantString(yamldoc.Deref(item), fmt.Sprintf("%s[%d]", key, i))
			}
		}
	}
}

func (c *checker) checkSecretsEnv(v *yaml.Node, key string) {
	if !c.wantKind(v, key, yaml.MappingNode) {
		return
	}
	for _, p := range yamldoc.Pairs(v) {
		path := key + "." + p.K.Value
		spec := yamldoc.Deref(p.V)
		if spec.Kind == yaml.ScalarNode {
			c.wantString(spec, path)
			if spec.Tag == "!!null" || spec.Value == "" {
				c.add(spec, path, "names no environment variable", false)
			}
			continue
		}
		if !c.wantKind(spec, path, yaml.MappingNode) {
			continue
		}
		hasEnv := false
		for _, f := range yamldoc.Pairs(spec) {
			fv := yamldoc.Deref(f.V)
			switch f.K.Value {
			case "env_name":
				hasEnv = true
				c.wantString(fv, path+".env_name")
			case "hint":
				c.wantString(fv, path+".hint")
			case "required":
				if fv.Tag != "!!bool" {
					c.add(fv, path+".required", "must be true or false, got "+describe(fv), false)
				}
			default:
				c.add(f.K, path+"."+f.K.Value, "unknown field (allowed: env_name, hint, required)", true)
			}
		}
		if !hasEnv {
			c.add(spec, path, "needs env_name: the environment variable to read", false)
		}
	}
}

// checkSecretTargets: an environment variable holds text, so secrets_env
// may only fill keys that are strings; filling a map or a list would break
// every command later, far from the cause.
func (c *checker) checkSecretTargets(root *yaml.Node) {
	_, se := lookup(root, "secrets_env")
	if se == nil || se.Kind != yaml.MappingNode {
		return
	}
	for _, p := range yamldoc.Pairs(se) {
		if ks, ok := schema[p.K.Value]; ok && ks.kind != kString {
			what := kindWords[ks.kind]
			if what == "" {
				what = "not a string"
			}
			c.add(p.K, "secrets_env."+p.K.Value, fmt.Sprintf("%s is %s, but an environment variable can only fill a string key", p.K.Value, what), false)
		}
	}
}

var kindWords = map[kind]string{kMap: "a map", kStringMap: "a map", kHostAliases: "a list", kSecretsEnv: "a map"}

func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	for _, p := range yamldoc.Pairs(m) {
		if p.K.Value == key {
			return p.K, yamldoc.Deref(p.V)
		}
	}
	return nil, nil
}

func (c *checker) checkHostAliases(v *yaml.Node, key string) {
	if !c.wantKind(v, key, yaml.SequenceNode) {
		return
	}
	for i, item := range v.Content {
		path := fmt.Sprintf("%s[%d]", key, i)
		if !c.wantKind(item, path, yaml.MappingNode) {
			continue
		}
		item = yamldoc.Deref(item)
		var hasIP, hasHosts bool
		for _, f := range yamldoc.Pairs(item) {
			switch f.K.Value {
			case "ip":
				hasIP = true
				c.wantString(f.V, path+".ip")
			case "hostnames":
				hasHosts = true
				if c.wantKind(f.V, path+".hostnames", yaml.SequenceNode) {
					for _, h := range yamldoc.Deref(f.V).Content {
						c.wantString(h, path+".hostnames")
					}
				}
			}
		}
		if !hasIP || !hasHosts {
			c.add(item, path, "needs both ip and hostnames (e.g. {ip: 10.0.0.1, hostnames: [harbor.example.com]})", false)
		}
	}
}

func closest(key string) string { return suggest.Closest(key, knownKeys()) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
