package statusview

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

var fixtureNow = time.Date(2026, 11, 25, 13, 48, 5, 0, time.UTC)

// collector answers from the lab's real kubectl output (internal/kube/testdata).
func collector(t *testing.T) (*Collector, *runner.Recorder) {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile("../kube/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments,statefulsets,cronjobs,jobs,ingresses -l app.kubernetes.io/name=hello -o json", read("app.json"), 0)
	rec.On("kubectl get --raw '/api/v1/namespaces/", read("app.json"), 0) // the pods
	rec.On("kubectl get events", read("events.json"), 0)
	rec.OnError("kubectl top pod", &runner.ExitError{Code: 1, Stderr: "error: Metrics API not available\n"})
	rec.On("kubectl logs hello-bad-6989fd8478-wfzsz --tail=10 -c hello-bad --previous", "lain-lab: previous container (simulated) exited with code 1\n", 0)
	// Every URL answers 200 without leaving the process.
	transport := roundTrip(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	})
	return &Collector{Kube: kube.New(rec), HTTP: &http.Client{Transport: transport}, App: "hello", Cluster: "lab", Namespace: "ns1", Now: func() time.Time { return fixtureNow }}, rec
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPlainReport(t *testing.T) {
	c, _ := collector(t)
	r, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WritePlain(&b, r, Links{Grafana: "https://g/d?x=1", Kibana: "http://k/app"})
	want := `hello on cluster lab (namespace ns1) at 2026-11-25 13:48:05

  POD                           STATUS            READY  RESTARTS  AGE  NODE
deployment hello-bad: 0/1 ready
  hello-bad-6989fd8478-wfzsz    CrashLoopBackOff  0/1    292       37m  lab-node
deployment hello-img: 0/1 ready
  hello-img-5b58984c4d-m7b7f    ImagePullBackOff  0/1    0         10s  lab-node
deployment hello-web: 2/2 ready
  hello-web-766ff6df9c-gk9vj    Running           1/1    0         20s  lab-node
  hello-web-766ff6df9c-mlv85    Running           1/1    0         20s  lab-node
cronjob hello-nightly: schedule "0 0 1 1 *"
  hello-nightly-manual-1-4wvth  Completed         0/1    0         18s  lab-node
job hello-91d20832 (one-off)
  hello-91d20832-twp8n          Completed         0/1    0         5m   lab-node

metrics: not available on this cluster (kubectl top needs the metrics API: metrics-server)

URLS
  http://hello.lab.local/  200 OK

PROBLEMS
hello-bad-6989fd8478-wfzsz: hello-bad: CrashLoopBackOff: back-off 10s restarting failed container=hello-bad pod=hello-bad-6989fd8478-wfzsz_scratch-issue9(ef7b810e-195e-433f-a101-92a2d2ebb5da); restarted 292 times, last exit 1 (Error)
  events:
    37m ago  Normal  Scheduled: Successfully assigned scratch-issue9/hello-bad-6989fd8478-wfzsz to lab-node
  last 1 log lines, previous run:
    lain-lab: previous container (simulated) exited with code 1
hello-img-5b58984c4d-m7b7f: hello-img: ImagePullBackOff: Back-off pulling image "nope.invalid/none:1"
  events:
    9s ago  Normal  Scheduled: Successfully assigned scratch-issue9/hello-img-5b58984c4d-m7b7f to lab-node

grafana: https://g/d?x=1
kibana:  http://k/app

hello is unhealthy on cluster lab: deployment hello-bad has 0 of 1 replicas ready; deployment hello-img has 0 of 1 replicas ready
`
	if b.String() != want {
		t.Fatalf("got\n%s", b.String())
	}
	if r.Healthy() {
		t.Error("healthy?")
	}
}

// kubectl top is asked once: a cluster without metrics is said so, and
// not asked again at the next refresh.
func TestMetricsAskedOnce(t *testing.T) {
	c, rec := collector(t)
	c.Collect(context.Background())
	c.Collect(context.Background())
	n := 0
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "kubectl top") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("kubectl top asked %d times", n)
	}
}

