// Package statusview shows how an app is doing: its pods (phase, ready,
// restarts, age, node), what is wrong with the unhealthy ones (last log
// lines, events), kubectl top figures when the cluster has metrics, and
// each ingress URL's HTTP status. Collect gathers a Report; WritePlain
// prints it once (lain status -s); Live redraws it full-screen every few
// seconds until q or Ctrl-C.
package statusview

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// Report is one look at the app.
type Report struct {
	App, Cluster, Namespace string
	Taken                   time.Time
	State                   *kube.App
	// Usage is kubectl top per pod; nil without metrics.
	Usage map[string]kube.Usage
	// Sizes are the pods' requests and limits, shown beside Usage (nil
	// when they could not be read).
	Sizes map[string]kube.Sizing
	// MetricsNote says why there are no figures ("" when there are).
	MetricsNote string
	Diagnoses   []kube.Diagnosis
	URLs        []URLCheck
	// Stale says why what is shown may be old (a watch is down), or "".
	Stale string
}

// URLCheck is one ingress URL probed from this machine.
type URLCheck struct {
	URL    string
	Status int    // HTTP status; 0 when there was no answer
	Err    string // why there was no answer
}

// Bad is true for an answer that says the app behind is broken (5xx).
// No answer at all is not counted against the app: the URL may simply not
// be reachable from where lain runs (VPN, DNS, no ingress controller).
func (u URLCheck) Bad() bool { return u.Status >= 500 }

// Healthy is true when every workload has its replicas, every long-running
// pod is ready, and no URL answers with a server error.
func (r *Report) Healthy() bool {
	if r.State == nil || !r.State.Deployed() || !r.State.Healthy() {
		return false
	}
	for _, u := range r.URLs {
		if u.Bad() {
			return false
		}
	}
	return true
}

// Summary is one line: healthy, or what is wrong.
func (r *Report) Summary() string {
	if r.State == nil || !r.State.Deployed() {
		return kube.NotDeployedMessage(r.App, r.Cluster, r.Namespace)
	}
	var bad []string
	for _, w := range r.State.Workloads {
		if m := w.Missing(); m > 0 {
			bad = append(bad, fmt.Sprintf("%s has %d of %d replicas ready", w.Short(), w.Ready, w.Desired))
			continue
		}
		n := 0
		for _, p := range w.Pods {
			if !p.IsJob() && !p.Healthy() {
				n++
			}
		}
		if n > 0 {
			bad = append(bad, fmt.Sprintf("%s has %d unhealthy pod(s)", w.Short(), n))
		}
	}
	for _, u := range r.URLs {
		if u.Bad() {
			bad = append(bad, fmt.Sprintf("%s answers %d", u.URL, u.Status))
		}
	}
	if len(bad) == 0 {
		return fmt.Sprintf("%s is healthy on cluster %s", r.App, r.Cluster)
	}
	return fmt.Sprintf("%s is unhealthy on cluster %s: %s", r.App, r.Cluster, strings.Join(bad, "; "))
}

// Collector gathers Reports of one app.
type Collector struct {
	Kube      *kube.Client
	HTTP      *http.Client
	App       string
	Cluster   string
	Namespace string
	Now       func() time.Time
	// LogLines and Events bound what is shown per unhealthy pod.
	LogLines, Events int
	// ProbeTimeout bounds each URL probe.
	ProbeTimeout time.Duration

	noMetrics string // set once kubectl top said there are no metrics
	live      liveCache
}

// Collect looks at the app once. Only the main query failing is an error;
// metrics, diagnoses and probes are best effort. The app's objects and
// kubectl top are asked at once (they do not depend on each other).
func (c *Collector) Collect(ctx context.Context) (*Report, error) {
	c.defaults()
	var usage topAnswer
	topped := make(chan struct{})
	go func() {
		defer close(topped)
		usage = c.top(ctx)
	}()
	state, err := c.Kube.AppState(ctx, c.App)
	<-topped
	if err != nil {
		return nil, err
	}
	return c.report(ctx, state, usage, c.diagnose, c.probe), nil
}

func (c *Collector) diagnose(ctx context.Context, bad []kube.Pod) []kube.Diagnosis {
	return c.Kube.Diagnose(ctx, c.App, bad, c.LogLines, c.Events)
}

