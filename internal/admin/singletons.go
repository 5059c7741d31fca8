package admin

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/toolerr"
)

// Singleton is a Deployment that runs one replica.
type Singleton struct {
	Namespace, Name string
	Release         string // the helm release that owns it ("" for none)
	User            string // who deployed the release last (its values' user)
}

type deploymentList struct {
	Items []struct {
		Metadata struct {
			Name        string            `json:"name"`
			Namespace   string            `json:"namespace"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
		Spec struct {
			Replicas *int `json:"replicas"`
		} `json:"spec"`
	} `json:"items"`
}

// Singletons lists the Deployments of every namespace (all) or the current
// one that ask for exactly one replica (none given means one), except those
// ignore names (name, or namespace/name).
func (k Kubectl) Singletons(ctx context.Context, all bool, ignore []string) ([]Singleton, error) {
	var l deploymentList
	if err := k.GetJSON(ctx, &l, append([]string{"deployments"}, NamespaceArgs(all)...)...); err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, s := range ignore {
		skip[s] = true
	}
	var out []Singleton
	for _, d := range l.Items {
		m := d.Metadata
		if d.Spec.Replicas != nil && *d.Spec.Replicas != 1 || skip[m.Name] || skip[m.Namespace+"/"+m.Name] {
			continue
		}
		out = append(out, Singleton{Namespace: m.Namespace, Name: m.Name, Release: m.Annotations[HelmReleaseAnnotation]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// DeployUsers fills each singleton's User from its release's values
// (`helm get values`, the user lain deploy sets), asking once per release.
// A release helm cannot read leaves User empty; the first refusal (RBAC,
// say) is returned, explained, for the caller to show.
func DeployUsers(ctx context.Context, r runner.Runner, ss []Singleton) (refused error) {
	rv := NewReleaseValues(r)
	for i, s := range ss {
		ss[i].User = rv.User(ctx, s.Namespace, s.Release)
	}
	return rv.Refused
}

// ReleaseValues reads helm releases' values (`helm get values`), once per
// release: the list commands show who deployed each release last.
type ReleaseValues struct {
	runner runner.Runner
	cache  map[[2]string]map[string]any
	// Refused is the first read helm refused (RBAC, say), explained.
	Refused error
}

// NewReleaseValues reads release values through r.
func NewReleaseValues(r runner.Runner) *ReleaseValues {
	return &ReleaseValues{runner: r, cache: map[[2]string]map[string]any{}}
}

// Values are the release's user-supplied values; nil for no release, or
// one helm cannot read.
func (rv *ReleaseValues) Values(ctx context.Context, ns, release string) map[string]any {
	if release == "" {
		return nil
	}
	key := [2]string{ns, release}
	if v, ok := rv.cache[key]; ok {
		return v
	}
	res, err := rv.runner.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"get", "values", release, "-n", ns, "-o", "json"}, Capture: true})
	var v map[string]any
	if err != nil {
		if rv.Refused == nil {
			rv.Refused = toolerr.Failed("helm get values "+release+" -n "+ns+" failed", err, "")
		}
	} else if json.Unmarshal(res.Stdout, &v) != nil {
		v = nil
	}
	rv.cache[key] = v
	return v
}

// User is who deployed the release last (its values' user); "" when
// unknown.
func (rv *ReleaseValues) User(ctx context.Context, ns, release string) string {
	s, _ := rv.Values(ctx, ns, release)["user"].(string)
	return s
}
