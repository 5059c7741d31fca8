package rollout

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// load reads `kubectl get deployments,statefulsets,replicasets,pods -o
// json` captured from the lab.
func load(t *testing.T, name string) *objects {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var l struct{ Items []json.RawMessage }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	s := newObjects()
	for _, raw := range l.Items {
		d, err := decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		s.set(d, false)
	}
	return s
}

func TestCrashLoopOfTheNewTemplateFailsFast(t *testing.T) {
	st := evaluate(load(t, "crashloop.json"), "hello")
	if st.Done() {
		t.Fatal("done while the new pod crashes")
	}
	f := st.Failure
	if f == nil || f.Reason != "CrashLoopBackOff" || f.Proc != "web" || !f.Crashed || !strings.HasPrefix(f.Pod, "hello-web-") {
		t.Fatalf("failure %+v", f)
	}
	if len(st.Procs) != 1 || st.Procs[0].Old != 1 || st.Procs[0].Ready != 0 || st.Procs[0].Updated != 1 {
		t.Fatalf("procs %+v", st.Procs)
	}
	if got := st.Procs[0].Line(); got != "hello-web: 1/1 updated, 0/1 ready, 1 old" {
		t.Error(got)
	}
}

func TestHealthyRolloutIsDone(t *testing.T) {
	st := evaluate(load(t, "done.json"), "hello")
	if !st.Done() || st.Failure != nil {
		t.Fatalf("%+v\n%s", st, st.Table())
	}
}

func TestPodFailureReasons(t *testing.T) {
	mk := func(js string) kube.Pod {
		p, err := kube.ParsePod(json.RawMessage(js))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]string{
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"containerStatuses":[{"name":"c","state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}`:                                                                    "ImagePullBackOff",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"containerStatuses":[{"name":"c","state":{"waiting":{"reason":"CreateContainerConfigError","message":"couldn't find key X in Secret a-env"}}}]}}`:          "CreateContainerConfigError",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"containerStatuses":[{"name":"c","restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"reason":"OOMKilled"}}}]}}`: "OOMKilled",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/1 nodes are available"}]}}`:                                    "Unschedulable",
		`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"containerStatuses":[{"name":"c","state":{"waiting":{"reason":"ContainerCreating"}}}]}}`:                                                                   "",
	}
	for js, want := range cases {
		f := podFailure(mk(js), "a")
		got := ""
		if f != nil {
			got = f.Reason
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", js, got, want)
		}
	}
}

func TestExplainPrintsEventsLogsAndNext(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get events", `{"items":[{"involvedObject":{"kind":"Pod","name":"p"},"type":"Warning","reason":"BackOff","message":"Back-off restarting failed container","count":3,"lastTimestamp":"2026-01-01T00:00:02Z"},{"involvedObject":{"kind":"Pod","name":"p"},"type":"Normal","reason":"Scheduled","message":"assigned","lastTimestamp":"2026-01-01T00:00:00Z"}]}`, 0)
	rec.On("kubectl logs p --tail=20 -c c --previous", "boom\n", 0)
	var b strings.Builder
	err := Explain(context.Background(), rec, &b, Failure{Pod: "p", Container: "c", Proc: "web", Reason: "CrashLoopBackOff", Crashed: true})
	out := b.String()
	for _, want := range []string{"pod p (proc web) cannot start: CrashLoopBackOff", "  Normal Scheduled: assigned\n  Warning BackOff: Back-off restarting failed container (x3)", "last log lines of p:\n  boom"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "CrashLoopBackOff") {
		t.Fatal(err)
	}
}

// A look older than one already taken (a list read after the watch told a
// newer version) changes nothing; a deleted object stays deleted.
func TestOlderVersionsAreIgnored(t *testing.T) {
	mk := func(rv, gen string) decoded {
		d, err := decode(json.RawMessage(`{"kind":"Deployment","metadata":{"name":"web","resourceVersion":"` + rv + `","generation":` + gen + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	s := newObjects()
	s.set(mk("10", "2"), false)
	s.set(mk("7", "1"), false)
	if g := s.workloads["Deployment/web"].Metadata.Generation; g != 2 {
		t.Errorf("generation %d after an older look", g)
	}
	s.set(mk("12", "2"), true)
	s.set(mk("11", "2"), false)
	if _, ok := s.workloads["Deployment/web"]; ok {
		t.Error("an older look brought a deleted object back")
	}
}
