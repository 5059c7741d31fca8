package admin

import (
	"context"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/runner"
)

// admin status streams the pods from kubectl get --raw (the API server's
// own JSON, as in internal/kube/testdata/watch/pods-list.json).
func TestStatusPodsStreamsTheRawList(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get --raw /api/v1/pods", `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[
	 {"metadata":{"name":"b","namespace":"n2"},"status":{"phase":"Running","containerStatuses":[{"name":"m","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}},
	 {"metadata":{"name":"a","namespace":"n2"},"spec":{"containers":[{"image":"x:1"}]},"status":{"phase":"Succeeded"}},
	 {"metadata":{"name":"z","namespace":"n1"},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","message":"no node"}]}}]}`, 0)
	pods, err := Kubectl{Runner: rec}.StatusPods(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pods {
		got = append(got, p.Namespace+"/"+p.Name+":"+p.Reason)
	}
	if strings.Join(got, " ") != "n1/z:Pending/Unschedulable n2/a: n2/b:CrashLoopBackOff" || pods[1].Images[0] != "x:1" {
		t.Errorf("%v", got)
	}

	refused := &runner.Recorder{}
	refused.OnError("kubectl get --raw", &runner.ExitError{Name: "kubectl", Code: 1, Stderr: `Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:ns:viewer" cannot list resource "pods" in API group "" at the cluster scope`})
	_, err = Kubectl{Runner: refused}.StatusPods(context.Background(), true)
	if !forbidden(err) || !strings.Contains(err.Error(), "may not list pods (at cluster scope)") {
		t.Errorf("a refusal: %v", err)
	}
	bad := &runner.Recorder{}
	bad.On("kubectl get --raw", `{"items":[{"metadata":`, 0)
	if _, err := (Kubectl{Runner: bad}).StatusPods(context.Background(), true); err == nil || !strings.Contains(err.Error(), "unexpected output") {
		t.Errorf("cut output: %v", err)
	}
}
