package clusterconfig

import (
	"strings"
	"testing"
	"testing/fstest"
)

// originalTestValues is a cluster values file as a team wrote it for the
// original lain: every key it read (lain_cli/cluster_values/values-test.yaml
// and the keys its code looked up).
const originalTestValues = `namespace: default
pypi_index: https://gitlab.example.com/api/v4/projects/1/packages/pypi/simple
pypi_extra_index: https://mirrors.example.com/pypi/simple/
registry: registry.example.com
internalRegistry: registry.in.example.com
registry_type: harbor
harbor_token: abc
gitlab: http://gitlab.example.com
domain: test.example.com
secrets_env:
  access_key_id: AK
  access_key_secret: SK
extra_docs: |
  welcome
clusterHostAliases:
- ip: "0.0.0.0"
  hostnames:
    - "kube-apiserver"
hostAliases:
- ip: "0.0.0.0"
  hostnames: ["kube-apiserver"]
ingressClass: lain-internal
externalIngressClass: lain-external
clusterIssuer: cert-manager-webhook-dnspod-cluster-issuer
supportsIngressClassName: true
ingressTLSSecretName: wildcard-example-com
externalIngressTLSSecretName: wildcard-example-org
serviceAccountName: apps
prometheus: http://prometheus.example.com
pql_template:
  cpu: 'x'
  memory_quantile: 'y'
grafana_url: http://grafana.example.com
kibana: kibana.example.com
remote_docker: 10.0.0.2:2375
sphinx_docs_url: https://docs.example.com
domain_suffix: ""
access_key_id: ""
access_key_secret: ""
paas_type: tencent
instance_ids: [ins-1]
alertmanager: http://alertmanager.example.com
ingress_internal_port: 8080
ingress_external_port: 8443
k8s_namespace: default
`

func TestOriginalClusterValuesLoadAndUnusedKeysWarnOnce(t *testing.T) {
	src := Source{FS: fstest.MapFS{"values-test.yaml": {Data: []byte(originalTestValues)}}, Dir: "cv"}
	cl, err := src.Load("test")
	if err != nil {
		t.Fatal(err)
	}
	if !cl.Values.SupportsIngressClassName || cl.Values.IngressTLSSecretName != "wildcard-example-com" || cl.Values.ExternalIngressTLSSecretName != "wildcard-example-org" {
		t.Errorf("chart keys not read: %+v", cl.Values)
	}
	seen := map[string]int{}
	for _, w := range cl.Warnings {
		seen[w.Key]++
		if !strings.Contains(w.Msg, "read by the original lain, not by this one: ") || strings.Contains(w.Msg, "unknown key") {
			t.Errorf("warning does not say what lain does instead: %s", w)
		}
	}
	for _, k := range OriginalKeys() {
		if seen[k] != 1 {
			t.Errorf("%s warned %d times, want once", k, seen[k])
		}
	}
	if len(cl.Warnings) != len(OriginalKeys()) {
		t.Errorf("warnings beyond the original's unused keys: %v", cl.Warnings)
	}
	if got := cl.Warnings[0].String(); !strings.HasPrefix(got, "cv/values-test.yaml:19: hostAliases: read by the original lain, not by this one: ") {
		t.Error(got)
	}
}

func TestSupportsIngressClassNameMustBeBool(t *testing.T) {
	src := Source{FS: fstest.MapFS{"values-t.yaml": {Data: []byte("registry: r.io/x\nsupportsIngressClassName: \"yes\"\n")}}, Dir: "cv"}
	_, err := src.Load("t")
	if err == nil || !strings.Contains(err.Error(), "values-t.yaml:2: supportsIngressClassName: must be true or false") {
		t.Fatalf("%v", err)
	}
}
