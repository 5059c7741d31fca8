package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// byKind reads a `kubectl get deployments,replicasets,pods -o json` the
// lab answered (testdata), as items by kind and name.
func byKind(t *testing.T, file string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var l struct{ Items []json.RawMessage }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	out := map[string]json.RawMessage{}
	for _, raw := range l.Items {
		d, err := decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		out[d.kind+"/"+d.name] = raw
	}
	return out
}

func rawList(items ...json.RawMessage) string {
	b, _ := json.Marshal(map[string]any{"metadata": map[string]string{"resourceVersion": "1"}, "items": items})
	return string(b)
}

func events(typ string, items ...json.RawMessage) string {
	var b strings.Builder
	for _, raw := range items {
		fmt.Fprintf(&b, "{\"type\":%q,\"object\":%s}\n", typ, raw)
	}
	return b.String()
}

// on answers the list (watch false) or the watch of kind in namespace lab.
func on(rec *runner.Recorder, kind string, watch bool, out string) {
	group := "/apis/apps/v1"
	if kind == "pods" {
		group = "/api/v1"
	}
	prefix := "kubectl get --raw '" + group + "/namespaces/lab/" + kind + "?"
	if watch {
		rec.OnStream(prefix+"allowWatchBookmarks=true&labelSelector=helm.sh%2Fchart%3Dhello&resourceVersion=", out)
		return
	}
	rec.On(prefix+"labelSelector=helm.sh%2Fchart%3Dhello'", out, 0)
}

const (
	listAll       = "kubectl get deployments,statefulsets,replicasets,pods -l helm.sh/chart=hello -o json"
	listWorkloads = "kubectl get deployments,statefulsets,replicasets -l helm.sh/chart=hello -o json"
)

// labRollout answers a rollout of hello (a testdata file): the list has
// its Deployment, its ReplicaSets and the listed pods; the pods watch
// streams podEvents; the other watches stay quiet.
func labRollout(t *testing.T, file string, listed []string, podEvents string) *runner.Recorder {
	objs := byKind(t, file)
	rec := &runner.Recorder{}
	var items []json.RawMessage
	for key, raw := range objs {
		if !strings.HasPrefix(key, "Pod/") {
			items = append(items, raw)
		}
	}
	for _, name := range listed {
		items = append(items, objs["Pod/"+name])
	}
	first(rec, items...)
	on(rec, "pods", true, podEvents)
	on(rec, "deployments", true, "")
	on(rec, "replicasets", true, "")
	return rec
}

// first answers the first look: the workloads' list and the pods' (a
// get --raw beside it).
func first(rec *runner.Recorder, items ...json.RawMessage) {
	var workloads, pods []json.RawMessage
	for _, raw := range items {
		if d, _ := decode(raw); d.kind == "Pod" {
			pods = append(pods, raw)
		} else {
			workloads = append(workloads, raw)
		}
	}
	rec.On(listWorkloads, rawList(workloads...), 0)
	on(rec, "pods", false, rawList(pods...))
}

