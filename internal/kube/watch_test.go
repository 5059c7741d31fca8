package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// The lab's real watch output (testdata/watch/README.md): a pod created,
// scheduled, then failing to pull its image, read one byte at a time as a
// slow pipe would hand it over.
func TestDecodeWatchReadsTheLabsStream(t *testing.T) {
	var got []string
	n, err := decodeWatch(iotest.OneByteReader(strings.NewReader(fixture(t, "watch/pods-watch.jsonl"))), func(e rawWatchEvent) error {
		p, err := parsePod(e.Object)
		if err != nil {
			return err
		}
		got = append(got, e.Type+" "+p.Name+" "+p.Status())
		return nil
	})
	want := []string{
		"ADDED cap-9c4cb74d-6k4ss Pending",
		"MODIFIED cap-9c4cb74d-6k4ss Pending",
		"MODIFIED cap-9c4cb74d-6k4ss ImagePullBackOff",
	}
	if err != nil || n != 3 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("n=%d err=%v\n%s", n, err, strings.Join(got, "\n"))
	}
}

// A stream cut in the middle of an event, or output that is no event,
// stops the decoder with a stream error after what came complete.
func TestDecodeWatchStopsAtTruncatedOrGarbledOutput(t *testing.T) {
	stream := fixture(t, "watch/pods-watch.jsonl")
	second := strings.Index(stream, "\n") + 1
	for name, in := range map[string]string{
		"truncated":  stream[:second+200],
		"garbled":    stream[:second] + "Error from server (Forbidden): pods is forbidden\n",
		"no type":    stream[:second] + `{"object":{}}`,
		"wrong type": stream[:second] + `{"type":["ADDED"]}`,
	} {
		var events int
		n, err := decodeWatch(strings.NewReader(in), func(rawWatchEvent) error { events++; return nil })
		var se *streamError
		if !errors.As(err, &se) || n != 1 || events != 1 {
			t.Errorf("%s: n=%d events=%d err=%v", name, n, events, err)
		}
	}
}

// fakeKubectl answers the list and the watch of one collection in turn,
// as kubectl get --raw would, from a script of answers.
type fakeKubectl struct {
	t       *testing.T
	answers []func(ctx context.Context, c runner.Cmd) (runner.Result, error)
	lines   []string
}

func (f *fakeKubectl) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	f.lines = append(f.lines, runner.CommandLine(runner.Masker{}, c.Name, c.Args))
	if len(f.answers) == 0 {
		f.t.Fatalf("unexpected %s", f.lines[len(f.lines)-1])
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a(ctx, c)
}

func listAnswer(body string) func(context.Context, runner.Cmd) (runner.Result, error) {
	return func(_ context.Context, c runner.Cmd) (runner.Result, error) {
		return runner.Result{Stdout: []byte(body)}, nil
	}
}

// streamAnswer writes stream, then stays open until its context ends
// (open) or exits with exit.
func streamAnswer(stream string, open bool, exit int) func(context.Context, runner.Cmd) (runner.Result, error) {
	return func(ctx context.Context, c runner.Cmd) (runner.Result, error) {
		if c.Stdout == nil {
			return runner.Result{}, errors.New("a watch must stream")
		}
		if _, err := c.Stdout.Write([]byte(stream)); err != nil {
			return runner.Result{}, err
		}
		if open {
			<-ctx.Done()
			return runner.Result{ExitCode: -1}, &runner.ExitError{Name: "kubectl", Code: -1}
		}
		if exit != 0 {
			return runner.Result{ExitCode: exit}, &runner.ExitError{Name: "kubectl", Line: "kubectl get --raw ...", Code: exit, Stderr: "signal: killed"}
		}
		return runner.Result{}, nil
	}
}

func podList(rv string, pods ...string) string {
	var items []string
	for _, p := range pods {
		name, prv, _ := strings.Cut(p, "@")
		items = append(items, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"lab","resourceVersion":%q}}`, name, prv))
	}
	return fmt.Sprintf(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":%q},"items":[%s]}`, rv, strings.Join(items, ","))
}

var errEnough = errors.New("enough")

