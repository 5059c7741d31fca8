package kube

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var fixtureNow = time.Date(2026, 11, 25, 13, 48, 5, 0, time.UTC)

func appFixture(t *testing.T) (*App, *runner.Recorder) {
	t.Helper()
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments,statefulsets,cronjobs,jobs,ingresses -l app.kubernetes.io/name=hello -o json", fixture(t, "app.json"), 0)
	rec.On("kubectl get --raw '/api/v1/namespaces/", fixture(t, "app.json"), 0) // the pods
	a, err := New(rec).AppState(context.Background(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	return a, rec
}

// The lab's real answer, grouped as lain shows it: workloads by kind, pods
// under their workload (a cronjob's under the cronjob), the ingress URLs.
func TestAppStateGroupsTheLabsAnswer(t *testing.T) {
	a, rec := appFixture(t)
	if !rec.Cmds[0].Quiet || rec.Cmds[0].Mutates || !rec.Cmds[0].Capture {
		t.Errorf("a query must be quiet, captured, read-only: %+v", rec.Cmds[0])
	}
	var got []string
	for _, w := range a.Workloads {
		line := w.Kind + " " + w.Name + ":"
		for _, p := range w.Pods {
			line += " " + p.Name + "=" + p.Status()
		}
		got = append(got, line)
	}
	want := []string{
		"Deployment hello-bad: hello-bad-6989fd8478-wfzsz=CrashLoopBackOff",
		"Deployment hello-img: hello-img-5b58984c4d-m7b7f=ImagePullBackOff",
		"Deployment hello-web: hello-web-766ff6df9c-gk9vj=Running hello-web-766ff6df9c-mlv85=Running",
		"CronJob hello-nightly: hello-nightly-manual-1-4wvth=Completed",
		"Job hello-91d20832: hello-91d20832-twp8n=Completed",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(a.Ingresses) != 1 || !reflect.DeepEqual(a.Ingresses[0].URLs, []string{"http://hello.lab.local/"}) {
		t.Errorf("ingresses %+v", a.Ingresses)
	}
	web, _ := a.Workload("hello-web")
	if web.Desired != 2 || web.Ready != 2 || !web.Healthy() {
		t.Errorf("web %+v", web)
	}
	bad, _ := a.Workload("hello-bad")
	if bad.Healthy() || bad.Missing() != 1 {
		t.Errorf("bad %+v", bad)
	}
	cron, _ := a.Workload("hello-nightly")
	if cron.Schedule != "0 0 1 1 *" || !cron.Healthy() {
		t.Errorf("cron %+v", cron)
	}
	if a.Healthy() || !a.Deployed() {
		t.Error("the app is deployed and unhealthy")
	}
	var unhealthy []string
	for _, p := range a.Unhealthy() {
		unhealthy = append(unhealthy, p.Name)
	}
	if !reflect.DeepEqual(unhealthy, []string{"hello-bad-6989fd8478-wfzsz", "hello-img-5b58984c4d-m7b7f"}) {
		t.Errorf("unhealthy %v", unhealthy)
	}
}

func TestPodFacts(t *testing.T) {
	a, _ := appFixture(t)
	pods := map[string]Pod{}
	for _, p := range a.Pods() {
		pods[p.Name] = p
	}
	bad := pods["hello-bad-6989fd8478-wfzsz"]
	if r, tot := bad.ReadyCount(); r != 0 || tot != 1 || bad.Restarts() != 292 || bad.Node != "lab-node" || bad.Phase != "Running" {
		t.Errorf("bad pod %+v", bad)
	}
	if p := bad.Problem(); !strings.HasPrefix(p, "hello-bad: CrashLoopBackOff: back-off 10s restarting failed container=hello-bad") ||
		!strings.HasSuffix(p, "; restarted 292 times, last exit 1 (Error)") {
		t.Errorf("problem %q", p)
	}
	if p := pods["hello-img-5b58984c4d-m7b7f"].Problem(); !strings.HasPrefix(p, "hello-img: ImagePullBackOff") {
		t.Errorf("image problem %q", p)
	}
	web := pods["hello-web-766ff6df9c-gk9vj"]
	if !web.Ready() || !web.Healthy() || web.Problem() != "" || web.Age(fixtureNow) != "20s" || web.MainContainer("hello") != "hello-web" {
		t.Errorf("web pod %+v %q %q", web, web.Problem(), web.Age(fixtureNow))
	}
	job := pods["hello-91d20832-twp8n"]
	if !job.IsJob() || !job.Healthy() || job.Problem() != "" {
		t.Errorf("job pod %+v", job)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "0s", 45 * time.Second: "45s", 119 * time.Second: "119s", 5 * time.Minute: "5m", 3 * time.Hour: "3h", 72 * time.Hour: "3d"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("%s: %s, want %s", d, got, want)
		}
	}
}

func TestEventsAndDiagnose(t *testing.T) {
	a, _ := appFixture(t)
	rec := &runner.Recorder{}
	rec.On("kubectl get events --field-selector involvedObject.kind=Pod -o json", fixture(t, "events.json"), 0)
	rec.On("kubectl logs hello-bad-6989fd8478-wfzsz --tail=5 -c hello-bad --previous", "lain-lab: previous container (simulated) exited with code 1\n", 0)
	rec.On("kubectl logs hello-img-5b58984c4d-m7b7f", "", 1)
	ds := New(rec).Diagnose(context.Background(), "hello", a.Unhealthy(), 5, 3)
	if len(ds) != 2 {
		t.Fatal(ds)
	}
	if ds[0].LogsOf != "previous run" || !reflect.DeepEqual(ds[0].Logs, []string{"lain-lab: previous container (simulated) exited with code 1"}) {
		t.Errorf("crash logs %+v", ds[0])
	}
	if len(ds[0].Events) == 0 || ds[0].Events[0].Reason != "Scheduled" || ds[0].Events[0].Last.IsZero() {
		t.Errorf("events %+v", ds[0].Events)
	}
	if ds[1].Logs != nil {
		t.Errorf("no logs for a pod whose image never pulled: %+v", ds[1])
	}
	// One events query for every pod.
	n := 0
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "kubectl get events") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d events queries:\n%s", n, rec)
	}
}

