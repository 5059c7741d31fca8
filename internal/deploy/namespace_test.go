package deploy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/release"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/testenv"
)

// The namespace read in-process gives what kubectl prints: the same rows,
// labels, job statuses and images, on the lab's real API server (its
// kubeconfig uses a client certificate).
func TestNamespaceInProcessAsKubectl(t *testing.T) {
	kc := os.Getenv("LAB_KUBECONFIG")
	if kc == "" {
		testenv.Missing(t, "LAB_KUBECONFIG is not set: no lab (scripts/lab up; eval \"$(scripts/lab env)\")")
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		testenv.Missing(t, "kubectl is not on PATH (the lab env puts it there)")
	}
	b, err := os.ReadFile(kc)
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(t.TempDir(), "config")
	os.WriteFile(own, b, 0o600)
	env := append(os.Environ(), "KUBECONFIG="+own)
	rnd := make([]byte, 3)
	rand.Read(rnd)
	ns := "lain-nsread-test-" + hex.EncodeToString(rnd)
	kubectl := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command("kubectl", append([]string{"--kubeconfig", kc, "--namespace", ns}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatal(args, err, string(out))
		}
	}
	kubectl("", "create", "namespace", ns)
	t.Cleanup(func() { kubectl("", "delete", "namespace", ns, "--wait=false") })
	kubectl("", "--kubeconfig", own, "config", "set-context", "--current", "--namespace="+ns)
	kubectl(namespaceFixture, "apply", "-f", "-")
	// Settled first: the two reads come one after the other, and a job
	// that completes between them would differ (STATUS Running, Complete).
	kubectl("", "wait", "--for=condition=complete", "job/shop-migrate", "--timeout=90s")
	getenv := func(k string) string {
		if k == "KUBECONFIG" {
			return own
		}
		return os.Getenv(k)
	}
	var log bytes.Buffer
	r := runner.NewExec(runner.Options{Out: &log, ErrOut: &log, Env: env, Verbose: true})
	inProcess, err := readNamespace(context.Background(), r, getenv, true)
	if err != nil || strings.Contains(log.String(), "$ kubectl") || !strings.Contains(log.String(), "# read in-process: /api/v1/namespaces/"+ns+"/secrets") {
		t.Fatalf("%v\n%s", err, log.String())
	}
	viaKubectl, err := readNamespace(context.Background(), r, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := summarize(inProcess), summarize(viaKubectl); a != b || a == "" {
		t.Errorf("in-process:\n%s\nkubectl:\n%s", a, b)
	}
	// A server that does not answer: kubectl is asked, and says why.
	os.WriteFile(own, bytes.Replace(b, []byte("server: https://"), []byte("server: https://127.0.0.1:1/x"), 1), 0o600)
	log.Reset()
	if _, err := readNamespace(context.Background(), r, getenv, false); err == nil || !strings.Contains(log.String(), "# reading the namespace with kubectl: ") || !strings.Contains(log.String(), "$ kubectl get secrets,jobs") {
		t.Errorf("%v\n%s", err, log.String())
	}
}

// summarize is what deploy reads of the tables: each row's name, labels,
// and STATUS (jobs) or IMAGES column.
func summarize(tables []release.Table) string {
	var b strings.Builder
	labels := len(release.Labels) + len(extraLabels)
	for _, t := range tables {
		first := len(t.Header) - labels
		for _, row := range t.Rows {
			b.WriteString(row[0] + " " + strings.Join(row[first:], "|"))
			for i, h := range t.Header[:first] {
				if (h == "STATUS" && strings.HasPrefix(row[0], "job.")) || h == "IMAGES" {
					b.WriteString(" " + h + "=" + row[i])
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// namespaceFixture is a release record, the env Secret, a one-off job and
// a Deployment of the release.
const namespaceFixture = `apiVersion: v1
kind: Secret
metadata:
  name: sh.helm.release.v1.shop.v1
  labels: {owner: helm, name: shop, status: deployed, version: "1"}
type: helm.sh/release.v1
---
apiVersion: v1
kind: Secret
metadata: {name: shop-env}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: shop-migrate
  labels: {app.kubernetes.io/name: shop, lain.dev/one-off: "true"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "127.0.0.1:5000/lain/shop:1-a"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  labels: {helm.sh/chart: shop, app.kubernetes.io/name: shop}
spec:
  selector: {matchLabels: {app.kubernetes.io/instance: shop-web}}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: shop-web, helm.sh/chart: shop}
    spec:
      containers: [{name: web, image: "127.0.0.1:5000/lain/shop:1-a"}, {name: side, image: "busybox:1"}]
`
