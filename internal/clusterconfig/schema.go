package clusterconfig

import (
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"
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
)

// schema lists every key of cluster values (reference section 3).
var schema = map[string]kind{
	"registry": kString, "internalRegistry": kString, "registry_type": kString,
	"harbor_token": kString, "access_key_id": kString, "access_key_secret": kString,
	"namespace": kString, "serviceAccountName": kString,
	"domain": kString, "domain_suffix": kString,
	"secrets_env": kSecretsEnv, "extra_docs": kString,
	"clusterHostAliases": kHostAliases,
	"ingressClass":       kString, "externalIngressClass": kString, "clusterIssuer": kString,
	"gitlab": kString, "prometheus": kString, "pql_template": kStringMap,
	"grafana_url": kString, "kibana": kString, "remote_docker": kString,
	"pypi_index": kString, "pypi_extra_index": kString, "sphinx_docs_url": kString,
	"supportsIngressClassName": kBool, "ingressTLSSecretName": kString, "externalIngressTLSSecretName": kString,
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

// Problem is one thing wrong with a values file, located by line.
type Problem struct {
	File    string
	Line    int
	Key     string
	Msg     string
	Warning bool // unknown keys only warn: the file still works
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Key, p.Msg)
}

// checker collects problems while walking one file.
type checker struct {
	file     string
	problems []Problem
}

func (c *checker) add(n *yaml.Node, key, msg string, warning bool) {
	c.problems = append(c.problems, Problem{File: c.file, Line: n.Line, Key: key, Msg: msg, Warning: warning})
}

var kindNames = map[yaml.Kind]string{
	yaml.MappingNode: "a map", yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value", yaml.AliasNode: "an alias",
}

func (c *checker) wantString(n *yaml.Node, key string) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!null") {
		got := kindNames[n.Kind]
		if n.Kind == yaml.ScalarNode {
			got = fmt.Sprintf("%s (%s)", n.Value, n.ShortTag()[2:])
		}
		c.add(n, key, fmt.Sprintf("must be a string, got %s (quote it)", got), false)
	}
}

func (c *checker) wantKind(n *yaml.Node, key string, want yaml.Kind) bool {
	if n.Kind != want {
		c.add(n, key, fmt.Sprintf("must be %s, got %s", kindNames[want], kindNames[n.Kind]), false)
		return false
	}
	return true
}

// check validates the top-level mapping of a cluster values file.
func (c *checker) check(doc *yaml.Node) {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		c.add(doc, "(file)", "must be a map of keys to values (key: value)", false)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		key := k.Value
		seen[key] = true
		kd, ok := schema[key]
		if !ok && c.originalKey(k, key) {
			continue
		}
		if !ok {
			msg := "unknown key, ignored"
			if s := closest(key); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			c.add(k, key, msg, true)
			continue
		}
		c.checkValue(v, key, kd)
	}
	if !seen["registry"] {
		c.add(doc, "registry", "required key is missing (the image registry prefix, e.g. registry: harbor.example.com/myteam)", false)
	}
}

func (c *checker) checkValue(v *yaml.Node, key string, kd kind) {
	switch kd {
	case kString:
		c.wantString(v, key)
		if key == "registry" && v.Kind == yaml.ScalarNode && v.Value == "" {
			c.add(v, key, "must not be empty (the image registry prefix, e.g. harbor.example.com/myteam)", false)
		}
		if key == "registry_type" && v.Kind == yaml.ScalarNode && !contains(registryTypes, v.Value) {
			c.add(v, key, fmt.Sprintf("must be one of %v, got %q", registryTypes, v.Value), false)
		}
	case kStringMap:
		if c.wantKind(v, key, yaml.MappingNode) {
			for i := 0; i+1 < len(v.Content); i += 2 {
				c.wantString(v.Content[i+1], key+"."+v.Content[i].Value)
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
	}
}

func (c *checker) checkSecretsEnv(v *yaml.Node, key string) {
	if !c.wantKind(v, key, yaml.MappingNode) {
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		dest, spec := v.Content[i].Value, v.Content[i+1]
		path := key + "." + dest
		if spec.Kind == yaml.ScalarNode {
			c.wantString(spec, path)
			continue
		}
		if !c.wantKind(spec, path, yaml.MappingNode) {
			continue
		}
		hasEnv := false
		for j := 0; j+1 < len(spec.Content); j += 2 {
			f, fv := spec.Content[j].Value, spec.Content[j+1]
			switch f {
			case "env_name":
				hasEnv = true
				c.wantString(fv, path+".env_name")
			case "hint":
				c.wantString(fv, path+".hint")
			case "required":
				if fv.Tag != "!!bool" {
					c.add(fv, path+".required", "must be true or false", false)
				}
			default:
				c.add(spec.Content[j], path+"."+f, "unknown field (allowed: env_name, hint, required)", true)
			}
		}
		if !hasEnv {
			c.add(spec, path, "needs env_name: the environment variable to read", false)
		}
	}
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
		var hasIP, hasHosts bool
		for j := 0; j+1 < len(item.Content); j += 2 {
			switch item.Content[j].Value {
			case "ip":
				hasIP = true
				c.wantString(item.Content[j+1], path+".ip")
			case "hostnames":
				hasHosts = true
				if c.wantKind(item.Content[j+1], path+".hostnames", yaml.SequenceNode) {
					for _, h := range item.Content[j+1].Content {
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