func TestURLProbes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			w.WriteHeader(503)
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/slow":
			time.Sleep(time.Second)
		}
	}))
	defer srv.Close()
	c := &Collector{ProbeTimeout: 200 * time.Millisecond}
	got := c.probe(context.Background(), []kube.Ingress{{URLs: []string{srv.URL + "/", srv.URL + "/down", srv.URL + "/moved", srv.URL + "/slow", "http://127.0.0.1:1/"}}})
	if got[0].Status != 200 || got[1].Status != 503 || !got[1].Bad() || got[2].Status != 302 || got[3].Err != "no answer in time" || got[4].Err == "" || got[4].Bad() {
		t.Fatalf("%+v", got)
	}
	r := &Report{State: &kube.App{Workloads: []kube.Workload{{Kind: "Deployment", Name: "hello-web", Desired: 1, Ready: 1}}}, URLs: got, App: "hello", Cluster: "lab"}
	if r.Healthy() || !strings.Contains(r.Summary(), srv.URL+"/down answers 503") {
		t.Error("a 5xx makes the app unhealthy:", r.Summary())
	}
}

// fakeTerminal records what the view draws and whether raw mode was undone.
type fakeTerminal struct {
	mu       sync.Mutex
	out      strings.Builder
	restored bool
	keys     *io.PipeWriter
}

func (f *fakeTerminal) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.Write(p)
}

func (f *fakeTerminal) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

func newFakeTerminal() (*fakeTerminal, Terminal) {
	pr, pw := io.Pipe()
	f := &fakeTerminal{keys: pw}
	return f, Terminal{In: pr, Out: f, Size: func() (int, int) { return 60, 12 },
		Raw: func() (func(), error) { return func() { f.restored = true }, nil }}
}

func waitDrawn(t *testing.T, f *fakeTerminal, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(f.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("never drew %q:\n%q", text, f.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLiveQuitsOnQAndRestores(t *testing.T) {
	c, _ := collector(t)
	f, term := newFakeTerminal()
	done := make(chan error)
	var interrupted bool
	go func() {
		var err error
		interrupted, err = Live(context.Background(), term, LiveOptions{Title: "hello on cluster lab", Interval: 50 * time.Millisecond, Now: c.Now, Collect: c.Collect})
		done <- err
	}()
	waitDrawn(t, f, "hello-web-766ff6df9c-gk9vj")
	f.keys.Write([]byte("q"))
	if err := <-done; err != nil || interrupted {
		t.Fatal(err, interrupted)
	}
	out := f.String()
	if !strings.HasPrefix(out, altScreenOn+cursorHide) || !strings.HasSuffix(out, cursorShow+altScreenOff) || !f.restored {
		t.Errorf("terminal not restored: %q", out[len(out)-40:])
	}
	// Lines are cut to the width (60) and the screen's height (12).
	if !strings.Contains(out, "... ") || !strings.Contains(out, "more lines: make the window taller") {
		t.Errorf("no overflow line:\n%q", out)
	}
	for _, l := range strings.Split(out, "\r\n") {
		if i := strings.Index(l, clearLine); i > 0 && len([]rune(stripEscapes(l[:i]))) > 60 {
			t.Errorf("line wider than the terminal: %q", l)
		}
	}
}

func stripEscapes(s string) string {
	for _, e := range []string{home, "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[2m", "\x1b[0m", altScreenOn, cursorHide, clearBelow} {
		s = strings.ReplaceAll(s, e, "")
	}
	return s
}

func TestLiveCtrlCAndErrors(t *testing.T) {
	f, term := newFakeTerminal()
	done := make(chan bool)
	go func() {
		interrupted, _ := Live(context.Background(), term, LiveOptions{Title: "x", Interval: time.Hour, Now: time.Now,
			Collect: func(context.Context) (*Report, error) { return nil, errors.New("dial tcp: connection refused") }})
		done <- interrupted
	}()
	waitDrawn(t, f, "could not read the app: dial tcp: connection refused")
	f.keys.Write([]byte{keyCtrlC})
	if !<-done || !f.restored {
		t.Fatal("Ctrl-C must interrupt and restore")
	}
}

func TestTruncate(t *testing.T) {
	if truncate("héllo wörld", 5) != "héll…" || truncate("ok", 5) != "ok" {
		t.Error(truncate("héllo wörld", 5))
	}
}
