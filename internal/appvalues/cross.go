package appvalues

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/suggest"
)

// crossChecks are the rules that look at more than one key of the merged
// values: names shared between procs, ingresses and the procs they route
// to, node ports, canary groups.
func (c *checker) crossChecks() {
	root := c.t.root
	release := scalarText(root, "releaseName")
	if release == "" {
		release = scalarText(root, "appname")
	}
	c.checkProcNames(root, release)
	c.checkIngresses(root)
	c.checkNodePorts(root)
	c.checkCanaryGroup(root)
	c.checkPlacement(root)
}

func scalarText(m *yaml.Node, key string) string {
	if _, v := lookup(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// procEntry is one proc (or test) of the merged values.
type procEntry struct {
	kind string
	k, v *yaml.Node
}

func (p procEntry) path() string { return p.kind + "." + p.k.Value }

func procsOf(root *yaml.Node, kinds ...string) []procEntry {
	var out []procEntry
	for _, kind := range kinds {
		_, m := lookup(root, kind)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for _, p := range pairs(m) {
			out = append(out, procEntry{kind: kind, k: p.k, v: deref(p.v)})
		}
	}
	return out
}

// checkProcNames: a name is <release>-<proc> for objects and the instance
// label, so it must be unique across kinds and fit a label (63).
func (c *checker) checkProcNames(root *yaml.Node, release string) {
	first := map[string]procEntry{}
	for _, p := range procsOf(root, append(procKinds, "tests")...) {
		if prev, dup := first[p.k.Value]; dup {
			c.add(p.k, p.path(), fmt.Sprintf("the name %s is taken by %s (line %d)", p.k.Value, prev.path(), prev.k.Line),
				"names are <release>-<proc> for every kind: rename one")
			continue
		}
		first[p.k.Value] = p
		if full := release + "-" + p.k.Value; release != "" && len(full) > 63 {
			c.add(p.k, p.path(), fmt.Sprintf("%s is %d characters; Kubernetes names and labels allow 63", full, len(full)), "use a shorter proc name")
		}
	}
}

// checkIngresses: deployName names a proc with a port; hosts get a domain;
// no host and path is routed twice.
func (c *checker) checkIngresses(root *yaml.Node) {
	routable := map[string]procEntry{}
	var names []string
	for _, p := range procsOf(root, "deployments", "statefulSets") {
		routable[p.k.Value] = p
		names = append(names, p.k.Value)
	}
	sort.Strings(names)
	for _, list := range []string{"ingresses", "externalIngresses"} {
		_, seq := lookup(root, list)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		seen := map[string]string{} // host+path -> where
		for i, item := range seq.Content {
			item = deref(item)
			path := fmt.Sprintf("%s[%d]", list, i)
			if dk, d := lookup(item, "deployName"); d != nil && d.Kind == yaml.ScalarNode {
				c.checkDeployName(dk, d, path+".deployName", routable, names)
			}
			hk, h := lookup(item, "host")
			if h == nil || h.Kind != yaml.ScalarNode || h.Value == "" {
				continue
			}
			host, ok := c.fullHost(h.Value)
			if !ok {
				c.add(hk, path+".host", fmt.Sprintf("%q has no dot and cluster %s has no domain", h.Value, c.in.Cluster), "write the full host name, e.g. "+h.Value+".example.com")
				continue
			}
			for _, p := range ingressPaths(item) {
				key := host + p
				if where, dup := seen[key]; dup {
					c.add(hk, path+".host", fmt.Sprintf("%s%s is already routed by %s", host, p, where), "change the host or the paths of one of them")
					break
				}
				seen[key] = fmt.Sprintf("%s (line %d)", path, hk.Line)
			}
		}
	}
}

func (c *checker) checkDeployName(k, d *yaml.Node, path string, routable map[string]procEntry, names []string) {
	p, ok := routable[d.Value]
	if !ok {
		hint := "the procs an ingress can route to: " + strings.Join(names, ", ")
		if len(names) == 0 {
			hint = "add a deployment with a containerPort"
		}
		if m := suggest.Closest(d.Value, names); m != "" {
			hint = fmt.Sprintf("did you mean %q?", m)
		}
		c.add(k, path, fmt.Sprintf("%q names no deployment or statefulSet", d.Value), hint)
		return
	}
	_, port := lookup(p.v, "containerPort")
	if _, np := lookup(p.v, "nodePort"); port == nil && np == nil {
		c.add(k, path, fmt.Sprintf("%s has no containerPort to route to", p.path()), "add containerPort to "+p.path())
	}
}

// fullHost is the host the chart writes: a host without a dot gets the
// cluster's domain_suffix or domain. ok is false when it cannot.
func (c *checker) fullHost(h string) (string, bool) {
	switch {
	case strings.Contains(h, "."):
		return h, true
	case c.in.DomainSuffix != "":
		return h + c.in.DomainSuffix, true
	case c.in.Domain != "":
		return h + "." + c.in.Domain, true
	case c.in.Cluster == "": // no cluster known: nothing to say
		return h + ".<domain>", true
	}
	return "", false
}

func ingressPaths(item *yaml.Node) []string {
	_, ps := lookup(item, "paths")
	if ps == nil || ps.Kind != yaml.SequenceNode || len(ps.Content) == 0 {
		return []string{"/"}
	}
	var out []string
	for _, p := range ps.Content {
		out = append(out, deref(p).Value)
	}
	return out
}

// checkNodePorts: a node port is cluster-wide: two procs cannot share one.
func (c *checker) checkNodePorts(root *yaml.Node) {
	seen := map[string]string{}
	for _, p := range procsOf(root, "deployments", "statefulSets") {
		nk, np := lookup(p.v, "nodePort")
		if np == nil || np.Kind != yaml.ScalarNode {
			continue
		}
		// Without containerPort the Service forwards to the nodePort itself
		// (the original lain's rule), so nodePort alone is fine.
		if where, dup := seen[np.Value]; dup {
			c.add(nk, p.path()+".nodePort", fmt.Sprintf("%s is already used by %s", np.Value, where), "pick another port in 30000-32767")
			continue
		}
		seen[np.Value] = fmt.Sprintf("%s (line %d)", p.path(), nk.Line)
	}
}

func (c *checker) checkCanaryGroup(root *yaml.Node) {
	gk, g := lookup(root, "canaryGroup")
	if g == nil || g.Kind != yaml.ScalarNode || g.Value == "" {
		return
	}
	_, groups := lookup(root, "canaryGroups")
	var names []string
	if groups != nil && groups.Kind == yaml.MappingNode {
		for _, p := range pairs(groups) {
			if p.k.Value == g.Value {
				return
			}
			names = append(names, p.k.Value)
		}
	}
	hint := "add it to canaryGroups"
	if m := suggest.Closest(g.Value, names); m != "" {
		hint = fmt.Sprintf("did you mean %q?", m)
	}
	c.add(gk, "canaryGroup", fmt.Sprintf("%q is not in canaryGroups", g.Value), hint)
}

// checkPlacement: nodes becomes the node affinity, so both cannot be set;
// an hpa on the default CPU metric needs a cpu request to scale on.
func (c *checker) checkPlacement(root *yaml.Node) {
	for _, p := range procsOf(root, procKinds...) {
		_, aff := lookup(p.v, "affinity")
		nk, nodes := lookup(p.v, "nodes")
		if na, _ := lookup(aff, "nodeAffinity"); nodes != nil && na != nil {
			c.add(nk, p.path()+".nodes", "and affinity.nodeAffinity both place the pods", "keep one: nodes replaces affinity.nodeAffinity")
		}
		hk, hpa := lookup(p.v, "hpa")
		if hpa == nil || hpa.Kind != yaml.MappingNode {
			continue
		}
		_, res := lookup(p.v, "resources")
		_, req := lookup(res, "requests")
		_, cpu := lookup(req, "cpu")
		if _, metrics := lookup(hpa, "metrics"); metrics == nil && cpu == nil {
			c.warn(hk, p.path()+".hpa", "scales on CPU use, but the proc requests no cpu", "add resources.requests.cpu, or hpa.metrics")
		}
	}
}