func ran(rec *runner.Recorder, prefix string) int {
	n := 0
	for _, l := range strings.Split(rec.String(), "\n") {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// The last pod gets ready on the watch: the rollout is done after one list
// of each kind (no poll), the StatefulSets (there are none) not watched.
func TestTrackerFollowsTheWatch(t *testing.T) {
	done := byKind(t, "done.json")
	for _, tty := range []bool{true, false} {
		rec := labRollout(t, "done.json", []string{"hello-web-766ff6df9c-jrf96"}, events("ADDED", done["Pod/hello-web-766ff6df9c-pbqwg"]))
		var b strings.Builder
		tr := &Tracker{Runner: rec, Out: &b, TTY: tty, Release: "hello", Namespace: "lab", Timeout: 10 * time.Second}
		st, err := tr.Wait(context.Background())
		if err != nil || !st.Done() {
			t.Fatal(err, st, rec)
		}
		want := "rollout: hello-web: 2/2 updated, 2/2 ready (done)\n"
		if tty {
			want = fmt.Sprintf("%-32s %8d %8d %8d %6d  ok\n", "hello-web", 2, 2, 2, 0)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("tty=%v: %q", tty, b.String())
		}
		if ran(rec, listWorkloads) != 1 || ran(rec, "kubectl get --raw '/api/v1/namespaces/lab/pods?labelSelector") != 1 || ran(rec, listAll) != 0 || len(rec.Notes) > 0 {
			t.Errorf("listed more than once, or polled:\n%s\nnotes %q", rec, rec.Notes)
		}
		// The pods' watch goes on from their list's version.
		if ran(rec, "kubectl get --raw '/api/v1/namespaces/lab/pods?allowWatchBookmarks=true&labelSelector=helm.sh%2Fchart%3Dhello&resourceVersion=1&watch=1'") != 1 {
			t.Errorf("the pods watch does not start from the list's version:\n%s", rec)
		}
		if ran(rec, "kubectl get --raw '/apis/apps/v1/namespaces/lab/statefulsets?allow") > 0 {
			t.Errorf("watched statefulsets there are none of:\n%s", rec)
		}
		for _, c := range rec.Cmds {
			if !c.Quiet || c.Mutates {
				t.Errorf("not a quiet query: %+v", c)
			}
		}
	}
}

// A new pod crashing on the watch stops the rollout with the reason, its
// events and its last log lines.
func TestTrackerFailsFastWithTheReason(t *testing.T) {
	crash := byKind(t, "crashloop.json")
	rec := labRollout(t, "crashloop.json", []string{"hello-web-766ff6df9c-jrf96"}, events("ADDED", crash["Pod/hello-web-c47d69d67-bpgkn"]))
	rec.On("kubectl logs hello-web-c47d69d67-bpgkn", "boom\n", 0)
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 10 * time.Second}
	_, err := tr.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "CrashLoopBackOff") || !strings.Contains(b.String(), "cannot start: CrashLoopBackOff") || !strings.Contains(b.String(), "  boom") {
		t.Fatal(err, b.String())
	}
}

// lists answers the first list, then every poll, in turn (they run one
// after the other).
type lists struct {
	*runner.Recorder
	answers []string
	n       int
}

func (l *lists) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	if line := runner.CommandLine(runner.Masker{}, c.Name, c.Args); line == listAll {
		out := l.answers[min(l.n, len(l.answers)-1)]
		l.n++
		return runner.Result{Stdout: []byte(out)}, nil
	}
	return l.Recorder.Run(ctx, c)
}

// When a watch breaks (kubectl killed), the tracker polls instead and
// says so under --verbose only.
func TestTrackerPollsWhenTheWatchBreaks(t *testing.T) {
	done := byKind(t, "done.json")
	all, _ := os.ReadFile("testdata/done.json")
	rec := &runner.Recorder{}
	rec.On("kubectl get --raw '/api/v1/namespaces/lab/pods?allow", "", -1)
	on(rec, "deployments", true, "")
	on(rec, "replicasets", true, "")
	first(rec, done["Deployment/hello-web"], done["ReplicaSet/hello-web-766ff6df9c"], done["ReplicaSet/hello-web-c47d69d67"], done["Pod/hello-web-766ff6df9c-jrf96"])
	r := &lists{Recorder: rec, answers: []string{string(all)}}
	var b strings.Builder
	tr := &Tracker{Runner: r, Out: &b, Release: "hello", Namespace: "lab", Interval: time.Millisecond}
	st, err := tr.Wait(context.Background())
	if err != nil || !st.Done() || r.n != 1 {
		t.Fatal(err, st, rec)
	}
	if len(rec.Notes) != 1 || !strings.Contains(rec.Notes[0], "watching pods: the watch broke") || !strings.Contains(rec.Notes[0], "polling every 1ms instead") {
		t.Errorf("notes %q", rec.Notes)
	}
	if strings.Contains(b.String(), "broke") {
		t.Errorf("said so without --verbose: %q", b.String())
	}
}

