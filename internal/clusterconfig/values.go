package clusterconfig

import "reflect"

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
	// AdminSingletonsIgnore are the Deployments (name, or namespace/name)
	// that lain admin list-singletons does not list: meant to run alone.
	AdminSingletonsIgnore []string `yaml:"admin_singletons_ignore"`
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

// HostAlias is one clusterHostAliases entry.
type HostAlias struct {
	IP        string   `yaml:"ip"`
	Hostnames []string `yaml:"hostnames"`
}

// valuesFromMap fills Values from values the checker has passed, so every
// type is right. By hand, not yaml's Decode: that compares every key of a
// map with every other, quadratic in a large file.
func valuesFromMap(m map[string]any) Values {
	var v Values
	rv := reflect.ValueOf(&v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f, x := rv.Field(i), m[rv.Type().Field(i).Tag.Get("yaml")]
		switch f.Kind() {
		case reflect.String:
			s, _ := x.(string)
			f.SetString(s)
		case reflect.Bool:
			b, _ := x.(bool)
			f.SetBool(b)
		}
	}
	if pql, ok := m["pql_template"].(map[string]any); ok {
		v.PQLTemplate = make(map[string]string, len(pql))
		for k, x := range pql {
			v.PQLTemplate[k], _ = x.(string)
		}
	}
	if se, ok := m["secrets_env"].(map[string]any); ok {
		v.SecretsEnv = make(map[string]SecretEnv, len(se))
		for dest, x := range se {
			var s SecretEnv
			switch x := x.(type) {
			case string:
				s.EnvName = x
			case map[string]any:
				s.EnvName, _ = x["env_name"].(string)
				s.Hint, _ = x["hint"].(string)
				s.Required, _ = x["required"].(bool)
			}
			v.SecretsEnv[dest] = s
		}
	}
	ignore, _ := m["admin_singletons_ignore"].([]any)
	for _, x := range ignore {
		if s, ok := x.(string); ok {
			v.AdminSingletonsIgnore = append(v.AdminSingletonsIgnore, s)
		}
	}
	aliases, _ := m["clusterHostAliases"].([]any)
	for _, x := range aliases {
		a, _ := x.(map[string]any)
		h := HostAlias{}
		h.IP, _ = a["ip"].(string)
		names, _ := a["hostnames"].([]any)
		for _, n := range names {
			if s, ok := n.(string); ok {
				h.Hostnames = append(h.Hostnames, s)
			}
		}
		v.ClusterHostAliases = append(v.ClusterHostAliases, h)
	}
	return v
}