func TestTopWithoutMetrics(t *testing.T) {
	rec := &runner.Recorder{}
	rec.OnError("kubectl top pod", &runner.ExitError{Code: 1, Stderr: "error: Metrics API not available\n"})
	if _, err := New(rec).Top(context.Background(), "app.kubernetes.io/name=hello"); err != ErrNoMetrics {
		t.Fatal(err)
	}
	ok := &runner.Recorder{}
	ok.On("kubectl top pod -l app.kubernetes.io/name=hello --no-headers", "hello-web-1   3m   12Mi\nhello-web-2   1m   10Mi\n", 0)
	u, err := New(ok).Top(context.Background(), "app.kubernetes.io/name=hello")
	if err != nil || u["hello-web-1"] != (Usage{CPU: "3m", Memory: "12Mi"}) || len(u) != 2 {
		t.Fatal(u, err)
	}
}

// Secret values go on stdin, never on the command line; a replace names
// the version read, so a change made meanwhile is refused.
func TestSecretsGetAndApply(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get secret hello-env -o json", fixture(t, "secret.json"), 0)
	rec.OnError("kubectl get secret nope", &runner.ExitError{Code: 1, Stderr: `Error from server (NotFound): secrets "nope" not found`})
	k := New(rec)
	s, err := k.GetSecret(context.Background(), "hello-env")
	if err != nil || string(s.Data["FOO"]) != "bar" || string(s.Data["PORT"]) != "8080" || s.ResourceVersion == "" {
		t.Fatal(s, err)
	}
	if _, err := k.GetSecret(context.Background(), "nope"); err != ErrNotFound {
		t.Fatal(err)
	}
	s.Data["TOKEN"] = []byte("s3cr3t-value")
	if err := k.ApplySecret(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	last := rec.Cmds[len(rec.Cmds)-1]
	if rec.Lines[len(rec.Lines)-1] != "kubectl replace -f -" || !last.Mutates {
		t.Fatalf("%q %+v", rec.Lines, last)
	}
	body, _ := io.ReadAll(last.Stdin)
	var sent struct {
		Metadata struct{ Name, ResourceVersion string }
		Data     map[string][]byte
	}
	if err := json.Unmarshal(body, &sent); err != nil || sent.Metadata.ResourceVersion != s.ResourceVersion || string(sent.Data["TOKEN"]) != "s3cr3t-value" {
		t.Fatalf("%s %v", body, err)
	}
	if strings.Contains(rec.String(), "s3cr3t") {
		t.Fatal("a value on the command line")
	}
	if err := k.ApplySecret(context.Background(), &Secret{Name: "new", Data: map[string][]byte{}}); err != nil || rec.Lines[len(rec.Lines)-1] != "kubectl create -f -" {
		t.Fatal(err, rec.Lines)
	}
	conflict := &runner.Recorder{}
	conflict.OnError("kubectl replace", &runner.ExitError{Code: 1, Stderr: `Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on secrets "hello-env": the object has been modified; please apply your changes to the latest version and try again`})
	if err := New(conflict).ApplySecret(context.Background(), s); err == nil || !strings.Contains(err.Error(), "the object has been modified") || !isConflict(err) {
		t.Fatal(err)
	}
}

func isConflict(err error) bool {
	return err != nil && strings.Contains(err.Error(), ErrConflict.Error())
}

func TestJobNames(t *testing.T) {
	a := JobName("hello", []string{"sh", "-c", "echo migrate"})
	if a != JobName("hello", []string{"sh", "-c", "echo migrate"}) || a == JobName("hello", []string{"sh", "-c", "echo other"}) || len(a) != len("hello-")+8 {
		t.Fatal(a)
	}
	long := ManualJobName(strings.Repeat("x", 60), 1764078000)
	if len(long) > 63 || !strings.HasSuffix(long, "-manual-t6abao") {
		t.Fatalf("%s (%d)", long, len(long))
	}
}

// A one-off Job is the web pod's template with another command: same image
// (or another tag), env, envFrom, volumes; no probes, no ports, no
// restarts; labelled for lain status and deploy's clean-up.
func TestOneOffJobManifest(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get deployment hello-web -o json", fixture(t, "deployment.json"), 0)
	tpl, err := New(rec).PodTemplate(context.Background(), "deployment", "hello-web")
	if err != nil {
		t.Fatal(err)
	}
	uid := int64(0)
	j := OneOffJob{Name: "hello-1a2b3c4d", App: "hello", Command: []string{"sh", "-c", "echo hi"}, Container: "hello-web",
		Image: WithTag(MainImage(tpl, "hello-web"), "v2"), Memory: "8Gi", User: &uid, DeadlineSeconds: 600}
	m, err := j.Manifest(tpl)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	var got struct {
		Metadata struct {
			Name   string
			Labels map[string]string
		}
		Spec struct {
			BackoffLimit            int
			ActiveDeadlineSeconds   int
			TTLSecondsAfterFinished int
			Template                struct {
				Metadata struct{ Labels map[string]string }
				Spec     struct {
					RestartPolicy   string
					SecurityContext struct{ RunAsUser *int64 }
					Containers      []map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	c := got.Spec.Template.Spec.Containers
	if got.Metadata.Name != "hello-1a2b3c4d" || got.Metadata.Labels[OneOffLabel] != "true" || got.Spec.BackoffLimit != 0 || got.Spec.ActiveDeadlineSeconds != 600 ||
		got.Spec.Template.Spec.RestartPolicy != "Never" || *got.Spec.Template.Spec.SecurityContext.RunAsUser != 0 || len(c) != 1 {
		t.Fatalf("%s", b)
	}
	if l := got.Spec.Template.Metadata.Labels; l[InstanceLabel] != "hello-1a2b3c4d" || l[NameLabel] != "hello" || l["pod-template-hash"] != "" {
		t.Errorf("pod labels %v", l)
	}
	s, _ := json.Marshal(c[0])
	for _, want := range []string{`"command":["sh","-c","echo hi"]`, `"image":"127.0.0.1:5000/lain/hello:v2"`, `"name":"hello-1a2b3c4d"`, `"envFrom":[{"secretRef":{"name":"hello-env"}}]`,
		`{"name":"IMAGE_TAG","value":"v2"}`, `"limits":{"cpu":"100m","memory":"8Gi"}`, `"requests":{"cpu":"10m","memory":"16Mi"}`} {
		if !strings.Contains(string(s), want) {
			t.Errorf("container lacks %s:\n%s", want, s)
		}
	}
	for _, gone := range []string{"readinessProbe", "ports"} {
		if strings.Contains(string(s), gone) {
			t.Errorf("container keeps %s:\n%s", gone, s)
		}
	}
	if strings.Contains(fixture(t, "deployment.json"), `"hello-1a2b3c4d"`) {
		t.Fatal("the template was changed in place")
	}
}

func TestSetMemory(t *testing.T) {
	for _, c := range []struct{ request, limit, want string }{
		{"16Mi", "8Gi", "16Mi"}, // a small request stays
		{"2Gi", "1Gi", "1Gi"},   // never above the limit
		{"", "8Gi", "1Gi"},      // none: not as large as the limit
		{"", "512Mi", "512Mi"},
	} {
		res := map[string]any{"requests": map[string]any{}}
		if c.request != "" {
			res["requests"].(map[string]any)["memory"] = c.request
		}
		setMemory(res, c.limit)
		if got := res["requests"].(map[string]any)["memory"]; got != c.want || res["limits"].(map[string]any)["memory"] != c.limit {
			t.Errorf("%+v: %v", c, res)
		}
	}
	if !ValidMemory("512Mi") || ValidMemory("lots") {
		t.Error("ValidMemory")
	}
}

func TestImageTags(t *testing.T) {
	for img, want := range map[string]string{
		"127.0.0.1:5000/lain/hello:latest": "127.0.0.1:5000/lain/hello:t2",
		"127.0.0.1:5000/lain/hello":        "127.0.0.1:5000/lain/hello:t2",
		"hello":                            "hello:t2",
	} {
		if got := WithTag(img, "t2"); got != want {
			t.Errorf("%s: %s", img, got)
		}
	}
}

// kwok (the lab) reports a remote command's exit status in kubectl's
// message; real kubelets make it kubectl's exit code.
func TestExecExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  *runner.ExitError
		want int
	}{
		{&runner.ExitError{Code: 3, Stderr: "command terminated with exit code 3\n"}, 3},
		{&runner.ExitError{Code: 1, Stderr: "error: Internal error occurred: Internal error occurred: error executing command in container: cmd wait: sh -c exit 3: exit status 3\n"}, 3},
		{&runner.ExitError{Code: 1, Stderr: "error: pods \"x\" not found\n"}, 1},
	} {
		rec := &runner.Recorder{}
		rec.OnError("kubectl exec", c.err)
		code, err := New(rec).Exec(context.Background(), ExecOptions{Pod: "p", Container: "c", Command: []string{"sh", "-c", "exit 3"}})
		if err != nil || code != c.want {
			t.Errorf("%q: %d %v", c.err.Stderr, code, err)
		}
		if rec.Lines[0] != "kubectl exec p -c c -- sh -c 'exit 3'" || !rec.Cmds[0].Mutates || rec.Cmds[0].Stdin != nil {
			t.Errorf("%q %+v", rec.Lines, rec.Cmds[0])
		}
	}
	rec := &runner.Recorder{}
	New(rec).Exec(context.Background(), ExecOptions{Pod: "p", Container: "c", Command: []string{"bash"}, TTY: true, Stdin: strings.NewReader("")})
	if rec.Lines[0] != "kubectl exec -it p -c c -- bash" || rec.Cmds[0].Stdin == nil {
		t.Errorf("%q", rec.Lines)
	}
}

// A Job already finished when first seen: its log is printed once (no
// follow), and its exit code read from its pod.
func TestWatchJobOfAFinishedJob(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get job hello-91d20832 -o json", fixture(t, "job.json"), 0)
	rec.On("kubectl get pods -l batch.kubernetes.io/controller-uid=", fixture(t, "job-pods.json"), 0)
	var said strings.Builder
	st, err := New(rec).WatchJob(context.Background(), "hello-91d20832", Watch{App: "hello", Say: &said, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil || !st.Done || st.Failed || st.ExitCode("hello") != 0 {
		t.Fatalf("%+v %v", st, err)
	}
	if !strings.Contains(rec.String(), "kubectl logs hello-91d20832-twp8n -c hello-91d20832\n") && !strings.HasSuffix(rec.String(), "kubectl logs hello-91d20832-twp8n -c hello-91d20832") {
		t.Errorf("log not printed:\n%s", rec)
	}
	if said.String() != "job hello-91d20832: pod hello-91d20832-twp8n Completed\n" {
		t.Errorf("said %q", said.String())
	}
	failed := &JobState{Failed: true, Pods: []Pod{{Containers: []Container{{Name: "hello-x", State: "terminated", ExitCode: 2}}}}}
	if failed.ExitCode("hello") != 2 || (&JobState{Failed: true}).ExitCode("hello") != 1 {
		t.Error("exit codes of failed jobs")
	}
}

// The chart names the container after the proc; a sidecar listed first
// must not be taken for it.
func TestMainContainerIsTheProcs(t *testing.T) {
	p := Pod{Instance: "shop-web", Containers: []Container{{Name: "envoy"}, {Name: "web"}}}
	if got := p.MainContainer("shop"); got != "web" {
		t.Fatalf("got %q", got)
	}
	old := Pod{Instance: "shop-web", Containers: []Container{{Name: "envoy"}, {Name: "shop-web"}}}
	if got := old.MainContainer("shop"); got != "shop-web" {
		t.Fatalf("chart 1.0.0: got %q", got)
	}
	if got := (Pod{Containers: []Container{{Name: "a"}, {Name: "b"}}}).MainContainer("shop"); got != "a" {
		t.Fatalf("no match: got %q", got)
	}
}