func (c *Collector) defaults() {
	if c.LogLines == 0 {
		c.LogLines = 10
	}
	if c.Events == 0 {
		c.Events = 5
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = 3 * time.Second
	}
}

// topAnswer is what kubectl top said: figures, or why there are none.
type topAnswer struct {
	usage map[string]kube.Usage
	note  string
}

// top asks kubectl top for the app's pods, unless the cluster was found
// to have no metrics API.
func (c *Collector) top(ctx context.Context) topAnswer {
	if c.noMetrics != "" {
		return topAnswer{note: c.noMetrics}
	}
	usage, err := c.Kube.Top(ctx, kube.AppSelector(c.App))
	switch {
	case errors.Is(err, kube.ErrNoMetrics):
		c.noMetrics = "not available on this cluster (kubectl top needs the metrics API: metrics-server)"
		return topAnswer{note: c.noMetrics}
	case errors.Is(err, kube.ErrMetricsNotYet):
		return topAnswer{note: "not available yet for these pods (metrics-server collects them every 15-60 s)"}
	case err != nil:
		return topAnswer{note: "kubectl top failed: " + err.Error()}
	}
	return topAnswer{usage: usage}
}

// report completes a Report from what runs: the pods' sizes beside their
// usage, what is wrong with the unhealthy ones, and the URLs' answers
// (probed while the diagnoses are read).
func (c *Collector) report(ctx context.Context, state *kube.App, usage topAnswer,
	diagnose func(context.Context, []kube.Pod) []kube.Diagnosis, probe func(context.Context, []kube.Ingress) []URLCheck) *Report {
	r := &Report{App: c.App, Cluster: c.Cluster, Namespace: c.Namespace, Taken: c.Now(), State: state}
	if !state.Deployed() {
		return r
	}
	r.Usage, r.MetricsNote = usage.usage, usage.note
	if r.Usage != nil {
		r.Sizes = map[string]kube.Sizing{}
		for _, p := range state.Pods() {
			r.Sizes[p.Name] = p.Size
		}
	}
	var probes sync.WaitGroup
	probes.Add(1)
	go func() {
		defer probes.Done()
		r.URLs = probe(ctx, state.Ingresses)
	}()
	if bad := state.Unhealthy(); len(bad) > 0 {
		r.Diagnoses = diagnose(ctx, bad)
	}
	probes.Wait()
	return r
}

// probe GETs every ingress URL at once, each within ProbeTimeout, without
// following redirects (a redirect is an answer).
func (c *Collector) probe(ctx context.Context, ings []kube.Ingress) []URLCheck {
	var urls []string
	for _, ing := range ings {
		urls = append(urls, ing.URLs...)
	}
	out := make([]URLCheck, len(urls))
	client := http.Client{Timeout: c.ProbeTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if c.HTTP != nil {
		client.Transport = c.HTTP.Transport
	}
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = URLCheck{URL: u}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				out[i].Err = err.Error()
				return
			}
			resp, err := client.Do(req)
			if err != nil {
				out[i].Err = shortNetError(err)
				return
			}
			resp.Body.Close()
			out[i].Status = resp.StatusCode
		}()
	}
	wg.Wait()
	return out
}

// shortNetError drops Go's `Get "url": ` prefix (the URL is shown anyway).
func shortNetError(err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		err = ue.Unwrap()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return err.Error()
}

// MemoryWarnLimitShare: a pod using more than this share of its memory
// limit is close to being OOMKilled.
const MemoryWarnLimitShare = 0.9

// MemoryWarnings are the pods running above 90 % of their memory limit,
// one line each.
func (r *Report) MemoryWarnings() []string {
	var out []string
	if r.Usage == nil || r.Sizes == nil || r.State == nil {
		return nil
	}
	for _, w := range r.State.Workloads {
		for _, p := range w.Pods {
			u, ok := r.Usage[p.Name]
			s, ok2 := r.Sizes[p.Name]
			if !ok || !ok2 || s.MemoryLimit == 0 {
				continue
			}
			used := kube.MemoryBytes(u.Memory)
			if share := used / s.MemoryLimit; share > MemoryWarnLimitShare {
				out = append(out, fmt.Sprintf("%s uses %s of memory, %.0f%% of its limit %s: past the limit it is OOMKilled (raise resources.limits.memory; lain lint --resources suggests one)",
					p.Name, u.Memory, share*100, formatMemory(s.MemoryLimit)))
			}
		}
	}
	return out
}
