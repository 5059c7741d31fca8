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

// App is what runs of one app in the current namespace, read with one
// `kubectl get deployments,statefulsets,cronjobs,jobs,pods,ingresses -l
// app.kubernetes.io/name=<appname> -o json`.
type App struct {
	Name      string
	Workloads []Workload // by kind (Deployment, StatefulSet, CronJob, Job), then name
	Ingresses []Ingress  // by name
}

// Workload is a Deployment, StatefulSet, CronJob or one-off Job of the app,
// with its pods (the pods whose instance label is its name; a CronJob's
// pods are those of the Jobs it started).
type Workload struct {
	Kind string
	Name string // <release>-<proc>
	// Desired and Ready count replicas (Deployment, StatefulSet).
	Desired, Ready int
	Schedule       string // CronJob
	Suspended      bool   // CronJob
	Pods           []Pod
}

// Ingress is one Ingress of the app and the URLs it serves.
type Ingress struct {
	Name string
	URLs []string // scheme://host/path, https when the host has TLS
}

// Deployed reports whether anything of the app exists in the namespace.
func (a *App) Deployed() bool { return len(a.Workloads) > 0 }

// Pods is every pod of the app, in workload order.
func (a *App) Pods() []Pod {
	var out []Pod
	for _, w := range a.Workloads {
		out = append(out, w.Pods...)
	}
	return out
}

// Unhealthy lists the pods with a problem (Pod.Healthy false).
func (a *App) Unhealthy() []Pod {
	var out []Pod
	for _, p := range a.Pods() {
		if !p.Healthy() {
			out = append(out, p)
		}
	}
	return out
}

// Short is what lain calls the workload in messages: "deployment hello-web".
func (w Workload) Short() string { return strings.ToLower(w.Kind) + " " + w.Name }

// Missing is how many replicas a Deployment or StatefulSet lacks (0 when it
// has all it wants, or is not one).
func (w Workload) Missing() int {
	if w.Kind != "Deployment" && w.Kind != "StatefulSet" {
		return 0
	}
	if d := w.Desired - w.Ready; d > 0 {
		return d
	}
	return 0
}

// Healthy is true when the workload has the replicas it wants and its
// long-running pods are healthy. Job pods (one-off or cronjob runs) never
// make a workload unhealthy: a failed run is history, shown with the pods.
func (w Workload) Healthy() bool {
	if w.Missing() > 0 {
		return false
	}
	for _, p := range w.Pods {
		if !p.IsJob() && !p.Healthy() {
			return false
		}
	}
	return true
}

// Healthy is true when every workload is.
func (a *App) Healthy() bool {
	for _, w := range a.Workloads {
		if !w.Healthy() {
			return false
		}
	}
	return true
}

// Workload finds a workload by name.
func (a *App) Workload(name string) (Workload, bool) {
	for _, w := range a.Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}

// kindOrder is the order workloads are listed in.
func kindOrder(kind string) int {
	for i, k := range []string{"Deployment", "StatefulSet", "CronJob", "Job"} {
		if k == kind {
			return i
		}
	}
	return 4
}

// AppState reads everything of the app named appname: its pods with
// kubectl get --raw (the API server's JSON as is: kubectl neither decodes
// nor re-indents hundreds of pods), beside one kubectl get of the other
// kinds, whose lists kubectl asks one after the other.
func (c *Client) AppState(ctx context.Context, appname string) (*App, error) {
	sel := AppSelector(appname)
	var pods []json.RawMessage
	var podsErr error
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		pods, podsErr = c.rawItems(ctx, "/api/v1/namespaces/"+url.PathEscape(c.Namespace(ctx))+"/pods", sel, "Pod")
	}()
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	err := c.getJSON(ctx, &list, "deployments,statefulsets,cronjobs,jobs,ingresses", "-l", sel)
	<-listed
	if err != nil {
		return nil, err
	}
	if podsErr != nil {
		return nil, podsErr
	}
	items := pods
	for _, it := range list.Items {
		if itemKind(it) != "Pod" {
			items = append(items, it)
		}
	}
	return parseApp(appname, items)
}

// listItems are the items of a list kubectl get --raw path printed.
func listItems(out []byte, path string) ([]json.RawMessage, error) {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("kubectl get --raw %s: unexpected output: %w", path, err)
	}
	return list.Items, nil
}

// rawItems lists a collection with kubectl get --raw PATH, each item with
// its kind (the API server leaves it out of list items); items of another
// kind are dropped.
func (c *Client) rawItems(ctx context.Context, path, selector, kind string) ([]json.RawMessage, error) {
	path += "?" + url.Values{"labelSelector": {selector}}.Encode()
	out, err := c.query(ctx, "get", "--raw", path)
	if err != nil {
		return nil, err
	}
	all, err := listItems(out, path)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, 0, len(all))
	for _, it := range all {
		switch itemKind(it) {
		case "":
			items = append(items, withKind(it, kind))
		case kind:
			items = append(items, it)
		}
	}
	return items, nil
}

func itemKind(raw json.RawMessage) string {
	var k struct {
		Kind string `json:"kind"`
	}
	json.Unmarshal(raw, &k)
	return k.Kind
}

