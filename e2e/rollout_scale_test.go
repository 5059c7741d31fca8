//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// How late lain may notice what the API server already knows: a pod that
// cannot start (issue 18: 2 s), and the last pod getting ready (lain's own
// time over the rollout: 0.5 s).
const (
	failureNoticeBudget = 2 * time.Second
	doneNoticeBudget    = 500 * time.Millisecond
)

// TestRolloutNoticesFastAtScale: lain deploy --wait ends a healthy rollout
// within doneNoticeBudget of the last pod getting ready, and reports a pod
// that cannot pull its image within failureNoticeBudget of the API server
// recording it, at 200 replicas as at 2. "When the API server knew" is
// when a watch of the test's own saw it. lain runs with -v so that the log
// shows every kubectl it ran and how long each took.
func TestRolloutNoticesFastAtScale(t *testing.T) {
	for _, replicas := range []int{2, 200} {
		t.Run(fmt.Sprint(replicas), func(t *testing.T) {
			extra := ""
			if replicas > 100 {
				extra = ownNode(t) // lab-node holds 110 pods, shared
			}
			d := newDeployApp(t, "")
			editValues(t, d, func(v string) string {
				return strings.Replace(v, "    replicaCount: 1\n", fmt.Sprintf("    replicaCount: %d\n%s", replicas, extra), 1)
			})
			d.push("latest")
			seen := watchPods(t, d.ns, "helm.sh/chart="+d.name)

			run := lainTimed(t, d, "-v", "--ignore-lint", "deploy", "--wait")
			if run.code != 0 {
				t.Fatalf("healthy deploy failed:\n%s", run)
			}
			lastReady, n := seen.lastReady()
			doneAt, ok := run.at("(done)")
			if !ok || n < replicas {
				t.Fatalf("%d of %d pods seen ready; output:\n%s", n, replicas, run)
			}
			t.Logf("%d replicas: last pod ready %s, lain saw it done %s later, exited %s later",
				replicas, lastReady.Format("15:04:05.000"), doneAt.Sub(lastReady).Round(time.Millisecond), run.exit.Sub(lastReady).Round(time.Millisecond))
			if late := doneAt.Sub(lastReady); late > doneNoticeBudget {
				t.Errorf("%d replicas: the rollout was done %s before lain said so (budget %s)", replicas, late, doneNoticeBudget)
			}

			editValues(t, d, func(v string) string { return v + "labels:\n  lain-lab/simulate: imagepull\n" })
			run = lainTimed(t, d, "-v", "--ignore-lint", "deploy", "--wait")
			failedAt, ok := run.at("cannot start: ImagePullBackOff")
			known := seen.firstFailure()
			if run.code == 0 || !ok || known.IsZero() {
				t.Fatalf("failing deploy: exit %d, API server saw a failure at %s; output:\n%s", run.code, known, run)
			}
			t.Logf("%d replicas: first pod failing %s, lain reported it %s later",
				replicas, known.Format("15:04:05.000"), failedAt.Sub(known).Round(time.Millisecond))
			if late := failedAt.Sub(known); late > failureNoticeBudget {
				t.Errorf("%d replicas: lain reported the failing pod %s after the API server knew (budget %s)", replicas, late, failureNoticeBudget)
			}
		})
	}
}

