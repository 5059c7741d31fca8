// Package rollout follows a release's Deployments and StatefulSets until
// every proc runs the new pod template, and fails fast when a new pod
// cannot start (CrashLoopBackOff, ImagePullBackOff, a missing Secret key,
// OOMKilled, Unschedulable), explaining why with the pod's events and last
// log lines.
//
// The cluster is read through internal/kube: one list of the release
// (Deployments, StatefulSets, ReplicaSets to tell new pods from old ones,
// Pods), then, unless it is settled, a watch of each kind it has, kept in
// memory and judged again on every change; polling when a watch breaks.
package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// workload is the part of a Deployment, StatefulSet or ReplicaSet the
// rollout reads.
type workload struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name            string            `json:"name"`
		ResourceVersion string            `json:"resourceVersion"`
		Generation      int64             `json:"generation"`
		Labels          map[string]string `json:"labels"`
		Annotations     map[string]string `json:"annotations"`
		OwnerReferences []struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int `json:"replicas"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration int64  `json:"observedGeneration"`
		UpdateRevision     string `json:"updateRevision"`
	} `json:"status"`
}

func (o *workload) owner() (kind, name string) {
	if len(o.Metadata.OwnerReferences) == 0 {
		return "", ""
	}
	return o.Metadata.OwnerReferences[0].Kind, o.Metadata.OwnerReferences[0].Name
}

func (o *workload) desired() int {
	if o.Spec.Replicas == nil {
		return 1
	}
	return *o.Spec.Replicas
}

// revision is a Deployment's or ReplicaSet's revision number.
func (o *workload) revision() string {
	return o.Metadata.Annotations["deployment.kubernetes.io/revision"]
}

// objects is what the rollout knows of a release, by name.
type objects struct {
	workloads   map[string]*workload // Deployments and StatefulSets
	replicaSets map[string]*workload
	pods        map[string]kube.Pod
	// versions are the resourceVersions seen (deleted objects' too), so
	// that an older look (a list taken before a watch's event was read)
	// never replaces a newer one.
	versions map[string]uint64
}

func newObjects() *objects {
	return &objects{workloads: map[string]*workload{}, replicaSets: map[string]*workload{}, pods: map[string]kube.Pod{}, versions: map[string]uint64{}}
}

// decoded is one object read from the cluster: a pod or a workload.
type decoded struct {
	kind string // Pod, Deployment, StatefulSet, ReplicaSet
	name string
	rv   uint64 // its resourceVersion; 0 when unknown (or not a number)
	pod  kube.Pod
	w    *workload
}

// decode reads one object's JSON (its kind included).
func decode(raw json.RawMessage) (decoded, error) {
	var w workload
	if err := json.Unmarshal(raw, &w); err != nil {
		return decoded{}, fmt.Errorf("reading the rollout's objects: %w", err)
	}
	d := decoded{kind: w.Kind, name: w.Metadata.Name}
	// resourceVersions are etcd revisions: numbers, though the API does
	// not promise it; anything else is taken as it comes.
	d.rv, _ = strconv.ParseUint(w.Metadata.ResourceVersion, 10, 64)
	if w.Kind != "Pod" {
		d.w = &w
		return d, nil
	}
	p, err := kube.ParsePod(raw)
	if err != nil {
		return decoded{}, err
	}
	d.pod = p
	return d, nil
}

// set records an object; gone removes it. An older version than one
// already seen is ignored.
func (s *objects) set(d decoded, gone bool) {
	key := d.kind + "/" + d.name
	if d.rv != 0 {
		if d.rv < s.versions[key] {
			return
		}
		s.versions[key] = d.rv
	}
	switch d.kind {
	case "Pod":
		if gone {
			delete(s.pods, d.name)
		} else {
			s.pods[d.name] = d.pod
		}
	case "ReplicaSet":
		if gone {
			delete(s.replicaSets, d.name)
		} else {
			s.replicaSets[d.name] = d.w
		}
	case "Deployment", "StatefulSet":
		if gone {
			delete(s.workloads, key)
		} else {
			s.workloads[key] = d.w
		}
	}
}

// listKinds is what the rollout reads, in one kubectl call when polling;
// workloadKinds all but the pods.
const (
	listKinds     = workloadKinds + ",pods"
	workloadKinds = "deployments,statefulsets,replicasets"
)

// list reads the release's Deployments, StatefulSets, ReplicaSets and Pods
// in one kubectl call.
func list(ctx context.Context, r runner.Runner, selector string) (*objects, error) {
	items, err := kube.New(r).List(ctx, listKinds, selector)
	if err != nil {
		return nil, err
	}
	s := newObjects()
	for _, raw := range items {
		d, err := decode(raw)
		if err != nil {
			return nil, err
		}
		s.set(d, false)
	}
	return s, nil
}

// procOf is the proc name of an object of release, from its instance label
// (<release>-<proc>).
func procOf(instance, release string) string {
	if p, ok := strings.CutPrefix(instance, release+"-"); ok {
		return p
	}
	return instance
}

// Selector is the label selector of every pod-running object of a release
// (the chart puts helm.sh/chart: <release> on all of them).
func Selector(release string) string { return "helm.sh/chart=" + release }

// Snapshot returns the names of the release's current pods, so that after
// an upgrade lain can tell whether any pod was recreated (creation times
// have a one-second resolution, too coarse to compare with a clock). It
// reads the pods only.
func Snapshot(ctx context.Context, r runner.Runner, release string) (map[string]bool, error) {
	pods, err := kube.New(r).Pods(ctx, Selector(release))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, p := range pods {
		if counted(p) {
			names[p.Name] = true
		}
	}
	return names, nil
}

// counted reports whether a pod is one of a proc's (not a job's, not on
// its way out): the pods Status lists.
func counted(p kube.Pod) bool {
	return !p.Deleting && (p.OwnerKind == "ReplicaSet" || p.OwnerKind == "StatefulSet")
}
