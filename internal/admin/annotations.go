package admin

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Object is any Kubernetes object, by what `admin get` shows.
type Object struct {
	Kind, Namespace, Name string
	Created               string
	Annotations           map[string]string
}

type objectList struct {
	Items []struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name              string            `json:"name"`
			Namespace         string            `json:"namespace"`
			CreationTimestamp string            `json:"creationTimestamp"`
			Annotations       map[string]string `json:"annotations"`
		} `json:"metadata"`
	} `json:"items"`
}

// Objects lists the objects of a resource (kubectl's names: deploy,
// ingress, pods...).
func (k Kubectl) Objects(ctx context.Context, resource string, all bool) ([]Object, error) {
	var l objectList
	if err := k.GetJSON(ctx, &l, append([]string{resource}, NamespaceArgs(all)...)...); err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(l.Items))
	for _, it := range l.Items {
		out = append(out, Object{Kind: it.Kind, Namespace: it.Metadata.Namespace, Name: it.Metadata.Name,
			Created: it.Metadata.CreationTimestamp, Annotations: it.Metadata.Annotations})
	}
	return out, nil
}

// Match is one wanted annotation: Key, with Value unless AnyValue.
type Match struct {
	Key, Value string
	AnyValue   bool
}

// ParseAnnotations reads k=v[,k=v] (k alone matches any value).
func ParseAnnotations(s string) ([]Match, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("give at least one annotation, key=value")
	}
	var out []Match
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		k, v, hasValue := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if k == "" {
			return nil, fmt.Errorf("%q: an annotation needs a key (key=value)", part)
		}
		out = append(out, Match{Key: k, Value: v, AnyValue: !hasValue})
	}
	return out, nil
}

// FilterAnnotations keeps the objects that have every match.
func FilterAnnotations(objs []Object, want []Match) []Object {
	var out []Object
	for _, o := range objs {
		ok := true
		for _, m := range want {
			v, has := o.Annotations[m.Key]
			if !has || (!m.AnyValue && v != m.Value) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// WriteObjects prints objects as a kubectl-like table.
func WriteObjects(w io.Writer, objs []Object, withNamespace bool) error {
	if len(objs) == 0 {
		_, err := fmt.Fprintln(w, "No resources found with those annotations.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	if withNamespace {
		fmt.Fprintln(tw, "NAMESPACE\tKIND\tNAME\tCREATED")
	} else {
		fmt.Fprintln(tw, "KIND\tNAME\tCREATED")
	}
	for _, o := range objs {
		if withNamespace {
			fmt.Fprintf(tw, "%s\t", o.Namespace)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Kind, o.Name, o.Created)
	}
	return tw.Flush()
}
