//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/helmargs"
)

// liveApp is examples/hello installed in the test's namespace the way lain
// deploy installs an app (helm upgrade --install with lain's chart and
// helm options), for the commands that work on a running app. lain deploy
// has its own tests; these do not depend on it.
type liveApp struct {
	t             *testing.T
	dir, home, ns string
	extraLainEnv  []string
}

// labValues is chart/values-lab.yaml of the apps here: two web pods, an
// ingress, a cronjob, and the dashboards status -s links to (an app's
// values-CLUSTER.yaml is merged over the cluster values).
const labValues = `deployments:
  web:
    replicaCount: 2
ingresses:
  - host: hello
    deployName: web
cronjobs:
  nightly:
    schedule: "0 0 1 1 *"
    command: ["sh", "-c", "echo nightly run"]
grafana_url: https://grafana.example.com/d/lain-app
kibana: kibana.example.com
`

// newLiveApp writes the app: examples/hello, extra appended to its
// chart/values.yaml, chart/values-lab.yaml, and lain's chart (lain init
// --yes keeps the values); HOME has run `lain use lab`.
func newLiveApp(t *testing.T, extra string) *liveApp {
	t.Helper()
	a := &liveApp{t: t, dir: NewAppDir(t), home: NewUserHome(t), ns: Namespace(t)}
	if r := LainArgs(t, "", a.home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	p := filepath.Join(a.dir, "chart", "values.yaml")
	v, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	WriteFiles(t, a.dir, map[string]string{"chart/values.yaml": string(v) + extra, "chart/values-lab.yaml": labValues})
	a.must("init", "--yes")
	return a
}

// install runs helm upgrade --install as lain deploy does; wait adds
// --wait (for apps whose pods get ready).
func (a *liveApp) install(wait bool) {
	a.t.Helper()
	o := helmargs.Options{Cluster: "lab", User: "e2e", ImageTag: "latest",
		ClusterValues: filepath.Join(Lab.ClusterValuesDir, "values-lab.yaml"), AppClusterValues: "chart/values-lab.yaml"}
	var extra []string
	if wait {
		extra = append(extra, "--wait")
	}
	if r := Run(a.t, "helm", Cmd{Args: helmargs.Upgrade("hello", 120, o, extra...), Dir: a.dir, Home: a.home}); r.Code != 0 {
		a.t.Fatalf("helm upgrade --install: %s", r)
	}
}

func (a *liveApp) lain(args ...string) Result {
	a.t.Helper()
	return Lain(a.t, Cmd{Args: args, Dir: a.dir, Home: a.home, Env: a.extraLainEnv, Timeout: 3 * time.Minute})
}

func (a *liveApp) must(args ...string) Result {
	a.t.Helper()
	r := a.lain(args...)
	if r.Code != 0 {
		a.t.Fatalf("lain %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// waitPods waits until the app has n pods whose status column (kubectl's
// STATUS) is status.
func (a *liveApp) waitPods(selector string, n int, status string) {
	a.t.Helper()
	Eventually(a.t, 90*time.Second, fmt.Sprintf("%d pods %s (%s)", n, status, selector), func() error {
		out := KubectlQuiet(a.t, a.ns, "get", "pods", "-l", selector, "--no-headers").Stdout
		got := 0
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if f := strings.Fields(l); len(f) > 2 && f[2] == status {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("pods:\n%s", out)
		}
		return nil
	})
}

func wantAll(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("missing %q in:\n%s", sub, s)
		}
	}
}

var podRow = regexp.MustCompile(`(?m)^  (hello-web-[a-z0-9]+-[a-z0-9]+) +Running +1/1 +0 +[0-9]+[smh] +lab-node( .*)?$`)

// A healthy app: exit 0, each proc's pods with status, ready, restarts,
// age and node, the cronjob, the ingress URL (no answer from here: the lab
// has no ingress controller, which is not counted), the note about missing
// metrics, and the Grafana and Kibana links.
func TestStatusSimpleHealthy(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	r := a.lain("status", "-s")
	if r.Code != 0 {
		t.Fatalf("status -s of a healthy app: %s", r)
	}
	if rows := podRow.FindAllString(r.Stdout, -1); len(rows) != 2 {
		t.Errorf("want 2 web pod rows, got %q in:\n%s", rows, r.Stdout)
	}
	wantAll(t, r.Stdout,
		"hello on cluster lab (namespace "+a.ns+")",
		"POD", "STATUS", "READY", "RESTARTS", "AGE", "NODE",
		"deployment hello-web: 2/2 ready",
		`cronjob hello-nightly: schedule "0 0 1 1 *"`,
		"http://hello.lab.local/", "no answer from here",
		"grafana: https://grafana.example.com/d/lain-app?orgId=1&refresh=10s&var-label_app=hello",
		"kibana:  http://kibana.example.com/app/logs/stream?",
		"hello is healthy on cluster lab",
	)
	if strings.Contains(r.Stdout, "PROBLEMS") {
		t.Errorf("problems for a healthy app:\n%s", r.Stdout)
	}
	// The lab has metrics (usage columns) once metrics-server has scraped the new pods; a note until then.
	if !strings.Contains(r.Stdout, "metrics: not available") && !strings.Contains(r.Stdout, "CPU (REQ/LIMIT)") {
		t.Errorf("neither usage nor a metrics note:\n%s", r.Stdout)
	}
	// Plain text: no escape sequences for CI logs.
	if strings.Contains(r.Stdout, "\x1b") {
		t.Errorf("escape sequences in plain output: %q", r.Stdout)
	}
	statusFollowsKubeconfigList(t, a)
}

// lain reads the namespace from the kubeconfig itself (no kubectl config
// view): with several files in KUBECONFIG it must pick the namespace
// kubectl picks. Here the first file names the current context; a second
// file's context without a namespace means "default" (where the app is
// not), defined before the user's own file it wins over it.
func statusFollowsKubeconfigList(t *testing.T, a *liveApp) {
	dir := t.TempDir()
	own := filepath.Join(a.home, ".kube", "config")
	pick := filepath.Join(dir, "pick")
	noNS := filepath.Join(dir, "no-namespace")
	WriteFiles(t, dir, map[string]string{"pick": "current-context: lab\n", "no-namespace": "contexts:\n- name: lab\n  context: {cluster: lab, user: lab-admin}\n"})
	list := func(files ...string) string { return "KUBECONFIG=" + strings.Join(files, string(os.PathListSeparator)) }
	for _, tc := range []struct{ env, ns string }{
		{list(pick, filepath.Join(dir, "missing"), own), a.ns},
		{list(pick, noNS, own), "default"},
	} {
		k := Run(t, "kubectl", Cmd{Args: []string{"config", "view", "--minify", "-o", "jsonpath={..namespace}"}, Home: a.home, Env: []string{tc.env}})
		if got := strings.TrimSpace(k.Stdout); got != tc.ns && !(got == "" && tc.ns == "default") {
			t.Fatalf("%s: kubectl's namespace is %q, not %q: the test is wrong", tc.env, got, tc.ns)
		}
		r := Lain(t, Cmd{Args: []string{"status", "-s"}, Dir: a.dir, Home: a.home, Env: []string{tc.env}})
		if !strings.Contains(r.Stdout+r.Stderr, "namespace "+tc.ns+")") {
			t.Errorf("%s: want namespace %s, as kubectl: %s", tc.env, tc.ns, r)
		}
		if strings.Contains(r.Stderr, "config view") {
			t.Errorf("lain ran kubectl config view: %s", r)
		}
	}
}

// A crash-looping app: exit 1, the pods' status, what is wrong with them,
// their events and last log lines, and what to run next.
func TestStatusSimpleBroken(t *testing.T) {
	a := newLiveApp(t, "labels:\n  lain-lab/simulate: crashloop\n")
	a.install(false)
	var r Result
	Eventually(t, 90*time.Second, "status -s to report CrashLoopBackOff", func() error {
		r = Lain(t, Cmd{Args: []string{"status", "-s"}, Dir: a.dir, Home: a.home, Quiet: true})
		if !strings.Contains(r.Stdout, "previous run:") {
			return fmt.Errorf("%s", r)
		}
		return nil
	})
	if r.Code != 1 {
		t.Fatalf("status -s of a broken app must exit 1: %s", r)
	}
	wantAll(t, r.Stdout,
		"deployment hello-web: 0/2 ready",
		"PROBLEMS",
		": web: CrashLoopBackOff", // pod: container (named after the proc): reason
		"last exit 1 (Error)",
		"events:", "Scheduled",
		"log lines, previous run:", "exited with code 1",
		"hello is unhealthy on cluster lab: deployment hello-web has 0 of 2 replicas ready",
	)
	wantAll(t, r.Stderr, "lain: hello is unhealthy on cluster lab", "next: lain logs web")
}

// Every command on a running app says what to do when the app is not there.
func TestRunningCommandsOnAnAppNotDeployed(t *testing.T) {
	a := newLiveApp(t, "")
	for _, args := range [][]string{{"status", "-s"}, {"logs", "web"}, {"x", "--", "true"}, {"job", "--wait", "--", "true"}, {"create-job", "nightly"}} {
		r := a.lain(args...)
		if r.Code != 1 || !strings.Contains(r.Stderr, "lain: hello is not deployed on cluster lab (nothing labelled app.kubernetes.io/name=hello in namespace "+a.ns+")") ||
			!strings.Contains(r.Stderr, "next: lain deploy") {
			t.Errorf("lain %s:\n%s", strings.Join(args, " "), r)
		}
	}
}

// lain logs web: kubectl logs across both web pods, each line prefixed
// with its pod.
func TestLogsFromTwoPodsOfAProc(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	r := a.must("logs", "web", "--tail", "5")
	pods := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\[pod/(hello-web-[a-z0-9-]+)/web\] lain-lab: hello from the lab`).FindAllStringSubmatch(r.Stdout, -1) {
		pods[m[1]] = true
	}
	if len(pods) != 2 {
		t.Fatalf("want lines from 2 pods, got %v:\n%s", pods, r)
	}
	wantAll(t, r.Stderr, "$ kubectl logs -l app.kubernetes.io/name=hello,app.kubernetes.io/instance=hello-web --prefix --tail=5")

	// A proc of the chart that has no pod right now: kubectl finds none,
	// then lain says why.
	if r := a.lain("logs", "nightly"); r.Code != 1 || !strings.Contains(r.Stderr, "no pods of proc nightly on cluster lab right now") {
		t.Errorf("a cronjob that never ran: %s", r)
	}
	if r := a.lain("logs", "nope"); r.Code != 2 || !strings.Contains(r.Stderr, `hello has no proc "nope" on cluster lab (it has: web, nightly)`) {
		t.Errorf("unknown proc: %s", r)
	}
	if r := a.must("logs", "web", "--kibana"); !strings.HasPrefix(r.Stdout, "http://kibana.example.com/app/logs/stream?") ||
		!strings.Contains(r.Stdout, "kubernetes.pod_name.keyword:hello-web*") {
		t.Errorf("--kibana: %s", r)
	}
	// stern is not in the lab: lain says how to install it.
	if r := a.lain("logs", "web", "--stern"); r.Code == 0 || !strings.Contains(r.Stderr, "stern is not installed") || !strings.Contains(r.Stderr, "next:") {
		t.Errorf("--stern without stern: %s", r)
	}
}

// lain x runs the command in a web pod (the lab's kwok runs it in its exec
// directory) and exits with the command's exit code.
func TestXRunsInAPodAndPassesTheExitCode(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	r := a.lain("x", "web", "--", "sh", "-c", "cat lab-exec.txt; exit 3")
	if r.Code != 3 || strings.TrimSpace(r.Stdout) != "hello from the lab exec dir" {
		t.Fatalf("want exit 3 and the file: %s", r)
	}
	if !regexp.MustCompile(`\$ kubectl exec hello-web-[a-z0-9]+-[a-z0-9]+ -c web -- sh -c 'cat lab-exec.txt; exit 3'`).MatchString(r.Stderr) {
		t.Errorf("printed command line:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stderr, "lain:") {
		t.Errorf("lain added a message to the command's own exit:\n%s", r.Stderr)
	}
	if r := a.lain("x", "--", "true"); r.Code != 0 {
		t.Errorf("lain x -- true: %s", r)
	}
}

// lain job: a Job named <appname>-<hash of the command> with the web pod's
// environment; its log streamed and its exit code returned; the previous
// run replaced.
func TestJobSuccessAndRerun(t *testing.T) {
	a := newLiveApp(t, "env:\n  GREETING: hi\n")
	a.install(true)
	r := a.must("job", "--wait", "--", "sh", "-c", "echo migrate")
	wantAll(t, r.Stdout, "hello from the lab")
	m := regexp.MustCompile(`job (hello-[0-9a-f]{8}) succeeded`).FindStringSubmatch(r.Stderr)
	if m == nil {
		t.Fatalf("no success line:\n%s", r)
	}
	name := m[1]
	spec := MustKubectl(t, a.ns, "get", "job", name, "-o", "jsonpath={.spec.template.spec.containers[0].command} {.spec.template.spec.containers[0].env[?(@.name==\"GREETING\")].value} {.spec.template.spec.containers[0].envFrom[0].secretRef.name} {.metadata.labels.lain\\.dev/one-off}")
	if spec != `["sh","-c","echo migrate"] hi hello-env true` {
		t.Errorf("job spec: %s", spec)
	}
	uid := MustKubectl(t, a.ns, "get", "job", name, "-o", "jsonpath={.metadata.uid}")
	r = a.must("job", "--wait", "--", "sh", "-c", "echo migrate")
	wantAll(t, r.Stderr, "$ kubectl delete job "+name+" --ignore-not-found", "job "+name+" succeeded")
	if uid2 := MustKubectl(t, a.ns, "get", "job", name, "-o", "jsonpath={.metadata.uid}"); uid2 == uid {
		t.Error("the previous run was not replaced")
	}
}

// A job whose command fails: lain exits with the command's exit code.
func TestJobFailureExitCode(t *testing.T) {
	// The lab's kwok fails pods labelled lain-lab/simulate=fail with exit 1;
	// the job's pod gets the app's labels.
	a := newLiveApp(t, "labels:\n  lain-lab/simulate: fail\n")
	a.install(false)
	Eventually(t, 60*time.Second, "the web deployment", func() error {
		if r := KubectlQuiet(t, a.ns, "get", "deployment", "hello-web"); r.Code != 0 {
			return fmt.Errorf("%s", r)
		}
		return nil
	})
	r := a.lain("job", "--wait", "--", "false")
	if r.Code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	if !regexp.MustCompile(`job hello-[0-9a-f]{8} failed: .*exit 1`).MatchString(r.Stderr) {
		t.Errorf("no failure line:\n%s", r.Stderr)
	}
	if r := a.lain("job", "--", "true"); r.Code != 0 || !strings.Contains(r.Stderr, "kubectl logs -f job/hello-") {
		t.Errorf("without --wait off a terminal, lain creates the job and says how to follow it: %s", r)
	}
}

// create-job runs the cronjob now; Tab completes the app's cronjobs.
func TestCreateJobFromCronJob(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	r := a.must("create-job", "nightly", "--wait")
	m := regexp.MustCompile(`job (hello-nightly-manual-[0-9a-z]+) started from cronjob hello-nightly`).FindStringSubmatch(r.Stderr)
	if m == nil {
		t.Fatalf("%s", r)
	}
	wantAll(t, r.Stderr, "$ kubectl create job "+m[1]+" --from=cronjob/hello-nightly", "job "+m[1]+" succeeded")
	if got := MustKubectl(t, a.ns, "get", "job", m[1], "-o", "jsonpath={.status.succeeded} {.spec.template.spec.containers[0].command}"); got != `1 ["sh","-c","echo nightly run"]` {
		t.Errorf("job: %s", got)
	}
	// Tab asks the cluster within 300 ms or offers nothing: on a busy
	// machine the first try may run out of time.
	Eventually(t, 20*time.Second, "Tab to complete the cronjob", func() error {
		if r := a.must("__complete", "create-job", ""); !strings.HasPrefix(r.Stdout, "nightly\t0 0 1 1 *\n") {
			return fmt.Errorf("completion: %q", r.Stdout)
		}
		return nil
	})
	if r := a.lain("create-job", "web"); r.Code != 2 || !strings.Contains(r.Stderr, `hello has no cronjob "web" on cluster lab (cronjobs: nightly)`) {
		t.Errorf("not a cronjob: %s", r)
	}
}
