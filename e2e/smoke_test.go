//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLabSmoke proves the stack: docker build FROM the lab base image, push to
// the lab registry, helm install a chart using the image, pods Running,
// kubectl logs and exec through kwok.
func TestLabSmoke(t *testing.T) {
	ns := NewNamespace(t)
	image := Lab.Registry + "/e2e-smoke:" + ns

	// docker build --pull FROM $LAB_BASE_IMAGE (pulled from the lab registry), push.
	ctx := t.TempDir()
	WriteFiles(t, ctx, map[string]string{
		"Dockerfile": "ARG BASE\nFROM $BASE\nRUN echo smoke-ok > /smoke.txt\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\"]\n",
	})
	if r := Run(t, "docker", Cmd{Args: []string{"build", "--pull", "--build-arg", "BASE=" + Lab.BaseImage, "-t", image, "."}, Dir: ctx}); r.Code != 0 {
		t.Fatalf("docker build: %s", r)
	}
	if r := MustRun(t, "docker", "run", "--rm", "--network", "none", image, "cat", "/smoke.txt"); strings.TrimSpace(r.Stdout) != "smoke-ok" {
		t.Fatalf("docker run: got %q", r.Stdout)
	}
	MustRun(t, "docker", "push", image)
	tags := registryTags(t, strings.TrimPrefix(Lab.Registry, "127.0.0.1:5000/")+"/e2e-smoke")
	if !contains(tags, ns) {
		t.Fatalf("registry tags %v do not contain %s", tags, ns)
	}

	// helm install a tiny chart using the image.
	chart := t.TempDir()
	WriteFiles(t, chart, map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: smoke\nversion: 0.1.0\n",
		"values.yaml": "image: \"\"\nreplicas: 2\n",
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        ports: [{containerPort: 8080}]
`,
	})
	kc := []string{"KUBECONFIG=" + Lab.Kubeconfig}
	if r := Run(t, "helm", Cmd{Args: []string{"install", "smoke", chart, "-n", ns, "--set", "image=" + image, "--wait", "--timeout", "2m"}, Env: kc}); r.Code != 0 {
		t.Fatalf("helm install: %s", r)
	}
	if r := Run(t, "helm", Cmd{Args: []string{"status", "smoke", "-n", ns}, Env: kc}); r.Code != 0 || !strings.Contains(r.Stdout, "STATUS: deployed") {
		t.Fatalf("helm status: %s", r)
	}
	MustKubectl(t, ns, "rollout", "status", "deployment/smoke", "--timeout=60s")
	pods := MustKubectl(t, ns, "get", "pods", "-l", "app=smoke", "-o", "jsonpath={range .items[*]}{.status.phase} {.spec.containers[0].image}{\"\\n\"}{end}")
	lines := strings.Split(strings.TrimSpace(pods), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 pods, got %q", pods)
	}
	for _, l := range lines {
		if l != "Running "+image {
			t.Fatalf("pod not Running with %s: %q", image, l)
		}
	}

	// kubectl logs / exec via kwok.
	if out := MustKubectl(t, ns, "logs", "deployment/smoke"); !strings.Contains(out, "hello from the lab") {
		t.Fatalf("kubectl logs: %q", out)
	}
	if out := MustKubectl(t, ns, "exec", "deployment/smoke", "--", "cat", "lab-exec.txt"); strings.TrimSpace(out) != "hello from the lab exec dir" {
		t.Fatalf("kubectl exec cat: %q", out)
	}
	if out := MustKubectl(t, ns, "exec", "deployment/smoke", "--", "sh", "-c", "echo $((6*7))"); strings.TrimSpace(out) != "42" {
		t.Fatalf("kubectl exec sh: %q", out)
	}

	// helm upgrade + rollback behave as on a real cluster.
	if r := Run(t, "helm", Cmd{Args: []string{"upgrade", "smoke", chart, "-n", ns, "--set", "image=" + image, "--set", "replicas=1", "--wait", "--timeout", "2m"}, Env: kc}); r.Code != 0 {
		t.Fatalf("helm upgrade: %s", r)
	}
	if r := Run(t, "helm", Cmd{Args: []string{"rollback", "smoke", "1", "-n", ns, "--wait", "--timeout", "2m"}, Env: kc}); r.Code != 0 {
		t.Fatalf("helm rollback: %s", r)
	}
}

// TestLabSimulatedFailures checks the lab's kwok stages: pods labelled
// lain-lab/simulate=crashloop|imagepull|fail.
func TestLabSimulatedFailures(t *testing.T) {
	ns := NewNamespace(t)
	pod := func(name, simulate, restart string) string {
		return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  labels: {lain-lab/simulate: %s}
spec:
  restartPolicy: %s
  containers:
  - name: app
    image: %s
`, name, simulate, restart, Lab.BaseImage)
	}
	job := fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata:
  name: failing
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {lain-lab/simulate: fail}
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: %s
`, Lab.BaseImage)
	manifest := strings.Join([]string{
		pod("crash", "crashloop", "Always"),
		pod("nopull", "imagepull", "Always"),
		pod("fails", "fail", "Always"),
		job,
	}, "---\n")
	if r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "-n", ns, "apply", "-f", "-"}, Stdin: manifest}); r.Code != 0 {
		t.Fatalf("kubectl apply: %s", r)
	}

	t.Run("crashloop", func(t *testing.T) {
		Eventually(t, 90*time.Second, "pod crash in CrashLoopBackOff with restarts", func() error {
			st := containerStatus(t, ns, "crash")
			if st.State.Waiting.Reason != "CrashLoopBackOff" || st.LastState.Terminated.ExitCode != 1 || st.RestartCount < 1 {
				return fmt.Errorf("status %+v", st)
			}
			return nil
		})
		// kubectl shows it like a real cluster does.
		if out := MustKubectl(t, ns, "get", "pod", "crash", "--no-headers"); !strings.Contains(out, "CrashLoopBackOff") {
			t.Fatalf("kubectl get pod: %q", out)
		}
	})
	t.Run("imagepull", func(t *testing.T) {
		Eventually(t, 60*time.Second, "pod nopull in ImagePullBackOff", func() error {
			if st := containerStatus(t, ns, "nopull"); st.State.Waiting.Reason != "ImagePullBackOff" {
				return fmt.Errorf("status %+v", st)
			}
			return nil
		})
	})
	t.Run("fail", func(t *testing.T) {
		Eventually(t, 60*time.Second, "pod fails terminated with exit code 1", func() error {
			if st := containerStatus(t, ns, "fails"); st.State.Terminated.ExitCode != 1 {
				return fmt.Errorf("status %+v", st)
			}
			return nil
		})
		Eventually(t, 90*time.Second, "job failing to fail", func() error {
			out := KubectlQuiet(t, ns, "get", "job", "failing", "-o", "jsonpath={.status.failed} {.status.conditions[*].type}").Stdout
			if !strings.HasPrefix(out, "1 ") || !strings.Contains(out, "Failed") {
				return fmt.Errorf("job status %q", out)
			}
			return nil
		})
	})
}

type containerState struct {
	RestartCount int `json:"restartCount"`
	State        struct {
		Waiting struct {
			Reason string `json:"reason"`
		} `json:"waiting"`
		Terminated struct {
			ExitCode int    `json:"exitCode"`
			Reason   string `json:"reason"`
		} `json:"terminated"`
	} `json:"state"`
	LastState struct {
		Terminated struct {
			ExitCode int `json:"exitCode"`
		} `json:"terminated"`
	} `json:"lastState"`
}

func containerStatus(t testing.TB, ns, pod string) containerState {
	t.Helper()
	var st containerState
	r := KubectlQuiet(t, ns, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0]}")
	if r.Code != 0 {
		t.Fatalf("kubectl get pod %s: %s", pod, r)
	}
	if out := r.Stdout; strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("container status %q: %v", out, err)
		}
	}
	return st
}

func registryTags(t testing.TB, repo string) []string {
	t.Helper()
	resp, err := http.Get("http://127.0.0.1:5000/v2/" + repo + "/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var v struct {
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("registry %s: %s: %v", repo, body, err)
	}
	return v.Tags
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
