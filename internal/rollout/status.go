package rollout

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/kube"
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
func evaluate(s *objects, release string) Status {
	st := Status{Pods: map[string]string{}}
	// A Deployment's current ReplicaSet is the one of its revision.
	currentRS := map[string]string{} // replicaset name -> deployment
	for name, rs := range s.replicaSets {
		kind, dep := rs.owner()
		if d, ok := s.workloads["Deployment/"+dep]; ok && kind == "Deployment" && d.revision() != "" && rs.revision() == d.revision() {
			currentRS[name] = dep
		}
	}
	type counts struct{ updated, ready, old int }
	byWorkload := map[string]*counts{}
	names := make([]string, 0, len(s.pods))
	for name := range s.pods {
		names = append(names, name)
	}
	sort.Strings(names) // the same failure is reported whatever the order of events
	for _, name := range names {
		p := s.pods[name]
		if !counted(p) {
			continue // jobs: helm follows its hooks
		}
		workload := p.OwnerName
		isNew := false
		switch p.OwnerKind {
		case "ReplicaSet":
			if dep, ok := currentRS[p.OwnerName]; ok {
				workload, isNew = dep, true
			} else if rs, ok := s.replicaSets[p.OwnerName]; ok {
				_, workload = rs.owner()
			}
			workload = "Deployment/" + workload
		case "StatefulSet":
			sts := s.workloads["StatefulSet/"+p.OwnerName]
			isNew = sts != nil && p.Labels["controller-revision-hash"] == sts.Status.UpdateRevision
			workload = "StatefulSet/" + workload
		}
		st.Pods[p.Name] = p.Created.UTC().Format(time.RFC3339)
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
		if p.Ready() {
			c.ready++
		}
		if st.Failure == nil {
			st.Failure = podFailure(p, release)
		}
	}
	for key, o := range s.workloads {
		c := byWorkload[key]
		if c == nil {
			c = &counts{}
		}
		p := Proc{Kind: o.Kind, Name: o.Metadata.Name, Proc: procOf(o.Metadata.Labels[kube.InstanceLabel], release), Desired: o.desired(), Updated: c.updated, Ready: c.ready, Old: c.old}
		p.Done = o.Status.ObservedGeneration >= o.Metadata.Generation && p.Ready >= p.Desired && p.Updated == p.Desired && p.Old == 0
		if o.Kind == "Deployment" && o.revision() == "" && p.Desired > 0 {
			p.Done = false // the controller has not seen it yet
		}
		st.Procs = append(st.Procs, p)
	}
	sort.Slice(st.Procs, func(i, j int) bool { return st.Procs[i].Name < st.Procs[j].Name })
	return st
}

// oomMessage explains an OOMKilled container.
const oomMessage = "the container used more memory than its limit (resources.limits.memory) and was killed"

// podFailure is why a pod will not get ready, nil when it may still.
func podFailure(p kube.Pod, release string) *Failure {
	f := &Failure{Pod: p.Name, Proc: procOf(p.Instance, release)}
	for _, c := range p.Containers { // init containers first, as the pod runs them
		f.Container = c.Name
		if c.State == "waiting" && failReasons[c.Reason] {
			f.Reason, f.Message = c.Reason, c.Message
			f.Crashed = c.Reason == "CrashLoopBackOff" || c.Restarts > 0
			if c.LastReason == "OOMKilled" {
				f.Reason, f.Message = "OOMKilled", oomMessage
			}
			return f
		}
		if c.State == "terminated" && c.Reason == "OOMKilled" {
			f.Reason, f.Message, f.Crashed = "OOMKilled", oomMessage, true
			return f
		}
	}
	f.Container = ""
	if p.Unschedulable != "" {
		f.Reason, f.Message = "Unschedulable", p.Unschedulable
		return f
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