// One list, then a watch from the list's version; the list's items get
// their kind back; each's own error ends the watch and is returned as is.
func TestWatchListsThenWatchesFromTheListsVersion(t *testing.T) {
	f := &fakeKubectl{t: t}
	f.answers = append(f.answers, listAnswer(fixture(t, "watch/pods-list.json")), streamAnswer(fixture(t, "watch/pods-watch.jsonl"), true, 0))
	var got []string
	err := New(f).WatchIn(context.Background(), "rollout-capture", "pods", "app=cap", func(e WatchEvent) error {
		if e.Type == WatchSynced {
			got = append(got, e.Type)
			return nil
		}
		p, err := parsePod(e.Object)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(e.Object), `{"kind":"Pod",`) {
			t.Errorf("no kind: %.40s", e.Object)
		}
		got = append(got, e.Type+" "+p.Name+" "+p.Status())
		if p.Status() == "ImagePullBackOff" {
			return errEnough
		}
		return nil
	})
	if err != errEnough {
		t.Fatalf("err %v", err)
	}
	want := "ADDED cap-689dbd8fff-5bn7z Running|SYNCED|ADDED cap-9c4cb74d-6k4ss Pending|MODIFIED cap-9c4cb74d-6k4ss Pending|MODIFIED cap-9c4cb74d-6k4ss ImagePullBackOff"
	if strings.Join(got, "|") != want {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	wantLines := []string{
		"kubectl get --raw '/api/v1/namespaces/rollout-capture/pods?labelSelector=app%3Dcap'",
		"kubectl get --raw '/api/v1/namespaces/rollout-capture/pods?allowWatchBookmarks=true&labelSelector=app%3Dcap&resourceVersion=154928&watch=1'",
	}
	if strings.Join(f.lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("ran\n%s", strings.Join(f.lines, "\n"))
	}
}

// When the API server no longer has the version (410 Gone), Watch lists
// again and delivers only what changed, deletions included; when the
// server ends a watch, it goes on from the last version it saw (bookmarks
// included).
func TestWatchListsAgainWhenTheVersionExpired(t *testing.T) {
	f := &fakeKubectl{t: t}
	f.answers = append(f.answers,
		listAnswer(podList("10", "a@5", "b@6")),
		streamAnswer(`{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}`+"\n", false, 0),
		streamAnswer(`{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 12 (40)","reason":"Expired","code":410}}`, false, 0),
		listAnswer(podList("40", "a@30", "c@31")),
		streamAnswer(`{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"c","namespace":"lab","resourceVersion":"41"}}}`, true, 0),
	)
	var got []string
	err := New(f).WatchIn(context.Background(), "lab", "pods", "", func(e WatchEvent) error {
		var m ObjectMeta
		if e.Object != nil {
			if err := json.Unmarshal(e.Object, &m); err != nil {
				t.Fatal(err)
			}
		}
		got = append(got, strings.TrimSpace(e.Type+" "+m.Metadata.Name))
		if e.Type == WatchDeleted && m.Metadata.Name == "c" {
			return errEnough
		}
		return nil
	})
	if err != errEnough {
		t.Fatalf("err %v", err)
	}
	if want := "ADDED a|ADDED b|SYNCED|MODIFIED a|ADDED c|DELETED b|SYNCED|DELETED c"; strings.Join(got, "|") != want {
		t.Errorf("events %s\nwant   %s", strings.Join(got, "|"), want)
	}
	for i, want := range []string{"pods", "resourceVersion=10&watch=1", "resourceVersion=12&watch=1", "pods", "resourceVersion=40&watch=1"} {
		if !strings.HasSuffix(f.lines[i], want) && !strings.HasSuffix(f.lines[i], want+"'") {
			t.Errorf("command %d: %s, want ...%s", i, f.lines[i], want)
		}
	}
}

