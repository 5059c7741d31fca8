package admin

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Reasons pods are grouped by, in the order they are shown.
const (
	ReasonCrashLoop     = "CrashLoopBackOff"
	ReasonImagePull     = "ImagePullBackOff"
	ReasonUnschedulable = "Pending/Unschedulable"
	ReasonOOMKilled     = "OOMKilled"
	ReasonError         = "Error"
)

// reasonOrder is the order of the known reasons.
func reasonOrder() []string {
	return []string{ReasonCrashLoop, ReasonImagePull, ReasonUnschedulable, ReasonOOMKilled, ReasonError}
}

// Pod is one pod as the admin commands see it.
type Pod struct {
	Namespace, Name      string
	OwnerKind, OwnerName string
	Phase                string
	Images               []string
	// Reason is the group the pod is in ("" when healthy); Detail says
	// more, on one line.
	Reason, Detail string
}

type podList struct {
	Items []podJSON `json:"items"`
}

type podJSON struct {
	Metadata struct {
		Name              string `json:"name"`
		Namespace         string `json:"namespace"`
		DeletionTimestamp string `json:"deletionTimestamp"`
		OwnerReferences   []struct {
			Kind       string `json:"kind"`
			Name       string `json:"name"`
			Controller bool   `json:"controller"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Spec struct {
		Containers []struct {
			Image string `json:"image"`
		} `json:"containers"`
		InitContainers []struct {
			Image string `json:"image"`
		} `json:"initContainers"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		Reason     string `json:"reason"`
		Message    string `json:"message"`
		Conditions []struct {
			Type, Status, Reason, Message string
		} `json:"conditions"`
		ContainerStatuses     []containerStatus `json:"containerStatuses"`
		InitContainerStatuses []containerStatus `json:"initContainerStatuses"`
	} `json:"status"`
}

type containerState struct {
	Running *struct{} `json:"running"`
	Waiting *struct {
		Reason, Message string
	} `json:"waiting"`
	Terminated *struct {
		Reason   string `json:"reason"`
		ExitCode int    `json:"exitCode"`
	} `json:"terminated"`
}

type containerStatus struct {
	Name      string         `json:"name"`
	Ready     bool           `json:"ready"`
	State     containerState `json:"state"`
	LastState containerState `json:"lastState"`
}

// Pods lists the pods of every namespace (all) or the current one.
func (k Kubectl) Pods(ctx context.Context, all bool) ([]Pod, error) {
	var l podList
	if err := k.GetJSON(ctx, &l, append([]string{"pods"}, NamespaceArgs(all)...)...); err != nil {
		return nil, err
	}
	pods := make([]Pod, 0, len(l.Items))
	for _, j := range l.Items {
		pods = append(pods, toPod(j))
	}
	sortPods(pods)
	return pods, nil
}

// sortPods orders pods by namespace, then name.
func sortPods(pods []Pod) {
	sort.Slice(pods, func(i, j int) bool {
		if pods[i].Namespace != pods[j].Namespace {
			return pods[i].Namespace < pods[j].Namespace
		}
		return pods[i].Name < pods[j].Name
	})
}

func toPod(j podJSON) Pod {
	p := Pod{Namespace: j.Metadata.Namespace, Name: j.Metadata.Name, Phase: j.Status.Phase}
	for i, o := range j.Metadata.OwnerReferences {
		if o.Controller || i == 0 {
			p.OwnerKind, p.OwnerName = o.Kind, o.Name
		}
	}
	for _, c := range j.Spec.InitContainers {
		p.Images = append(p.Images, c.Image)
	}
	for _, c := range j.Spec.Containers {
		p.Images = append(p.Images, c.Image)
	}
	if j.Metadata.DeletionTimestamp == "" {
		p.Reason, p.Detail = diagnose(j)
	}
	return p
}

// diagnose puts an unhealthy pod in one of the groups ("" when healthy).
func diagnose(j podJSON) (reason, detail string) {
	st := j.Status
	if st.Phase == "Succeeded" {
		return "", ""
	}
	for _, c := range append(append([]containerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...) {
		if w := c.State.Waiting; w != nil {
			switch w.Reason {
			case "CrashLoopBackOff":
				if t := c.LastState.Terminated; t != nil && t.Reason == "OOMKilled" {
					return ReasonOOMKilled, fmt.Sprintf("%s: killed for using too much memory (exit %d), restarting", c.Name, t.ExitCode)
				}
				return ReasonCrashLoop, c.Name + ": " + lastExit(c)
			case "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull":
				return ReasonImagePull, c.Name + ": " + firstLine(w.Message)
			case "", "ContainerCreating", "PodInitializing":
			default:
				return w.Reason, c.Name + ": " + firstLine(w.Message)
			}
		}
		if t := c.State.Terminated; t != nil && t.ExitCode != 0 {
			if t.Reason == "OOMKilled" {
				return ReasonOOMKilled, fmt.Sprintf("%s: killed for using too much memory (exit %d)", c.Name, t.ExitCode)
			}
			return ReasonError, fmt.Sprintf("%s: exited %d (%s)", c.Name, t.ExitCode, t.Reason)
		}
	}
	for _, cond := range st.Conditions {
		if cond.Type == "PodScheduled" && cond.Status == "False" {
			return ReasonUnschedulable, firstLine(cond.Message)
		}
	}
	switch st.Phase {
	case "Failed":
		return ReasonError, strings.TrimSpace(st.Reason + " " + firstLine(st.Message))
	case "Unknown":
		return "Unknown", firstLine(st.Message)
	case "Running":
		for _, c := range st.ContainerStatuses {
			if !c.Ready && c.State.Running != nil && !isJob(j) {
				return "NotReady", c.Name + ": running but not ready"
			}
		}
	}
	return "", ""
}

func isJob(j podJSON) bool {
	for _, o := range j.Metadata.OwnerReferences {
		if o.Kind == "Job" {
			return true
		}
	}
	return false
}

func lastExit(c containerStatus) string {
	if t := c.LastState.Terminated; t != nil {
		return fmt.Sprintf("last exit %d (%s), restarting", t.ExitCode, t.Reason)
	}
	return "restarting"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// Unhealthy are the pods that have a reason.
func Unhealthy(pods []Pod) []Pod {
	var out []Pod
	for _, p := range pods {
		if p.Reason != "" {
			out = append(out, p)
		}
	}
	return out
}

// Group is the unhealthy pods of one reason.
type Group struct {
	Reason string
	Pods   []Pod
}

// GroupByReason groups unhealthy pods: the known reasons first, in their
// order, then any other reason by name.
func GroupByReason(pods []Pod) []Group {
	by := map[string][]Pod{}
	for _, p := range pods {
		if p.Reason != "" {
			by[p.Reason] = append(by[p.Reason], p)
		}
	}
	var groups []Group
	for _, r := range reasonOrder() {
		if ps := by[r]; len(ps) > 0 {
			groups = append(groups, Group{r, ps})
			delete(by, r)
		}
	}
	var rest []string
	for r := range by {
		rest = append(rest, r)
	}
	sort.Strings(rest)
	for _, r := range rest {
		groups = append(groups, Group{r, by[r]})
	}
	return groups
}

// Target is what deleting a bad pod deletes: the pod, or the Job that owns
// it (deleting only the pod would make the Job start another).
type Target struct {
	Kind, Namespace, Name string
}

// DeleteTargets are the objects to delete for the unhealthy pods, each
// once, in order.
func DeleteTargets(pods []Pod) []Target {
	seen := map[Target]bool{}
	var out []Target
	for _, p := range pods {
		if p.Reason == "" {
			continue
		}
		t := Target{Kind: "pod", Namespace: p.Namespace, Name: p.Name}
		if p.OwnerKind == "Job" {
			t = Target{Kind: "job", Namespace: p.Namespace, Name: p.OwnerName}
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
