package clusterconfig

import (
	"maps"
	"slices"

	"gopkg.in/yaml.v3"
)

// originalKeys are keys the original Python lain read from cluster values
// that this lain does not use, with what it does instead. A team's existing
// files load as they are: each such key warns once, never fails.
var originalKeys = map[string]string{
	"hostAliases": "the original checked /etc/hosts for these; lain checks clusterHostAliases, " +
		"which also reach every pod: rename the key to clusterHostAliases",
	"paas_type":    "the original's cloud-account admin commands (admin turn, *-cvm) are not part of lain; ignored",
	"instance_ids": "the original's cloud-account admin commands (admin turn, *-cvm) are not part of lain; ignored",
	"alertmanager": "the original's lain admin post-alerts is not part of lain; ignored",
	"ingress_internal_port": "the original probed internal ingress URLs on this port; " +
		"lain status probes them on the default ports (80 for http, 443 for https)",
	"ingress_external_port": "the original probed external ingress URLs on this port; " +
		"lain status probes them on the default ports (80 for http, 443 for https)",
	"k8s_namespace": "the original's chart set K8S_NAMESPACE from it; " +
		"lain's chart injects the pod's own namespace (downward API), so it is always right",
}

// originalKey warns about key when the original lain knew it, and reports
// whether it did (the checker then skips its unknown-key warning).
func (c *checker) originalKey(k *yaml.Node, key string) bool {
	instead, ok := originalKeys[key]
	if ok {
		c.add(k, key, "read by the original lain, not by this one: "+instead, true)
	}
	return ok
}

// OriginalKeys lists the keys of originalKeys, sorted, so that an app's
// chart/values-<CLUSTER>.yaml may carry them too.
func OriginalKeys() []string { return slices.Sorted(maps.Keys(originalKeys)) }
