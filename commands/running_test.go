package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/prompts"
)

// The unit tests of the commands on a running app answer kubectl from the
// lab's real output (internal/kube/testdata); e2e/running_test.go runs
// them on the lab.

var runningNow = time.Date(2026, 11, 25, 13, 48, 5, 0, time.UTC)

func runningFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "kube", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// healthyOnly is the lab's answer with only the web deployment, its pods
// and the ingress.
func healthyOnly(t *testing.T) string {
	var list struct {
		Items []map[string]any `json:"items"`
	}
	json.Unmarshal([]byte(runningFixture(t, "app.json")), &list)
	var keep []map[string]any
	for _, it := range list.Items {
		name := it["metadata"].(map[string]any)["name"].(string)
		if strings.HasPrefix(name, "hello-web") || it["kind"] == "Ingress" {
			keep = append(keep, it)
		}
	}
	b, _ := json.Marshal(map[string]any{"items": keep})
	return string(b)
}

type runningEnv struct {
	o        cmdutil.AppOnCluster
	rec      *runner.Recorder
	out, err *bytes.Buffer
	ios      *iostreams.IOStreams
}

// newRunningEnv is the app hello on cluster lab, kubectl answering appJSON.
func newRunningEnv(t *testing.T, appJSON string) *runningEnv {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: hello\ndeployments:\n  web: {}\n"), 0o644)
	ios, _, out, errOut := iostreams.Test()
	// The namespace comes from the kubeconfig kubectl would read.
	kubeconfig := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kubeconfig, []byte("current-context: lab\ncontexts:\n- {name: lab, context: {namespace: ns1}}\n"), 0o600)
	t.Setenv("KUBECONFIG", kubeconfig)
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments,statefulsets,cronjobs,jobs,ingresses -l app.kubernetes.io/name=hello -o json", appJSON, 0)
	rec.On("kubectl get --raw '/api/v1/namespaces/", appJSON, 0) // the pods
	cluster := func(string) (*clusterconfig.Config, error) {
		return &clusterconfig.Config{Cluster: "lab", Values: clusterconfig.Values{GrafanaURL: "https://grafana.example.com/d/x"}}, nil
	}
	return &runningEnv{o: cmdutil.AppOnCluster{IO: ios, Runner: rec, Dir: dir, Cluster: cluster}, rec: rec, out: out, err: errOut, ios: ios}
}

func TestStatusSimpleExitCodes(t *testing.T) {
	e := newRunningEnv(t, healthyOnly(t))
	e.rec.OnError("kubectl top pod", &runner.ExitError{Code: 1, Stderr: "error: Metrics API not available"})
	o := &StatusOptions{AppOnCluster: e.o, Now: func() time.Time { return runningNow }, Simple: true}
	if err := runStatus(context.Background(), o); err != nil {
		t.Fatal(clierr.Format(err))
	}
	for _, want := range []string{"deployment hello-web: 2/2 ready", "grafana: https://grafana.example.com/d/x?orgId=1&refresh=10s&var-label_app=hello", "hello is healthy on cluster lab\n"} {
		if !strings.Contains(e.out.String(), want) {
			t.Errorf("missing %q:\n%s", want, e.out)
		}
	}

	broken := newRunningEnv(t, runningFixture(t, "app.json"))
	o.AppOnCluster = broken.o
	err := runStatus(context.Background(), o)
	if clierr.Code(err) != 1 || !strings.Contains(clierr.Format(err), "lain: hello is unhealthy on cluster lab: deployment hello-bad has 0 of 1 replicas ready") ||
		!strings.Contains(clierr.Format(err), "next: lain logs bad") {
		t.Fatal(clierr.Format(err))
	}

	none := newRunningEnv(t, `{"items":[]}`)
	o.AppOnCluster = none.o
	err = runStatus(context.Background(), o)
	if got := clierr.Format(err); got != "lain: hello is not deployed on cluster lab (nothing labelled app.kubernetes.io/name=hello in namespace ns1)\n  next: lain deploy   # or lain use CLUSTER, if it runs on another cluster\n" {
		t.Fatal(got)
	}
}

