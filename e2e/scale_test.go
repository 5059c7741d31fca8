//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// scalePods is enough pods to keep the paths that page through many pods
// covered; make bench SCALE=1 measures the large sizes (docs/performance.md).
const scalePods = 500

// TestScaleStatusWaitCompletion: status -s, wait, proc and pod completion
// on an app with 500 pods. The pods run on kwok nodes of the test's own (tainted,
// so no other test's pods land there; lab-node holds only 110 pods).
func TestScaleStatusWaitCompletion(t *testing.T) {
	ns := Namespace(t)
	home := NewUserHome(t)
	dir := NewAppDir(t)
	if r := LainArgs(t, "", home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	if r := Lain(t, Cmd{Args: []string{"init", "--yes"}, Dir: dir, Home: home}); r.Code != 0 {
		t.Fatalf("lain init: %s", r)
	}
	var nodes []string
	var yaml strings.Builder
	for i := 0; i < 3; i++ { // 250 pods each: room to spare
		name := fmt.Sprintf("%s-node-%d", ns, i)
		nodes = append(nodes, name)
		fmt.Fprintf(&yaml, `---
apiVersion: v1
kind: Node
metadata:
  name: %[1]s
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: %[1]s, type: kwok, e2e-scale: %[2]s}
spec:
  taints: [{key: e2e-scale, value: %[2]s, effect: NoSchedule}]
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
`, name, ns)
	}
	t.Cleanup(func() {
		// The namespace goes first (its cleanup was registered earlier, so
		// it runs later): delete the pods now so the nodes go empty.
		Kubectl(t, ns, "delete", "deployment", "hello-web", "--wait=false")
		Kubectl(t, "", append([]string{"delete", "node", "--wait=false"}, nodes...)...)
	})
	fmt.Fprintf(&yaml, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-web
  labels: {app.kubernetes.io/name: hello, app.kubernetes.io/instance: hello-web}
spec:
  replicas: %d
  selector:
    matchLabels: {app.kubernetes.io/name: hello, app.kubernetes.io/instance: hello-web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: hello, app.kubernetes.io/instance: hello-web}
    spec:
      nodeSelector: {e2e-scale: %s}
      tolerations: [{key: e2e-scale, operator: Exists, effect: NoSchedule}]
      automountServiceAccountToken: false
      containers:
      - name: web
        image: %s
`, scalePods, ns, Lab.BaseImage)
	if r := Run(t, "kubectl", Cmd{Args: []string{"-n", ns, "apply", "-f", "-"}, Stdin: yaml.String(), Home: home}); r.Code != 0 {
		t.Fatalf("kubectl apply: %s", r)
	}
	// kwok on a busy 2-core machine starts ~15-20 pods a second.
	Eventually(t, 10*time.Minute, fmt.Sprintf("%d pods Running", scalePods), func() error {
		r := KubectlQuiet(t, ns, "get", "pods", "--field-selector", "status.phase=Running", "--no-headers", "-o", "name")
		if n := strings.Count(r.Stdout, "\n"); n < scalePods {
			return fmt.Errorf("%d of %d Running", n, scalePods)
		}
		return nil
	})
	lain := func(args ...string) Result {
		t.Helper()
		return Lain(t, Cmd{Args: args, Dir: dir, Home: home, Timeout: 3 * time.Minute})
	}
	if r := lain("status", "-s"); r.Code != 0 || !strings.Contains(r.Stdout, fmt.Sprintf("deployment hello-web: %d/%d ready", scalePods, scalePods)) {
		t.Errorf("lain status -s: want exit 0 and hello-web %d/%d ready: %s", scalePods, scalePods, r)
	}
	if r := lain("wait"); r.Code != 0 {
		t.Errorf("lain wait on a settled app: %s", r)
	}
	if r := lain("__complete", "logs", ""); r.Code != 0 || !strings.HasPrefix(r.Stdout, "web\n") {
		t.Errorf("completion of proc names: want web first: %s", r)
	}
	// Pod names: every running pod within 300 ms, or none, never a hung
	// shell; kubectl alone may take longer than that to start on the
	// loaded lab, so the listing itself is checked with a longer bound.
	for _, bound := range []string{"", "20s"} {
		start := time.Now()
		r := Lain(t, Cmd{Args: []string{"__complete", "x", "hello-web-"}, Dir: dir, Home: home, Env: []string{"LAIN_COMPLETION_TIMEOUT=" + bound}, Quiet: true})
		took := time.Since(start)
		n := strings.Count(r.Stdout, "\tpod, ready 1/1\n")
		switch {
		case bound == "" && took > 1500*time.Millisecond: // lain's own start is up to 1 s on the loaded lab
			t.Errorf("pod completion took %s", took)
		case n != scalePods && (bound != "" || n != 0):
			t.Errorf("pod completion (bound %q): %d of %d pods", bound, n, scalePods)
		}
		t.Logf("pod completion (bound %q): %d pods in %s", bound, n, took)
	}
}
