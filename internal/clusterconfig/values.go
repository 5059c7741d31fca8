package clusterconfig

import "gopkg.in/yaml.v3"

// Values are the typed cluster values of reference section 3.
type Values struct {
	Registry             string               `yaml:"registry"`
	InternalRegistry     string               `yaml:"internalRegistry"`
	RegistryType         string               `yaml:"registry_type"`
	HarborToken          string               `yaml:"harbor_token"`
	AccessKeyID          string               `yaml:"access_key_id"`
	AccessKeySecret      string               `yaml:"access_key_secret"`
	Namespace            string               `yaml:"namespace"`
	ServiceAccountName   string               `yaml:"serviceAccountName"`
	Domain               string               `yaml:"domain"`
	DomainSuffix         string               `yaml:"domain_suffix"`
	SecretsEnv           map[string]SecretEnv `yaml:"secrets_env"`
	ExtraDocs            string               `yaml:"extra_docs"`
	ClusterHostAliases   []HostAlias          `yaml:"clusterHostAliases"`
	IngressClass         string               `yaml:"ingressClass"`
	ExternalIngressClass string               `yaml:"externalIngressClass"`
	ClusterIssuer        string               `yaml:"clusterIssuer"`
	Gitlab               string               `yaml:"gitlab"`
	Prometheus           string               `yaml:"prometheus"`
	PQLTemplate          map[string]string    `yaml:"pql_template"`
	GrafanaURL           string               `yaml:"grafana_url"`
	Kibana               string               `yaml:"kibana"`
	RemoteDocker         string               `yaml:"remote_docker"`
	PypiIndex            string               `yaml:"pypi_index"`
	PypiExtraIndex       string               `yaml:"pypi_extra_index"`
	SphinxDocsURL        string               `yaml:"sphinx_docs_url"`
	// Read by the chart only (reference section 5).
	SupportsIngressClassName     bool   `yaml:"supportsIngressClassName"`
	IngressTLSSecretName         string `yaml:"ingressTLSSecretName"`
	ExternalIngressTLSSecretName string `yaml:"externalIngressTLSSecretName"`
}

// NamespaceOrDefault is the namespace apps of this cluster live in.
func (v Values) NamespaceOrDefault() string {
	if v.Namespace == "" {
		return "default"
	}
	return v.Namespace
}

// SecretEnv is one secrets_env entry: `dest: ENV` or `dest: {env_name,
// hint, required}`.
type SecretEnv struct {
	EnvName  string `yaml:"env_name"`
	Hint     string `yaml:"hint"`
	Required bool   `yaml:"required"`
}

// UnmarshalYAML accepts both the short and the long form.
func (s *SecretEnv) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		s.EnvName = n.Value
		return nil
	}
	type plain SecretEnv
	return n.Decode((*plain)(s))
}

// HostAlias is one clusterHostAliases entry.
type HostAlias struct {
	IP        string   `yaml:"ip"`
	Hostnames []string `yaml:"hostnames"`
}
