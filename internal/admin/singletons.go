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
	users := map[[2]string]string{}
	for i, s := range ss {
		if s.Release == "" {
			continue
		}
		key := [2]string{s.Namespace, s.Release}
		u, ok := users[key]
		if !ok {
			var err error
			u, err = releaseUser(ctx, r, s.Namespace, s.Release)
			if err != nil && refused == nil {
				refused = toolerr.Failed("helm get values "+s.Release+" -n "+s.Namespace+" failed", err, "")
			}
			users[key] = u
		}
		ss[i].User = u
	}
	return refused
}

func releaseUser(ctx context.Context, r runner.Runner, ns, release string) (string, error) {
	res, err := r.Run(ctx, runner.Cmd{Name: "helm", Args: []string{"get", "values", release, "-n", ns, "-o", "json"}, Capture: true})
	if err != nil {
		return "", err
	}
	var v struct {
		User any `json:"user"`
	}
	if json.Unmarshal(res.Stdout, &v) != nil {
		return "", nil
	}
	s, _ := v.User.(string)
	return s, nil
}
