// Package rollout follows a release's Deployments and StatefulSets until
// every proc runs the new pod template, and fails fast when a new pod
// cannot start (CrashLoopBackOff, ImagePullBackOff, a missing Secret key,
// OOMKilled, Unschedulable), explaining why with the pod's events and last
// log lines.
//
// Events and log lines come from internal/kube. The one query of its own,
// list (Deployments, StatefulSets, ReplicaSets and Pods in one kubectl
// call, to tell new pods from old ones), could fold into internal/kube.
package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lain-cli/lain/internal/runner"
)

// object is the part of a Kubernetes object the rollout reads.
type object struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name              string            `json:"name"`
		Generation        int64             `json:"generation"`
		Labels            map[string]string `json:"labels"`
		Annotations       map[string]string `json:"annotations"`
		CreationTimestamp string            `json:"creationTimestamp"`
		DeletionTimestamp *string           `json:"deletionTimestamp"`
		OwnerReferences   []struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int `json:"replicas"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration int64  `json:"observedGeneration"`
		Replicas           int    `json:"replicas"`
		UpdatedReplicas    int    `json:"updatedReplicas"`
		ReadyReplicas      int    `json:"readyReplicas"`
		AvailableReplicas  int    `json:"availableReplicas"`
		UpdateRevision     string `json:"updateRevision"`
		CurrentRevision    string `json:"currentRevision"`
		// Pods.
		Phase      string `json:"phase"`
		Conditions []struct {
			Type    string `json:"type"`
			Status  string `json:"status"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"conditions"`
		ContainerStatuses     []containerStatus `json:"containerStatuses"`
		InitContainerStatuses []containerStatus `json:"initContainerStatuses"`
	} `json:"status"`
}

type containerState struct {
	Waiting *struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"waiting"`
	Terminated *struct {
		Reason   string `json:"reason"`
		Message  string `json:"message"`
		ExitCode int    `json:"exitCode"`
	} `json:"terminated"`
}

type containerStatus struct {
	Name         string         `json:"name"`
	Ready        bool           `json:"ready"`
	RestartCount int            `json:"restartCount"`
	State        containerState `json:"state"`
	LastState    containerState `json:"lastState"`
}

func (o *object) owner() (kind, name string) {
	if len(o.Metadata.OwnerReferences) == 0 {
		return "", ""
	}
	return o.Metadata.OwnerReferences[0].Kind, o.Metadata.OwnerReferences[0].Name
}

func (o *object) desired() int {
	if o.Spec.Replicas == nil {
		return 1
	}
	return *o.Spec.Replicas
}

// Selector is the label selector of every pod-running object of a release
// (the chart puts helm.sh/chart: <release> on all of them).
func Selector(release string) string { return "helm.sh/chart=" + release }

// list reads the release's Deployments, StatefulSets, ReplicaSets and Pods
// in one kubectl call.
func list(ctx context.Context, r runner.Runner, selector string) ([]object, error) {
	res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: []string{"get", "deployments,statefulsets,replicasets,pods", "-l", selector, "-o", "json"}, Capture: true, Quiet: true})
	if err != nil {
		return nil, err
	}
	var l struct {
		Items []object `json:"items"`
	}
	if err := json.Unmarshal(res.Stdout, &l); err != nil {
		return nil, fmt.Errorf("reading kubectl get -o json: %w", err)
	}
	return l.Items, nil
}

// procOf is the proc name of an object of release (its instance label is
// <release>-<proc>).
func procOf(o *object, release string) string {
	inst := o.Metadata.Labels["app.kubernetes.io/instance"]
	if p, ok := strings.CutPrefix(inst, release+"-"); ok {
		return p
	}
	return inst
}

// Snapshot returns the names of the release's current pods, so that after
// an upgrade lain can tell whether any pod was recreated (creation times
// have a one-second resolution, too coarse to compare with a clock).
func Snapshot(ctx context.Context, r runner.Runner, release string) (map[string]bool, error) {
	objs, err := list(ctx, r, Selector(release))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for name := range evaluate(objs, release).Pods {
		names[name] = true
	}
	return names, nil
}
