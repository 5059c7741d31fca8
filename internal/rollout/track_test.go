package rollout

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

func TestTrackerTableOnATerminalLinesElsewhere(t *testing.T) {
	done, _ := os.ReadFile("testdata/done.json")
	for _, tty := range []bool{true, false} {
		rec := &runner.Recorder{}
		rec.On("kubectl get deployments,statefulsets,replicasets,pods -l helm.sh/chart=hello", string(done), 0)
		var b strings.Builder
		tr := &Tracker{Runner: rec, Out: &b, TTY: tty, Release: "hello", Interval: time.Millisecond}
		st, err := tr.Wait(context.Background())
		if err != nil || !st.Done() {
			t.Fatal(err, st)
		}
		want := "rollout: hello-web: 2/2 updated, 2/2 ready (done)\n"
		if tty {
			want = "PROC"
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("tty=%v: %q", tty, b.String())
		}
	}
}

func TestTrackerFailsFastWithTheReason(t *testing.T) {
	crash, _ := os.ReadFile("testdata/crashloop.json")
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments", string(crash), 0)
	var b strings.Builder
	tr := &Tracker{Runner: rec, Out: &b, Release: "hello", Interval: time.Millisecond}
	_, err := tr.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "CrashLoopBackOff") || !strings.Contains(b.String(), "cannot start: CrashLoopBackOff") {
		t.Fatal(err, b.String())
	}
}