func TestLogsCommandLine(t *testing.T) {
	e := newRunningEnv(t, healthyOnly(t))
	// A proc of the chart: its pods counted (to follow them all), then
	// read, without listing the whole app first.
	e.rec.On("kubectl get pods -l app.kubernetes.io/name=hello,app.kubernetes.io/instance=hello-web -o name", "pod/hello-web-1\npod/hello-web-2\n", 0)
	if err := runLogs(context.Background(), &LogsOptions{AppOnCluster: e.o, Proc: "web", Tail: 20, Follow: true}); err != nil {
		t.Fatal(err)
	}
	want := "kubectl get pods -l app.kubernetes.io/name=hello,app.kubernetes.io/instance=hello-web -o name\n" +
		"kubectl logs -l app.kubernetes.io/name=hello,app.kubernetes.io/instance=hello-web --prefix --tail=20 --max-log-requests=5 -f"
	if got := e.rec.String(); got != want || e.rec.Cmds[len(e.rec.Cmds)-1].Capture {
		t.Fatalf("%q", got)
	}
	// Not following: kubectl logs at once.
	e.rec.Lines = nil
	if err := runLogs(context.Background(), &LogsOptions{AppOnCluster: e.o, Tail: 1}); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.String(); got != "kubectl logs -l app.kubernetes.io/name=hello --prefix --tail=1" {
		t.Fatalf("%q", got)
	}
	if err := runLogs(context.Background(), &LogsOptions{AppOnCluster: e.o, Tail: 5, Stern: true}); err != nil {
		t.Fatal(err)
	}
	if last := e.rec.Lines[len(e.rec.Lines)-1]; last != "stern --selector app.kubernetes.io/name=hello --tail 5 --no-follow" {
		t.Fatalf("%q", last)
	}
	err := runLogs(context.Background(), &LogsOptions{AppOnCluster: e.o, Proc: "worker"})
	if clierr.Code(err) != 2 || !strings.Contains(err.Error(), `hello has no proc "worker" on cluster lab (it has: web)`) {
		t.Fatal(err)
	}
	err = runLogs(context.Background(), &LogsOptions{AppOnCluster: e.o, Proc: "web", Kibana: true})
	if !strings.Contains(clierr.Format(err), "cluster lab has no kibana in its cluster values") {
		t.Fatal(clierr.Format(err))
	}
}

// On a terminal with two running pods, lain x asks which; the command's
// exit code is lain's, silently.
func TestXPicksAPodAndPassesTheExitCode(t *testing.T) {
	e := newRunningEnv(t, healthyOnly(t))
	e.ios.SetTTY(true, true, true)
	e.rec.OnError("kubectl exec -it hello-web-766ff6df9c-mlv85", &runner.ExitError{Code: 7})
	p := (&prompts.Scripted{}).Expect("select", "Which pod?", "hello-web-766ff6df9c-mlv85")
	o := &XOptions{AppOnCluster: e.o, Prompter: p, Now: func() time.Time { return runningNow }, Args: []string{"web"}, Command: []string{"ls", "/"}, TTY: true}
	err := runX(context.Background(), o)
	if clierr.Code(err) != 7 || clierr.Format(err) != "" {
		t.Fatalf("%d %q", clierr.Code(err), clierr.Format(err))
	}
	if last := e.rec.Lines[len(e.rec.Lines)-1]; last != "kubectl exec -it hello-web-766ff6df9c-mlv85 -c hello-web -- ls /" {
		t.Fatal(last)
	}
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}

	// Off a terminal: the first ready pod; a first word that is no proc
	// starts the command; no command: bash when the container has it.
	e2 := newRunningEnv(t, healthyOnly(t))
	o = &XOptions{AppOnCluster: e2.o, Now: func() time.Time { return runningNow }, Args: []string{"python", "manage.py"}}
	if err := runX(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if last := e2.rec.Lines[len(e2.rec.Lines)-1]; last != "kubectl exec hello-web-766ff6df9c-gk9vj -c hello-web -- python manage.py" {
		t.Fatal(last)
	}
	o = &XOptions{AppOnCluster: e2.o, Now: func() time.Time { return runningNow }}
	runX(context.Background(), o)
	if got := strings.Join(e2.rec.Lines[len(e2.rec.Lines)-2:], "\n"); got != "kubectl exec hello-web-766ff6df9c-gk9vj -c hello-web -- sh -c 'command -v bash'\nkubectl exec hello-web-766ff6df9c-gk9vj -c hello-web -- bash" {
		t.Fatal(got)
	}
}