// AppKinds are the kinds AppState reads, as kubectl names them.
func AppKinds() []string {
	return []string{"deployments", "statefulsets", "cronjobs", "jobs", "pods", "ingresses"}
}

// AppFromObjects is the app made of objects of AppKinds (each object's
// JSON, kind included), as a watch of each kind keeps them.
func AppFromObjects(appname string, objects []json.RawMessage) (*App, error) {
	return parseApp(appname, objects)
}

type workloadJSON struct {
	Kind     string `json:"kind"`
	Metadata meta   `json:"metadata"`
	Spec     struct {
		Replicas *int   `json:"replicas"`
		Schedule string `json:"schedule"`
		Suspend  bool   `json:"suspend"`
		IngressSpec
	} `json:"spec"`
	Status struct {
		ReadyReplicas int `json:"readyReplicas"`
	} `json:"status"`
}

func parseApp(appname string, items []json.RawMessage) (*App, error) {
	a := &App{Name: appname}
	var pods []Pod
	jobOwner := map[string]string{} // job name -> its workload (cronjob or itself)
	for _, raw := range items {
		var w workloadJSON
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("kubectl get: unexpected output: %w", err)
		}
		switch w.Kind {
		case "Pod":
			p, err := parsePod(raw)
			if err != nil {
				return nil, err
			}
			pods = append(pods, p)
		case "Ingress":
			a.Ingresses = append(a.Ingresses, Ingress{Name: w.Metadata.Name, URLs: w.Spec.URLs()})
		case "Job":
			if kind, name := w.Metadata.owner(); kind == "CronJob" {
				jobOwner[w.Metadata.Name] = name
				continue
			}
			jobOwner[w.Metadata.Name] = w.Metadata.Name
			a.Workloads = append(a.Workloads, Workload{Kind: "Job", Name: w.Metadata.Name})
		default:
			wl := Workload{Kind: w.Kind, Name: w.Metadata.Name, Schedule: w.Spec.Schedule, Suspended: w.Spec.Suspend, Ready: w.Status.ReadyReplicas}
			if w.Spec.Replicas != nil {
				wl.Desired = *w.Spec.Replicas
			} else if w.Kind != "CronJob" {
				wl.Desired = 1
			}
			a.Workloads = append(a.Workloads, wl)
		}
	}
	sortPods(pods)
	byName := map[string]int{}
	for i, w := range a.Workloads {
		byName[w.Name] = i
	}
	for _, p := range pods {
		owner := p.Instance
		if p.OwnerKind == "Job" && jobOwner[p.OwnerName] != "" {
			owner = jobOwner[p.OwnerName]
		}
		i, ok := byName[owner]
		if !ok {
			// A pod whose workload is gone (or a bare pod): shown on its own.
			i = len(a.Workloads)
			name := owner
			if name == "" {
				name = p.Name
			}
			a.Workloads = append(a.Workloads, Workload{Kind: "Pod", Name: name})
			byName[name] = i
		}
		a.Workloads[i].Pods = append(a.Workloads[i].Pods, p)
	}
	sort.SliceStable(a.Workloads, func(i, j int) bool {
		wi, wj := a.Workloads[i], a.Workloads[j]
		if oi, oj := kindOrder(wi.Kind), kindOrder(wj.Kind); oi != oj {
			return oi < oj
		}
		return wi.Name < wj.Name
	})
	sort.Slice(a.Ingresses, func(i, j int) bool { return a.Ingresses[i].Name < a.Ingresses[j].Name })
	return a, nil
}

// IngressSpec is what lain reads of an Ingress's spec: its URLs.
type IngressSpec struct {
	TLS []struct {
		Hosts []string `json:"hosts"`
	} `json:"tls"`
	Rules []struct {
		Host string `json:"host"`
		HTTP struct {
			Paths []struct {
				Path string `json:"path"`
			} `json:"paths"`
		} `json:"http"`
	} `json:"rules"`
}

// URLs are the URLs the ingress serves, https for its TLS hosts; rules
// for any host or a wildcard have no URL to ask.
func (s IngressSpec) URLs() []string {
	tls := map[string]bool{}
	for _, t := range s.TLS {
		for _, h := range t.Hosts {
			tls[h] = true
		}
	}
	var urls []string
	for _, r := range s.Rules {
		if r.Host == "" || strings.HasPrefix(r.Host, "*") {
			continue
		}
		scheme := "http://"
		if tls[r.Host] {
			scheme = "https://"
		}
		paths := r.HTTP.Paths
		if len(paths) == 0 {
			urls = append(urls, scheme+r.Host+"/")
		}
		for _, p := range paths {
			path := p.Path
			if !strings.HasPrefix(path, "/") {
				path = "/" + path
			}
			urls = append(urls, scheme+r.Host+path)
		}
	}
	return urls
}

// NotDeployedMessage says the app is not there, naming where lain looked.
func NotDeployedMessage(appname, cluster, namespace string) string {
	return fmt.Sprintf("%s is not deployed on cluster %s (nothing labelled %s in namespace %s)", appname, cluster, AppSelector(appname), namespace)
}

// Since is a helper for "3m ago" texts.
func Since(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return ShortDuration(now.Sub(t)) + " ago"
}
