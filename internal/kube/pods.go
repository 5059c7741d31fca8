package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Pod is one pod as lain shows it.
type Pod struct {
	Name     string
	Instance string // app.kubernetes.io/instance: the workload it belongs to
	Labels   map[string]string
	Phase    string // Pending, Running, Succeeded, Failed, Unknown
	Node     string
	Created  time.Time
	Deleting bool
	// Unschedulable is the scheduler's message when no node can take the
	// pod ("" otherwise).
	Unschedulable string
	// OwnerKind and OwnerName are the controller (ReplicaSet, Job, ...).
	OwnerKind, OwnerName string
	Containers           []Container
	// Reason is the pod-level reason (Evicted, ...) when there is one.
	Reason, Message string
	// Size is what its containers request and are limited to.
	Size Sizing
}

// Container is one container's state.
type Container struct {
	Name     string
	Image    string
	Ready    bool
	Restarts int
	// State is running, waiting or terminated.
	State string
	// Reason and Message explain waiting or terminated (CrashLoopBackOff,
	// ImagePullBackOff, Error, OOMKilled, Completed...).
	Reason, Message string
	ExitCode        int
	// LastReason and LastExitCode are why the previous run ended (set after
	// a restart).
	LastReason   string
	LastExitCode int
	Init         bool // an init container
}

// ReadyCount is how many of the pod's (non-init) containers are ready.
func (p Pod) ReadyCount() (ready, total int) {
	for _, c := range p.Containers {
		if c.Init {
			continue
		}
		total++
		if c.Ready {
			ready++
		}
	}
	return ready, total
}

// Ready is true when every container is ready.
func (p Pod) Ready() bool {
	r, t := p.ReadyCount()
	return t > 0 && r == t
}

// Restarts is the sum of the containers' restart counts.
func (p Pod) Restarts() int {
	n := 0
	for _, c := range p.Containers {
		n += c.Restarts
	}
	return n
}

// Age is how long ago the pod was created, rounded as kubectl shows it.
func (p Pod) Age(now time.Time) string { return ShortDuration(now.Sub(p.Created)) }

// IsJob reports whether the pod runs a Job (one-off or cronjob): such pods
// are meant to finish.
func (p Pod) IsJob() bool { return p.OwnerKind == "Job" }

// Status is the one word kubectl's STATUS column would show: the reason a
// container waits or ended (CrashLoopBackOff, Error, Completed...), else the
// phase; Terminating while being deleted.
func (p Pod) Status() string {
	if p.Deleting {
		return "Terminating"
	}
	if p.Reason != "" {
		return p.Reason
	}
	for _, c := range p.Containers {
		if c.Init && c.State != "terminated" && c.Reason != "" {
			return "Init:" + c.Reason
		}
	}
	status := p.Phase
	for _, c := range p.Containers {
		if c.Init {
			continue
		}
		if c.Reason != "" && (c.State == "waiting" || c.State == "terminated") {
			status = c.Reason
			if c.State == "waiting" {
				return status
			}
		}
	}
	return status
}

// Healthy is true for a pod doing what it should: running with every
// container ready, or (for Job pods) finished successfully or still running.
func (p Pod) Healthy() bool {
	switch {
	case p.Deleting:
		return true // on its way out; its replacement is judged instead
	case p.Phase == "Succeeded":
		return true
	case p.Phase == "Running" && p.IsJob():
		return p.Problem() == ""
	case p.Phase == "Running":
		return p.Ready()
	}
	return false
}

// Problem says in one line what is wrong with the pod ("" when nothing is):
// the waiting reason and its message, the last exit, restarts.
func (p Pod) Problem() string {
	if p.Deleting || p.Phase == "Succeeded" {
		return ""
	}
	var parts []string
	if p.Reason != "" {
		parts = append(parts, p.Reason+messageSuffix(p.Message))
	}
	for _, c := range p.Containers {
		switch {
		case c.State == "waiting" && c.Reason != "" && c.Reason != "ContainerCreating" && c.Reason != "PodInitializing":
			parts = append(parts, c.Name+": "+c.Reason+messageSuffix(c.Message))
		case c.State == "terminated" && (c.ExitCode != 0 || p.Phase == "Failed"):
			parts = append(parts, fmt.Sprintf("%s: %s (exit %d)", c.Name, orDefault(c.Reason, "terminated"), c.ExitCode))
		case c.State == "running" && !c.Ready && !c.Init && !p.IsJob():
			parts = append(parts, c.Name+": running but not ready (readiness probe failing?)")
		}
		if c.LastReason != "" && !c.Ready {
			last := fmt.Sprintf("last exit %d (%s)", c.LastExitCode, c.LastReason)
			if c.Restarts > 0 {
				last = fmt.Sprintf("restarted %d times, %s", c.Restarts, last)
			}
			parts = append(parts, last)
		}
	}
	if len(parts) == 0 {
		switch p.Phase {
		case "Pending":
			if p.Node == "" {
				return "Pending: not scheduled on a node yet"
			}
			return ""
		case "Failed", "Unknown":
			return p.Phase
		}
	}
	return strings.Join(parts, "; ")
}