// Out of time, or stopped (Ctrl-C): the watches end with the tracker.
func TestTrackerTimeoutAndCancel(t *testing.T) {
	rec := labRollout(t, "crashloop.json", []string{"hello-web-766ff6df9c-jrf96"}, "")
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 200 * time.Millisecond}
	_, err := tr.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "hello is not ready after 200ms") {
		t.Fatalf("err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	tr = &Tracker{Runner: labRollout(t, "crashloop.json", nil, ""), Out: &b, Release: "hello", Namespace: "lab"}
	if _, err := tr.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

// Watches that go quiet are checked against a list: one that missed the
// end of the rollout does not hang it.
func TestTrackerChecksQuietWatches(t *testing.T) {
	all, _ := os.ReadFile("testdata/done.json")
	rec := labRollout(t, "done.json", []string{"hello-web-766ff6df9c-jrf96"}, "")
	rec.On(listAll, string(all), 0)
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 10 * time.Second, silence: 50 * time.Millisecond}
	st, err := tr.Wait(context.Background())
	if err != nil || !st.Done() || !strings.Contains(b.String(), "2/2 ready (done)") {
		t.Fatal(err, st, b.String())
	}
}

// A settled release (lain wait on an app that runs) is one look (two
// lists side by side): no watch starts.
func TestTrackerSettledIsOneList(t *testing.T) {
	var items []json.RawMessage
	for _, raw := range byKind(t, "done.json") {
		items = append(items, raw)
	}
	rec := &runner.Recorder{}
	first(rec, items...)
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 10 * time.Second}
	st, err := tr.Wait(context.Background())
	if err != nil || !st.Done() || len(rec.Cmds) != 2 || !strings.Contains(b.String(), "2/2 ready (done)") {
		t.Fatal(err, st, rec, b.String())
	}
}

// A release of Deployments only is watched as pods, Deployments and
// their ReplicaSets: nothing of StatefulSets.
func TestTrackerWatchesOnlyTheKindsListed(t *testing.T) {
	rec := labRollout(t, "crashloop.json", []string{"hello-web-766ff6df9c-jrf96"}, "")
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 200 * time.Millisecond}
	if _, err := tr.Wait(context.Background()); err == nil {
		t.Fatal("done")
	}
	for kind, want := range map[string]int{"pods": 1, "deployments": 1, "replicasets": 1, "statefulsets": 0} {
		if n := strings.Count(rec.String(), "/"+kind+"?allowWatchBookmarks"); n != want {
			t.Errorf("%d watches of %s:\n%s", n, kind, rec)
		}
	}
}

// A pod of a ReplicaSet the list did not have, failing: the new template
// fails (the controller made that ReplicaSet after the upgrade).
func TestTrackerBlamesANewReplicaSet(t *testing.T) {
	crash := byKind(t, "crashloop.json")
	rec := &runner.Recorder{}
	first(rec, crash["Deployment/hello-web"], crash["ReplicaSet/hello-web-766ff6df9c"], crash["Pod/hello-web-766ff6df9c-jrf96"])
	on(rec, "pods", true, events("ADDED", crash["Pod/hello-web-c47d69d67-bpgkn"]))
	on(rec, "replicasets", true, events("ADDED", crash["ReplicaSet/hello-web-c47d69d67"]))
	on(rec, "deployments", true, "")
	rec.On("kubectl logs", "boom\n", 0)
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 10 * time.Second}
	start := time.Now()
	_, err := tr.Wait(context.Background())
	if err == nil || !strings.Contains(b.String(), "cannot start: CrashLoopBackOff") || time.Since(start) > 2*time.Second {
		t.Fatal(time.Since(start), err, b.String())
	}
}

// A pod of an older template failing (the last deploy's) is not this
// rollout's failure: it waits for it to go.
func TestTrackerDoesNotBlameTheLastDeploysPods(t *testing.T) {
	done := byKind(t, "done.json")
	crash := byKind(t, "crashloop.json")
	rec := &runner.Recorder{}
	first(rec, done["Deployment/hello-web"], done["ReplicaSet/hello-web-766ff6df9c"], done["ReplicaSet/hello-web-c47d69d67"], done["Pod/hello-web-766ff6df9c-jrf96"], done["Pod/hello-web-766ff6df9c-pbqwg"], crash["Pod/hello-web-c47d69d67-bpgkn"])
	on(rec, "pods", true, "")
	on(rec, "replicasets", true, "")
	on(rec, "deployments", true, "")
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Namespace: "lab", Timeout: 300 * time.Millisecond}
	_, err := tr.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not ready after") || strings.Contains(b.String(), "cannot start") || !strings.Contains(b.String(), "1 old") {
		t.Fatal(err, b.String())
	}
}