// lain job: the previous run deleted, the Job created from the web
// deployment's template (on stdin), its log printed, its exit code returned.
func TestJobFromTheWebDeployment(t *testing.T) {
	e := newRunningEnv(t, healthyOnly(t))
	e.rec.On("kubectl get deployment hello-web -o json", runningFixture(t, "deployment.json"), 0)
	e.rec.On("kubectl get job ", runningFixture(t, "job.json"), 0)
	e.rec.On("kubectl get pods -l batch.kubernetes.io/controller-uid=", runningFixture(t, "job-pods.json"), 0)
	o := &JobOptions{AppOnCluster: e.o, Now: func() time.Time { return runningNow }, Command: []string{"sh", "-c", "echo hi"}, Wait: true, Timeout: 600, Memory: "2Gi", Poll: time.Millisecond}
	if err := runJob(context.Background(), o); err != nil {
		t.Fatal(clierr.Format(err))
	}
	name := kube.JobName("hello", o.Command)
	var created []byte
	for i, l := range e.rec.Lines {
		if l == "kubectl create -f -" {
			created, _ = io.ReadAll(e.rec.Cmds[i].Stdin)
		}
	}
	want := "kubectl delete job " + name + " --ignore-not-found --cascade=foreground --wait=true --timeout=120s\nkubectl create -f -\n"
	if !strings.Contains(e.rec.String()+"\n", want) {
		t.Fatalf("want\n%s\nin\n%s", want, e.rec)
	}
	for _, s := range []string{`"name":"` + name + `"`, `"command":["sh","-c","echo hi"]`, `"activeDeadlineSeconds":600`, `"memory":"2Gi"`} {
		if !strings.Contains(string(created), s) {
			t.Errorf("manifest lacks %s: %s", s, created)
		}
	}
	if !strings.Contains(e.err.String(), "job "+name+" succeeded") {
		t.Error(e.err.String())
	}

	// Without --wait and off a terminal: created, and how to follow it.
	e2 := newRunningEnv(t, healthyOnly(t))
	e2.rec.On("kubectl get deployment hello-web -o json", runningFixture(t, "deployment.json"), 0)
	o = &JobOptions{AppOnCluster: e2.o, Command: []string{"true"}, Timeout: 60}
	if err := runJob(context.Background(), o); err != nil || !strings.Contains(e2.err.String(), "kubectl logs -f job/"+kube.JobName("hello", o.Command)) {
		t.Fatal(err, e2.err)
	}
	if err := runJob(context.Background(), &JobOptions{AppOnCluster: e2.o}); clierr.Code(err) != 2 || !strings.Contains(err.Error(), "no command to run") {
		t.Fatal(err)
	}
	if err := runJob(context.Background(), &JobOptions{AppOnCluster: e2.o, Command: []string{"x"}, Memory: "lots"}); clierr.Code(err) != 2 {
		t.Fatal(err)
	}
}

func TestCreateJobNamesAndChecks(t *testing.T) {
	e := newRunningEnv(t, runningFixture(t, "app.json"))
	e.rec.On("kubectl get job ", runningFixture(t, "job.json"), 0)
	e.rec.On("kubectl get pods -l batch.kubernetes.io/controller-uid=", runningFixture(t, "job-pods.json"), 0)
	o := &CreateJobOptions{AppOnCluster: e.o, Now: func() time.Time { return runningNow }, CronJob: "nightly", Wait: true, Timeout: 60, Poll: time.Millisecond}
	if err := runCreateJob(context.Background(), o); err != nil {
		t.Fatal(clierr.Format(err))
	}
	if !strings.Contains(e.rec.String(), "kubectl create job "+kube.ManualJobName("hello-nightly", runningNow.Unix())+" --from=cronjob/hello-nightly") {
		t.Fatal(e.rec)
	}
	o.CronJob = "web"
	if err := runCreateJob(context.Background(), o); clierr.Code(err) != 2 || !strings.Contains(err.Error(), `hello has no cronjob "web" on cluster lab (cronjobs: nightly)`) {
		t.Fatal(err)
	}
}
