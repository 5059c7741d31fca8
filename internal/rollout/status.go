package rollout

import (
	"fmt"
	"sort"
	"strings"
)

// Proc is one Deployment or StatefulSet's progress.
type Proc struct {
	Kind    string // Deployment or StatefulSet
	Name    string // <release>-<proc>
	Proc    string
	Desired int
	Updated int // pods of the new template
	Ready   int // ready pods of the new template
	Old     int // pods of an older template still there
	Done    bool
}

// Failure is a new pod that will not get ready by waiting.
type Failure struct {
	Pod       string
	Container string
	Proc      string
	Reason    string // CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable...
	Message   string
	Crashed   bool // the container ran and exited: its previous log says why
}

// Status is the release's rollout at one moment.
type Status struct {
	Procs   []Proc
	Failure *Failure
	// Pods are the names and creation times of the current pods.
	Pods map[string]string
}

// Done is true when every proc runs only ready pods of its new template.
func (s Status) Done() bool {
	for _, p := range s.Procs {
		if !p.Done {
			return false
		}
	}
	return true
}

// failReasons are waiting reasons that do not go away by waiting.
var failReasons = map[string]bool{
	"CrashLoopBackOff": true, "ImagePullBackOff": true, "ErrImagePull": true, "InvalidImageName": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

// evaluate digests the objects of a release.
func evaluate(objs []object, release string) Status {
	st := Status{Pods: map[string]string{}}
	// The pod-template-hash of each Deployment's current ReplicaSet.
	revision := map[string]string{} // deployment -> revision
	for _, o := range objs {
		if o.Kind == "Deployment" {
			revision[o.Metadata.Name] = o.Metadata.Annotations["deployment.kubernetes.io/revision"]
		}
	}
	currentRS := map[string]string{} // replicaset name -> deployment
	for _, o := range objs {
		if o.Kind != "ReplicaSet" {
			continue
		}
		if kind, dep := o.owner(); kind == "Deployment" && revision[dep] != "" && o.Metadata.Annotations["deployment.kubernetes.io/revision"] == revision[dep] {
			currentRS[o.Metadata.Name] = dep
		}
	}
	updateRev := map[string]string{} // statefulset -> update revision
	for _, o := range objs {
		if o.Kind == "StatefulSet" {
			updateRev[o.Metadata.Name] = o.Status.UpdateRevision
		}
	}
	type counts struct{ updated, ready, old int }
	byWorkload := map[string]*counts{}
	for i := range objs {
		o := &objs[i]
		if o.Kind != "Pod" || o.Metadata.DeletionTimestamp != nil {
			continue
		}
		kind, owner := o.owner()
		var workload string
		isNew := false
		switch kind {
		case "ReplicaSet":
			workload = owner
			if dep, ok := currentRS[owner]; ok {
				workload, isNew = dep, true
			} else {
				workload = ownerDeployment(objs, owner)
			}
		case "StatefulSet":
			workload = owner
			isNew = o.Metadata.Labels["controller-revision-hash"] == updateRev[owner]
		default:
			continue // jobs: helm follows its hooks
		}
		st.Pods[o.Metadata.Name] = o.Metadata.CreationTimestamp
		c := byWorkload[workload]
		if c == nil {
			c = &counts{}
			byWorkload[workload] = c
		}
		if !isNew {
			c.old++
			continue
		}
		c.updated++
		if podReady(o) {
			c.ready++
		}
		if st.Failure == nil {
			st.Failure = podFailure(o, release)
		}
	}
	for _, o := range objs {
		if o.Kind != "Deployment" && o.Kind != "StatefulSet" {
			continue
		}
		c := byWorkload[o.Metadata.Name]
		if c == nil {
			c = &counts{}
		}
		p := Proc{Kind: o.Kind, Name: o.Metadata.Name, Proc: procOf(&o, release), Desired: o.desired(), Updated: c.updated, Ready: c.ready, Old: c.old}
		p.Done = o.Status.ObservedGeneration >= o.Metadata.Generation && p.Ready >= p.Desired && p.Updated == p.Desired && p.Old == 0
		if o.Kind == "Deployment" && revision[o.Metadata.Name] == "" && p.Desired > 0 {
			p.Done = false // the controller has not seen it yet
		}
		st.Procs = append(st.Procs, p)
	}
	sort.Slice(st.Procs, func(i, j int) bool { return st.Procs[i].Name < st.Procs[j].Name })
	return st
}

// ownerDeployment is the Deployment owning an old ReplicaSet.
func ownerDeployment(objs []object, rs string) string {
	for _, o := range objs {
		if o.Kind == "ReplicaSet" && o.Metadata.Name == rs {
			_, dep := o.owner()
			return dep
		}
	}
	return rs
}

func podReady(o *object) bool {
	for _, c := range o.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// podFailure is why a pod will not get ready, nil when it may still.
func podFailure(o *object, release string) *Failure {
	f := &Failure{Pod: o.Metadata.Name, Proc: procOf(o, release)}
	for _, cs := range append(append([]containerStatus{}, o.Status.InitContainerStatuses...), o.Status.ContainerStatuses...) {
		f.Container = cs.Name
		if w := cs.State.Waiting; w != nil && failReasons[w.Reason] {
			f.Reason, f.Message = w.Reason, w.Message
			f.Crashed = w.Reason == "CrashLoopBackOff" || cs.RestartCount > 0
			if t := cs.LastState.Terminated; t != nil && t.Reason == "OOMKilled" {
				f.Reason = "OOMKilled"
				f.Message = "the container used more memory than its limit (resources.limits.memory) and was killed"
			}
			return f
		}
		if t := cs.State.Terminated; t != nil && t.Reason == "OOMKilled" {
			f.Reason, f.Crashed = "OOMKilled", true
			f.Message = "the container used more memory than its limit (resources.limits.memory) and was killed"
			return f
		}
	}
	f.Container = ""
	for _, c := range o.Status.Conditions {
		if c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable" {
			f.Reason, f.Message = "Unschedulable", c.Message
			return f
		}
	}
	return nil
}

// Line is one proc's progress as a plain line.
func (p Proc) Line() string {
	s := fmt.Sprintf("%s: %d/%d updated, %d/%d ready", p.Name, p.Updated, p.Desired, p.Ready, p.Desired)
	if p.Old > 0 {
		s += fmt.Sprintf(", %d old", p.Old)
	}
	if p.Done {
		s += " (done)"
	}
	return s
}

// Table is the status as a table (one row per proc).
func (s Status) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %8s %8s %8s %6s\n", "PROC", "DESIRED", "UPDATED", "READY", "OLD")
	for _, p := range s.Procs {
		mark := ""
		if p.Done {
			mark = "  ok"
		}
		fmt.Fprintf(&b, "%-32s %8d %8d %8d %6d%s\n", p.Name, p.Desired, p.Updated, p.Ready, p.Old, mark)
	}
	return b.String()
}