type podCondition struct{ Type, Status, Reason, Message string }

// unschedulable is the scheduler's message when it found no node for the
// pod (condition PodScheduled False, reason Unschedulable).
func unschedulable(conds []podCondition) string {
	for _, c := range conds {
		if c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable" {
			return orDefault(c.Message, c.Reason)
		}
	}
	return ""
}

func messageSuffix(m string) string {
	if m = strings.TrimSpace(m); m != "" {
		return ": " + firstLine(m)
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// MainContainer is the container lain means when it does not say: the one
// named after the proc (the chart's instance label is <release>-<proc>),
// or <appname>-<proc> as lain's chart 1.0.0 named it, else the first.
func (p Pod) MainContainer(appname string) string {
	var first string
	for _, c := range p.Containers {
		if c.Init {
			continue
		}
		if first == "" {
			first = c.Name
		}
		if strings.HasSuffix(p.Instance, "-"+c.Name) || strings.HasPrefix(c.Name, appname+"-") {
			return c.Name
		}
	}
	return first
}

// Pods lists the pods matching a label selector, sorted by name.
func (c *Client) Pods(ctx context.Context, selector string) ([]Pod, error) {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := c.getJSON(ctx, &list, "pods", "-l", selector); err != nil {
		return nil, err
	}
	return parsePods(list.Items)
}

// ReadPods is Pods for a caller that looks often (the hook watch while
// helm runs): read in-process when the kubeconfig allows (getRaw), so a
// look costs a request, not a kubectl start.
func (c *Client) ReadPods(ctx context.Context, selector string, timeout time.Duration) ([]Pod, error) {
	path := "/api/v1/namespaces/" + url.PathEscape(c.Namespace(ctx)) + "/pods?" + url.Values{"labelSelector": {selector}}.Encode()
	out, err := c.getRaw(ctx, path, timeout)
	if err != nil {
		return nil, err
	}
	items, err := listItems(out, path)
	if err != nil {
		return nil, err
	}
	return parsePods(items)
}

// parsePods decodes a list's items, sorted by name.
func parsePods(items []json.RawMessage) ([]Pod, error) {
	pods := make([]Pod, 0, len(items))
	for _, raw := range items {
		p, err := parsePod(raw)
		if err != nil {
			return nil, err
		}
		pods = append(pods, p)
	}
	sortPods(pods)
	return pods, nil
}

func sortPods(pods []Pod) {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
}

type podJSON struct {
	Metadata meta `json:"metadata"`
	Spec     struct {
		NodeName       string          `json:"nodeName"`
		Containers     []containerSpec `json:"containers"`
		InitContainers []containerSpec `json:"initContainers"`
	} `json:"spec"`
	Status struct {
		Phase                 string            `json:"phase"`
		Reason                string            `json:"reason"`
		Message               string            `json:"message"`
		ContainerStatuses     []containerStatus `json:"containerStatuses"`
		InitContainerStatuses []containerStatus `json:"initContainerStatuses"`
		Conditions            []podCondition    `json:"conditions"`
	} `json:"status"`
}

type containerSpec struct {
	Name      string `json:"name"`
	Image     string `json:"image"`
	Resources struct {
		Requests map[string]string `json:"requests"`
		Limits   map[string]string `json:"limits"`
	} `json:"resources"`
}

type containerState struct {
	Running *struct{} `json:"running"`
	Waiting *struct {
		Reason, Message string
	} `json:"waiting"`
	Terminated *struct {
		Reason, Message string
		ExitCode        int `json:"exitCode"`
	} `json:"terminated"`
}

type containerStatus struct {
	Name         string         `json:"name"`
	Image        string         `json:"image"`
	Ready        bool           `json:"ready"`
	RestartCount int            `json:"restartCount"`
	State        containerState `json:"state"`
	LastState    containerState `json:"lastState"`
}

func parsePod(raw []byte) (Pod, error) {
	var j podJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Pod{}, fmt.Errorf("kubectl get pods: unexpected output: %w", err)
	}
	p := Pod{
		Name: j.Metadata.Name, Labels: j.Metadata.Labels, Instance: j.Metadata.Labels[InstanceLabel],
		Phase: j.Status.Phase, Node: j.Spec.NodeName, Deleting: j.Metadata.DeletionTimestamp != "",
		Reason: j.Status.Reason, Message: j.Status.Message,
	}
	p.Created, _ = time.Parse(time.RFC3339, j.Metadata.CreationTimestamp)
	p.Unschedulable = unschedulable(j.Status.Conditions)
	p.OwnerKind, p.OwnerName = j.Metadata.owner()
	p.Containers = append(containers(j.Spec.InitContainers, j.Status.InitContainerStatuses, true),
		containers(j.Spec.Containers, j.Status.ContainerStatuses, false)...)
	p.Size = sizing(j.Spec.Containers)
	return p, nil
}

// containers joins the spec (every container, in order) with the statuses
// (missing while the pod is Pending).
func containers(spec []containerSpec, statuses []containerStatus, init bool) []Container {
	byName := map[string]containerStatus{}
	for _, s := range statuses {
		byName[s.Name] = s
	}
	out := make([]Container, 0, len(spec))
	for _, sp := range spec {
		c := Container{Name: sp.Name, Image: sp.Image, Init: init}
		if s, ok := byName[sp.Name]; ok {
			c.Ready, c.Restarts = s.Ready, s.RestartCount
			switch st := s.State; {
			case st.Running != nil:
				c.State = "running"
			case st.Waiting != nil:
				c.State, c.Reason, c.Message = "waiting", st.Waiting.Reason, st.Waiting.Message
			case st.Terminated != nil:
				c.State, c.Reason, c.Message, c.ExitCode = "terminated", st.Terminated.Reason, st.Terminated.Message, st.Terminated.ExitCode
			}
			if t := s.LastState.Terminated; t != nil {
				c.LastReason, c.LastExitCode = orDefault(t.Reason, "terminated"), t.ExitCode
			}
		}
		out = append(out, c)
	}
	return out
}

// ShortDuration renders d as kubectl's AGE column does: 45s, 12m, 5h, 3d.
func ShortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < 2*time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// RunningPodNames lists the running pods matching selector (not those
// being deleted), each with its ready containers (for Tab completion). It
// asks the API path itself (kubectl get --raw): kubectl then skips its
// discovery of the API's resources, and only running pods are sent. The
// request gives up after timeout, so a kubectl left behind by an
// impatient shell ends soon too.
func (c *Client) RunningPodNames(ctx context.Context, selector string, timeout time.Duration) ([]PodName, error) {
	q := url.Values{"labelSelector": {selector}, "fieldSelector": {"status.phase=Running"}}
	path := "/api/v1/namespaces/" + url.PathEscape(c.Namespace(ctx)) + "/pods?" + q.Encode()
	out, err := c.getRaw(ctx, path, timeout)
	if err != nil {
		return nil, err
	}
	var list struct {
		Items []struct {
			Metadata struct {
				Name              string `json:"name"`
				DeletionTimestamp string `json:"deletionTimestamp"`
			} `json:"metadata"`
			Status struct {
				ContainerStatuses []struct {
					Ready bool `json:"ready"`
				} `json:"containerStatuses"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("kubectl get --raw %s: unexpected output: %w", path, err)
	}
	var names []PodName
	for _, p := range list.Items {
		if p.Metadata.DeletionTimestamp != "" {
			continue
		}
		ready := 0
		for _, cs := range p.Status.ContainerStatuses {
			if cs.Ready {
				ready++
			}
		}
		names = append(names, PodName{Name: p.Metadata.Name, Ready: fmt.Sprintf("%d/%d", ready, len(p.Status.ContainerStatuses))})
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	return names, nil
}

// PodName is a pod's name and how many of its containers are ready (1/1).
type PodName struct{ Name, Ready string }
