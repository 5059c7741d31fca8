package kube

import (
	"context"
	"testing"

	"github.com/lain-cli/lain/internal/runner"
)

// Requests and limits are summed over a pod's containers; one container
// without a limit leaves the pod without one.
func TestSizes(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get pods -l app.kubernetes.io/name=hello -o json", `{"items":[
	 {"metadata":{"name":"a"},"spec":{"containers":[
	   {"resources":{"requests":{"cpu":"250m","memory":"128Mi"},"limits":{"cpu":"1","memory":"1Gi"}}},
	   {"resources":{"requests":{"cpu":"0.5","memory":"1G"},"limits":{"cpu":"500m","memory":"512Mi"}}}]}},
	 {"metadata":{"name":"b"},"spec":{"containers":[
	   {"resources":{"limits":{"cpu":"2"}}},
	   {"resources":{"limits":{"memory":"64Mi"}}}]}}]}`, 0)
	got, err := New(rec).Sizes(context.Background(), "app.kubernetes.io/name=hello")
	if err != nil {
		t.Fatal(err)
	}
	if a := got["a"]; a != (Sizing{CPURequest: 750, CPULimit: 1500, MemoryRequest: 128<<20 + 1e9, MemoryLimit: 1<<30 + 512<<20}) {
		t.Errorf("a: %+v", a)
	}
	if b := got["b"]; b != (Sizing{}) {
		t.Errorf("b: %+v", b)
	}
	for q, want := range map[string]float64{"400m": 400, "1": 1000, "0.25": 250, "1500000n": 1.5, "": 0, "x": 0, "-1": 0} {
		if CPUMillis(q) != want {
			t.Errorf("CPUMillis(%q) = %v", q, CPUMillis(q))
		}
	}
}

func TestTopNotYet(t *testing.T) {
	rec := &runner.Recorder{}
	rec.OnError("kubectl top pod", &runner.ExitError{Code: 1, Stderr: "error: metrics not available yet\n"})
	if _, err := New(rec).Top(context.Background(), "app.kubernetes.io/name=hello"); err != ErrMetricsNotYet {
		t.Fatal(err)
	}
}
