package rollout

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// A hook pod that cannot start is told once, however many looks see it;
// only the hook jobs' pods are asked for.
func TestHookWatchTellsOnce(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none")) // no in-process read: kubectl's line is recorded
	rec := &runner.Recorder{}
	rec.On("kubectl get --raw", `{"items":[{"metadata":{"name":"shop-migrate-x1","labels":{"job-name":"shop-migrate","app.kubernetes.io/instance":"shop-migrate"}},
"spec":{"containers":[{"name":"migrate","image":"reg/shop:1"}]},"status":{"phase":"Pending","containerStatuses":[{"name":"migrate","state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image"}}}]}}]}`, 0)
	var out bytes.Buffer
	h := &HookWatch{Client: kube.New(rec), Out: &out, Release: "shop", Jobs: []string{"shop-seed", "shop-migrate"},
		Timeout: 300 * time.Second, Patience: 10 * time.Millisecond, Every: 10 * time.Millisecond}
	stop := h.Start(context.Background())
	time.Sleep(150 * time.Millisecond)
	stop()
	want := "lain: helm is waiting for hook job shop-migrate, whose pod shop-migrate-x1 cannot start: ImagePullBackOff: Back-off pulling image\n" +
		"  helm fails the deploy when its --timeout (5m0s) runs out; to look now: kubectl describe pod shop-migrate-x1\n"
	if out.String() != want {
		t.Errorf("got %q", out.String())
	}
	if f := h.Failure(); f == nil || f.Proc != "migrate" || f.Reason != "ImagePullBackOff" {
		t.Errorf("failure: %+v", f)
	}
	if len(rec.Lines) < 2 || !strings.Contains(rec.Lines[0], "labelSelector=helm.sh%2Fchart%3Dshop%2Cjob-name+in+%28shop-migrate%2Cshop-seed%29") {
		t.Errorf("looks: %s", rec)
	}
}

// No hook jobs, no watch: a quick deploy never pays a look.
func TestHookWatchWithoutJobs(t *testing.T) {
	rec := &runner.Recorder{}
	h := &HookWatch{Client: kube.New(rec), Out: &bytes.Buffer{}, Release: "shop", Patience: time.Millisecond, Every: time.Millisecond}
	stop := h.Start(context.Background())
	time.Sleep(20 * time.Millisecond)
	stop()
	if len(rec.Lines) != 0 {
		t.Errorf("looked: %s", rec)
	}
}
