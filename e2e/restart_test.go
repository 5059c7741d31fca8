//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// lain restart recreates the app's proc pods and leaves the pods of its
// Jobs alone: deleting one would kill a migration or a lain job run.
func TestRestartLeavesJobPods(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy", "--wait")
	r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "apply", "-f", "-"}, Stdin: fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata:
  name: %[1]s-migrate
  labels: {app.kubernetes.io/name: %[1]s, helm.sh/chart: %[1]s}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: %[1]s, helm.sh/chart: %[1]s, app.kubernetes.io/instance: %[1]s-web}
    spec:
      restartPolicy: Never
      containers: [{name: job, image: %[2]s}]
`, d.name, Lab.BaseImage)})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	var jobPod string
	Eventually(t, 60*time.Second, "the job's pod", func() error {
		jobPod = strings.TrimSpace(KubectlQuiet(t, d.ns, "get", "pods", "-l", "job-name="+d.name+"-migrate", "-o", "jsonpath={.items[*].metadata.name}").Stdout)
		if jobPod == "" {
			return fmt.Errorf("no pod yet")
		}
		return nil
	})
	webPod := strings.TrimSpace(MustKubectl(t, d.ns, "get", "pods", "-l", "app.kubernetes.io/instance="+d.name+"-web,!job-name", "-o", "jsonpath={.items[*].metadata.name}"))
	for _, args := range [][]string{{"restart"}, {"restart", "web"}} {
		res := d.mustLain(args...)
		wantIn(t, res.Stderr, ",!job-name")
		now := MustKubectl(t, d.ns, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}")
		if !strings.Contains(now, jobPod) {
			t.Fatalf("lain %s deleted the job's pod %s: pods now %s\n%s", strings.Join(args, " "), jobPod, now, res.Stderr)
		}
	}
	Eventually(t, 60*time.Second, "web's pod to be replaced", func() error {
		now := MustKubectl(t, d.ns, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}")
		if strings.Contains(now, webPod) {
			return fmt.Errorf("web pod %s still there: %s", webPod, now)
		}
		return nil
	})
}