// kubectl dying (killed, an error) or an error event breaks the watch: the
// caller is told, so that it can poll instead.
func TestWatchBreaksWhenKubectlDies(t *testing.T) {
	for name, watch := range map[string]func(context.Context, runner.Cmd) (runner.Result, error){
		"killed":       streamAnswer(`{"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"11"}}}`, false, -1),
		"error event":  streamAnswer(`{"type":"ERROR","object":{"kind":"Status","reason":"InternalError","message":"etcd is down","code":500}}`, true, 0),
		"ends at once": streamAnswer(``, false, 0),
	} {
		f := &fakeKubectl{t: t}
		f.answers = append(f.answers, listAnswer(podList("10")), watch)
		err := New(f).WatchIn(context.Background(), "lab", "pods", "", func(WatchEvent) error { return nil })
		if !errors.Is(err, ErrWatchBroken) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := New(&fakeKubectl{t: t}).WatchIn(context.Background(), "lab", "nodes", "", nil); err == nil || !strings.Contains(err.Error(), `unknown kind "nodes"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

// The real runner: kubectl's output reaches each as it comes, and when the
// caller stops (its own error, or its context), kubectl is gone, not
// orphaned.
func TestWatchStopsKubectl(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake kubectl is a shell script")
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	script := `#!/bin/sh
case "$3" in
*watch=1*) echo $$ >> ` + pidFile + `
  echo '{"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"11"}}}'
  exec sleep 60 ;;
*) echo '{"metadata":{"resourceVersion":"10"},"items":[]}' ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "kubectl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	r := runner.NewExec(runner.Options{Out: &stderr, ErrOut: &stderr, LookPath: func(string) (string, error) { return filepath.Join(dir, "kubectl"), nil }})
	for _, stop := range []string{"each", "context"} {
		ctx, cancel := context.WithCancel(context.Background())
		start := time.Now()
		err := New(r).WatchIn(ctx, "lab", "pods", "", func(e WatchEvent) error {
			if e.Type != WatchAdded {
				return nil
			}
			if stop == "each" {
				return errEnough
			}
			cancel()
			return nil
		})
		cancel()
		if want := map[string]error{"each": errEnough, "context": context.Canceled}[stop]; err != want {
			t.Errorf("stopped by %s: err %v", stop, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("stopped by %s after %s", stop, took)
		}
	}
	pids, _ := os.ReadFile(pidFile)
	if len(strings.Fields(string(pids))) != 2 {
		t.Fatalf("watches started: %q", pids)
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		for _, pid := range strings.Fields(string(pids)) {
			if _, err := os.Stat("/proc/" + pid); err == nil {
				t.Errorf("kubectl (pid %s) still runs after the watch stopped", pid)
			}
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("a quiet watch printed %q", stderr.String())
	}
}

// Whatever kubectl writes, the decoder returns (no panic, no hang) and
// never hands over an event without a type.
func FuzzDecodeWatch(f *testing.F) {
	stream, _ := os.ReadFile("testdata/watch/pods-watch.jsonl")
	f.Add(string(stream))
	f.Add(`{"type":"ERROR","object":{"code":410}}`)
	f.Add(`{"type":"ADDED"`)
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = decodeWatch(strings.NewReader(in), func(e rawWatchEvent) error {
			if e.Type == "" {
				t.Fatal("an event without a type")
			}
			return nil
		})
	})
}

// WatchFrom goes on from the caller's own list: no list of its own, no
// Synced, until the version expired; then the new list is told as a
// difference from what the caller had.
func TestWatchFromTheCallersList(t *testing.T) {
	f := &fakeKubectl{t: t}
	f.answers = append(f.answers,
		streamAnswer(`{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","namespace":"lab","resourceVersion":"12"}}}`+"\n"+
			`{"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410}}`, false, 0),
		listAnswer(podList("40", "a@12", "c@31")),
		streamAnswer("", true, 0),
	)
	var got []string
	err := New(f).WatchFrom(context.Background(), "lab", "pods", "", "11", map[string]string{"lab/a": "5", "lab/b": "6"}, func(e WatchEvent) error {
		var m ObjectMeta
		if e.Object != nil {
			if err := json.Unmarshal(e.Object, &m); err != nil {
				t.Fatal(err)
			}
		}
		got = append(got, strings.TrimSpace(e.Type+" "+m.Metadata.Name))
		if e.Type == WatchSynced {
			return errEnough
		}
		return nil
	})
	if err != errEnough {
		t.Fatalf("err %v", err)
	}
	if want := "MODIFIED a|ADDED c|DELETED b|SYNCED"; strings.Join(got, "|") != want {
		t.Errorf("events %s\nwant   %s", strings.Join(got, "|"), want)
	}
	if !strings.HasSuffix(f.lines[0], "resourceVersion=11&watch=1'") {
		t.Errorf("first command %s", f.lines[0])
	}
}

// ListFrom reads a collection with get --raw: its items, kind put in, and
// the list's resourceVersion (a watch goes on from it).
func TestListFromGivesItemsAndTheListsVersion(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get --raw '/api/v1/namespaces/lab/pods?labelSelector=app%3Dweb'",
		`{"metadata":{"resourceVersion":"42"},"items":[{"metadata":{"name":"web-1","namespace":"lab","resourceVersion":"40"}}]}`, 0)
	items, rv, err := New(rec).ListFrom(context.Background(), "lab", "pods", "app=web")
	if err != nil || rv != "42" || len(items) != 1 || !strings.HasPrefix(string(items[0]), `{"kind":"Pod",`) {
		t.Fatalf("rv %q err %v items %s\n%s", rv, err, items, rec)
	}
	if _, _, err := New(rec).ListFrom(context.Background(), "lab", "widgets", ""); err == nil {
		t.Fatal("an unknown kind listed")
	}
}
