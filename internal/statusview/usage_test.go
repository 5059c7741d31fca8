package statusview

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// With the metrics API, each pod's usage is shown against its requests
// and limits, and a pod above 90 % of its memory limit is warned about.
func TestUsageAgainstRequestsAndLimits(t *testing.T) {
	app, err := os.ReadFile("../kube/testdata/app.json")
	if err != nil {
		t.Fatal(err)
	}
	// The sizes come with the pods (no second listing of them).
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(app, &list); err != nil {
		t.Fatal(err)
	}
	for _, it := range list.Items {
		if name := it["metadata"].(map[string]any)["name"].(string); it["kind"] == "Pod" && strings.HasPrefix(name, "hello-web-") {
			ct := it["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			ct["resources"] = map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "256Mi"}, "limits": map[string]any{"cpu": "1", "memory": "1Gi"}}
		}
	}
	sizedJSON, _ := json.Marshal(list)
	sized := string(sizedJSON)
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments,statefulsets,cronjobs,jobs,ingresses -l app.kubernetes.io/name=hello -o json", sized, 0)
	rec.On("kubectl get --raw '/api/v1/namespaces/", sized, 0) // the pods
	rec.On("kubectl top pod -l app.kubernetes.io/name=hello --no-headers", "hello-web-766ff6df9c-gk9vj   400m   900Mi\nhello-web-766ff6df9c-mlv85   401m   950Mi\nhello-bad-6989fd8478-wfzsz   0m   0Mi\n", 0)
	c, _ := collector(t) // for its HTTP stub
	c.Kube = kube.New(rec)
	r, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WritePlain(&b, r, Links{})
	got := b.String()
	for _, want := range []string{
		"  POD                           STATUS            READY  RESTARTS  AGE  NODE      CPU (REQ/LIMIT)  MEMORY (REQ/LIMIT)\n",
		"  hello-web-766ff6df9c-gk9vj    Running           1/1    0         20s  lab-node  400m (100m/1)    900Mi (256Mi/1Gi)\n",
		"  hello-bad-6989fd8478-wfzsz    CrashLoopBackOff  0/1    292       37m  lab-node  0m (-/-)         0Mi (-/-)\n",
		"warning: hello-web-766ff6df9c-mlv85 uses 950Mi of memory, 93% of its limit 1Gi: past the limit it is OOMKilled (raise resources.limits.memory; lain lint --resources suggests one)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// 900Mi of 1Gi is 88 %: no warning
	if strings.Contains(got, "gk9vj uses") {
		t.Errorf("warned under 90%%:\n%s", got)
	}
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "kubectl get pods") {
			t.Errorf("the pods were listed twice: %s", rec)
		}
	}
}
