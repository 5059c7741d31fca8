//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Bare pods with restartPolicy Never (what `helm test` creates) finish, as
// their command would on a real node, so `helm test` returns.
func TestLabBarePodsRunToCompletion(t *testing.T) {
	ns := NewNamespace(t)
	r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "-n", ns, "apply", "-f", "-"}, Stdin: fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: %s
`, Lab.BaseImage)})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	Eventually(t, 30*time.Second, "pod once Succeeded", func() error {
		phase := KubectlQuiet(t, ns, "get", "pod", "once", "-o", "jsonpath={.status.phase}").Stdout
		if strings.TrimSpace(phase) != "Succeeded" {
			return fmt.Errorf("phase %q", phase)
		}
		return nil
	})
}