// editValues rewrites the app's values.yaml.
func editValues(t *testing.T, d *deployApp, edit func(string) string) {
	t.Helper()
	p := d.dir + "/chart/values.yaml"
	v, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(edit(string(v))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ownNode adds a kwok node of 250 pods for this test only, tainted softly
// (PreferNoSchedule) so that other tests' pods keep to lab-node, and
// returns the web proc's values lines that put its pods there.
func ownNode(t *testing.T) string {
	t.Helper()
	ns := Namespace(t)
	name := ns + "-node"
	yaml := fmt.Sprintf(`apiVersion: v1
kind: Node
metadata:
  name: %[1]s
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: %[1]s, type: kwok, e2e-rollout: %[2]s}
spec:
  taints: [{key: e2e-rollout, value: %[2]s, effect: PreferNoSchedule}]
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
`, name, ns)
	if r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "apply", "-f", "-"}, Stdin: yaml}); r.Code != 0 {
		t.Fatalf("kubectl apply node: %s", r)
	}
	t.Cleanup(func() {
		// The namespace goes later (registered earlier): empty the node now.
		Kubectl(t, ns, "delete", "deployments", "--all", "--wait=false")
		Kubectl(t, "", "delete", "node", name, "--wait=false")
	})
	Eventually(t, time.Minute, "node "+name+" Ready", func() error {
		r := KubectlQuiet(t, "", "get", "node", name, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
		if strings.TrimSpace(r.Stdout) != "True" {
			return fmt.Errorf("not Ready: %q", r.Stdout)
		}
		return nil
	})
	return fmt.Sprintf("    affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: e2e-rollout, operator: In, values: [%s]}]}]}}}\n", ns)
}

// podWatch is what a watch of the test's own saw, and when.
type podWatch struct {
	mu      sync.Mutex
	ready   map[string]time.Time // pod -> when first seen ready
	failure time.Time            // first pod seen failing
}

func (w *podWatch) lastReady() (time.Time, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var last time.Time
	for _, at := range w.ready {
		if at.After(last) {
			last = at
		}
	}
	return last, len(w.ready)
}

func (w *podWatch) firstFailure() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure
}

// watchPods follows the pods matching sel with kubectl's own watch, in
// the background until the test ends.
func watchPods(t *testing.T, ns, sel string) *podWatch {
	t.Helper()
	path, err := lookPath("kubectl")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, "--kubeconfig", Lab.Kubeconfig, "-n", ns, "get", "pods", "-l", sel, "-o", "json", "--watch", "--output-watch-events")
	cmd.Env = labEnv("", nil)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &podWatch{ready: map[string]time.Time{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		dec := json.NewDecoder(out)
		for {
			var e struct {
				Object struct {
					Metadata struct{ Name string }
					Status   struct {
						Conditions        []struct{ Type, Status string }
						ContainerStatuses []struct {
							State struct {
								Waiting *struct{ Reason string }
							}
						}
					}
				}
			}
			if dec.Decode(&e) != nil {
				return
			}
			now := time.Now()
			w.mu.Lock()
			for _, c := range e.Object.Status.Conditions {
				if _, seen := w.ready[e.Object.Metadata.Name]; c.Type == "Ready" && c.Status == "True" && !seen {
					w.ready[e.Object.Metadata.Name] = now
				}
			}
			for _, cs := range e.Object.Status.ContainerStatuses {
				if cs.State.Waiting != nil && cs.State.Waiting.Reason == "ImagePullBackOff" && w.failure.IsZero() {
					w.failure = now
				}
			}
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		<-done
	})
	return w
}

// timedRun is a lain run whose stderr lines are stamped as they came.
type timedRun struct {
	code  int
	lines []string
	times []time.Time
	exit  time.Time
}

func (r timedRun) at(sub string) (time.Time, bool) {
	for i, l := range r.lines {
		if strings.Contains(l, sub) {
			return r.times[i], true
		}
	}
	return time.Time{}, false
}

func (r timedRun) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n", r.code)
	for i, l := range r.lines {
		fmt.Fprintf(&b, "%s %s\n", r.times[i].Format("15:04:05.000"), l)
	}
	return b.String()
}

func lainTimed(t *testing.T, d *deployApp, args ...string) timedRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Lab.LainBin, args...)
	cmd.Dir = d.dir
	cmd.Env = labEnv(d.home, nil)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var r timedRun
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		r.lines = append(r.lines, sc.Text())
		r.times = append(r.times, time.Now())
	}
	_ = cmd.Wait() // the exit code is all that matters
	r.exit = time.Now()
	r.code = cmd.ProcessState.ExitCode()
	t.Logf("$ lain %s  (exit %d, %s)\n%s", strings.Join(args, " "), r.code, r.exit.Sub(start).Round(time.Millisecond), r)
	return r
}
