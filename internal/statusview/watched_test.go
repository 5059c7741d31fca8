package statusview

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// watchedRecorder answers the list and the watch of every kind of the app
// from the lab's real objects (internal/kube/testdata/app.json); the pods'
// watch then reports a new pod.
func watchedRecorder(t *testing.T) *runner.Recorder {
	t.Helper()
	b, err := os.ReadFile("../kube/testdata/app.json")
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(b, &app); err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{"deployments": "/apis/apps/v1", "statefulsets": "/apis/apps/v1", "cronjobs": "/apis/batch/v1",
		"jobs": "/apis/batch/v1", "pods": "/api/v1", "ingresses": "/apis/networking.k8s.io/v1"}
	kinds := map[string]string{"Deployment": "deployments", "CronJob": "cronjobs", "Job": "jobs", "Pod": "pods", "Ingress": "ingresses"}
	byKind := map[string][]map[string]any{}
	for _, it := range app.Items {
		byKind[kinds[it["kind"].(string)]] = append(byKind[kinds[it["kind"].(string)]], it)
	}
	rec := &runner.Recorder{}
	sel := url.QueryEscape(kube.AppSelector("hello"))
	for _, kind := range kube.AppKinds() {
		path := paths[kind] + "/namespaces/ns1/" + kind
		stream := ""
		if kind == "pods" {
			pod := byKind["pods"][len(byKind["pods"])-1]
			added := map[string]any{"kind": "Pod", "metadata": map[string]any{"name": "hello-web-766ff6df9c-zznew", "namespace": "scratch-issue9",
				"resourceVersion": "101", "labels": pod["metadata"].(map[string]any)["labels"]}, "spec": pod["spec"], "status": pod["status"]}
			ev, _ := json.Marshal(map[string]any{"type": "ADDED", "object": added})
			stream = string(ev) + "\n"
		}
		rec.OnStream("kubectl get --raw '"+path+"?allowWatchBookmarks=true&labelSelector="+sel+"&resourceVersion=100&watch=1'", stream)
		list, _ := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": "100"}, "items": byKind[kind]})
		rec.On("kubectl get --raw '"+path+"?labelSelector="+sel+"'", string(list), 0)
	}
	rec.OnError("kubectl top pod", &runner.ExitError{Code: 1, Stderr: "error: metrics not available yet\n"})
	rec.On("kubectl get events", `{"items":[]}`, 0)
	return rec
}

// A full-screen lain status open for a minute, refreshed every 3 s (and
// at every change): one list plus one watch per kind, not a listing of the
// app per refresh; kubectl top and the unhealthy pods' events every 30 s.
// e2e/status_tty_test.go counts the same on the lab.
func TestLiveCostsOneListAndOneWatchPerKind(t *testing.T) {
	rec := watchedRecorder(t)
	c, _ := collector(t) // for its HTTP stub
	now := fixtureNow
	c.Kube, c.Namespace, c.Now = kube.New(rec), "ns1", func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	collect, changed := c.Watch(ctx)
	var r *Report
	for i := 0; i < 20; i++ { // a minute of refreshes every 3 s
		var err error
		if r, err = collect(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * time.Second)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change signalled")
	}
	// The pod the watch added is shown: the view stays live.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(fmt.Sprint(r.State.Pods()), "hello-web-766ff6df9c-zznew") {
		if time.Now().After(deadline) {
			t.Fatalf("the added pod is not shown: %v", r.State.Pods())
		}
		time.Sleep(10 * time.Millisecond)
		r, _ = collect(ctx)
	}
	cancel()
	count := map[string]int{}
	for _, l := range rec.Lines {
		f := strings.Fields(l)
		switch {
		case strings.Contains(l, "watch=1"):
			count["watch "+strings.Split(f[3], "?")[0]]++
		case len(f) > 3 && f[2] == "--raw":
			count["list "+strings.Split(f[3], "?")[0]]++
		default:
			count[strings.Join(f[:3], " ")]++
		}
	}
	for _, kind := range kube.AppKinds() {
		for _, verb := range []string{"list", "watch"} {
			n := 0
			for k, v := range count {
				if strings.HasPrefix(k, verb+" ") && strings.HasSuffix(k, "/"+kind) {
					n += v
				}
			}
			if n != 1 {
				t.Errorf("%s %s: %d requests, want 1 (all: %v)", verb, kind, n, count)
			}
		}
	}
	t.Logf("kubectl runs in a minute: %v", count)
	// 0 s and 30 s (the 21st refresh, above, is not a minute later).
	if count["kubectl top pod"] > 2 || count["kubectl get events"] > 2 {
		t.Errorf("top and events more than every 30 s: %v", count)
	}
	if len(rec.Lines) > 6+6+2+2+2*2 { // + logs of the unhealthy pods every 30 s
		t.Errorf("%d kubectl runs in a minute:\n%s", len(rec.Lines), rec)
	}
}

// kubectl killed under the view: the watch of that kind starts again
// after Retry (a new list), and meanwhile the view keeps what it saw and
// says so.
func TestWatchedSurvivesABrokenWatch(t *testing.T) {
	rec := watchedRecorder(t)
	// The pods' watch fails as a killed kubectl does.
	broken := &runner.Recorder{}
	broken.OnError("kubectl get --raw '/api/v1/namespaces/ns1/pods?allowWatchBookmarks", &runner.ExitError{Code: -1, Stderr: "signal: killed"})
	both := runnerFunc(func(ctx context.Context, c runner.Cmd) (runner.Result, error) {
		if strings.Contains(strings.Join(c.Args, " "), "/pods?allowWatchBookmarks") {
			return broken.Run(ctx, c)
		}
		return rec.Run(ctx, c)
	})
	w := &Watched{Kube: kube.New(both), App: "hello", Namespace: "ns1", Retry: 20 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.Start(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := w.State()
		if st != nil && err != nil {
			if !strings.Contains(err.Error(), "watching pods:") || len(st.Pods()) != 6 {
				t.Fatalf("%d pods, %v", len(st.Pods()), err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never stale: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// It keeps trying: the pods are listed again.
	for time.Now().Before(deadline) {
		n := 0
		for _, l := range strings.Split(rec.String(), "\n") {
			if strings.Contains(l, "/pods?labelSelector") {
				n++
			}
		}
		if n >= 3 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the pods' watch was not started again:\n%s", rec)
}

type runnerFunc func(context.Context, runner.Cmd) (runner.Result, error)

func (f runnerFunc) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) { return f(ctx, c) }
