//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// deployApp is an app (examples/hello renamed to a unique appname, chart
// templates written) and a HOME after `lain use lab`, in the test's own
// namespace. extra is appended to chart/values.yaml.
type deployApp struct {
	t         *testing.T
	name      string
	dir, home string
	ns        string
}

func newDeployApp(t *testing.T, extra string) *deployApp {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	d := &deployApp{t: t, name: "dep-" + hex.EncodeToString(b), dir: NewAppDir(t), home: NewUserHome(t), ns: Namespace(t)}
	if r := LainArgs(t, "", d.home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	p := filepath.Join(d.dir, "chart", "values.yaml")
	v, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	vs := strings.Replace(string(v), "appname: hello", "appname: "+d.name, 1) + extra
	if err := os.WriteFile(p, []byte(vs), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := d.lain("init", "--template-only"); r.Code != 0 {
		t.Fatalf("lain init --template-only: %s", r)
	}
	return d
}

func (d *deployApp) lain(args ...string) Result {
	d.t.Helper()
	return Lain(d.t, Cmd{Args: args, Dir: d.dir, Home: d.home, Timeout: 3 * time.Minute})
}

func (d *deployApp) mustLain(args ...string) Result {
	d.t.Helper()
	r := d.lain(args...)
	if r.Code != 0 {
		d.t.Fatalf("lain %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// push puts the lab's base image into the registry as the app's tag.
func (d *deployApp) push(tag string) {
	d.t.Helper()
	img := Lab.Registry + "/" + d.name + ":" + tag
	MustRun(d.t, "docker", "tag", Lab.BaseImage, img)
	MustRun(d.t, "docker", "push", img)
}

// image is the image of a deployment's first container.
func (d *deployApp) image(proc string) string {
	d.t.Helper()
	return strings.TrimSpace(MustKubectl(d.t, d.ns, "get", "deployment", d.name+"-"+proc, "-o", "jsonpath={.spec.template.spec.containers[0].image}"))
}

func wantIn(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("missing %q in:\n%s", sub, s)
		}
	}
}

// First deploy, upgrade to another image, rollback to the right revision,
// get-values, redeploy.
func TestDeployUpgradeRollback(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.push("v2")

	r := d.mustLain("deploy", "--wait")
	wantIn(t, r.Stderr,
		"$ kubectl create secret generic "+d.name+"-env",
		"$ helm upgrade --timeout=300s --set cluster=lab,user=",
		",imageTag=latest --install -f ",
		" "+d.name+" ./chart\n",
		"rollout: "+d.name+"-web: 1/1 updated, 1/1 ready (done)",
		"deployed "+d.name+" revision 1 to lab: "+Lab.Registry+"/"+d.name+":latest")
	if img := d.image("web"); img != Lab.Registry+"/"+d.name+":latest" {
		t.Errorf("image %s", img)
	}
	MustKubectl(t, d.ns, "get", "secret", d.name+"-env")

	r = d.mustLain("--ignore-lint", "deploy", "--wait", "--set", "imageTag=v2")
	wantIn(t, r.Stderr, "--set imageTag=v2", "deployed "+d.name+" revision 2", "previous: revision 1 (latest)")
	if img := d.image("web"); img != Lab.Registry+"/"+d.name+":v2" {
		t.Errorf("image after upgrade %s", img)
	}

	// A failed revision 3 must be skipped by rollback. The chart's values
	// schema stops a wrong type before helm makes a revision, so the value
	// is one only the API server refuses (an impossible CPU quantity).
	r = d.lain("--ignore-lint", "deploy", "--set", "imageTag=v2", "--set", "deployments.web.resources.requests.cpu=lots")
	if r.Code == 0 {
		t.Fatalf("a deploy the API server must refuse succeeded:\n%s", r)
	}
	r = d.mustLain("rollback", "--wait")
	wantIn(t, r.Stderr, "to revision 2 (imageTag v2", "$ helm rollback "+d.name+" 2")
	// Revision 4 is the rollback; the one before that ran is 2 again.
	r = d.mustLain("rollback", "--revision", "1")
	wantIn(t, r.Stderr, "from revision 4 (deployed) to revision 1 (imageTag latest", "$ helm rollback "+d.name+" 1")
	if img := d.image("web"); img != Lab.Registry+"/"+d.name+":latest" {
		t.Errorf("image after rollback %s", img)
	}
	r = d.mustLain("get-values")
	wantIn(t, r.Stdout, "imageTag: latest")

	r = d.mustLain("--ignore-lint", "redeploy", "--wait")
	wantIn(t, r.Stderr, "with its running image tag latest", "imageTag=latest")
	wantIn(t, r.Stderr, "no pod was recreated", "lain restart")
}

// An image that is not in the registry: the error lists recent tags and
// the two commands that fix it.
func TestDeployMissingImage(t *testing.T) {
	d := newDeployApp(t, "")
	r := d.lain("--ignore-lint", "deploy")
	if r.Code == 0 {
		t.Fatalf("deploy without an image succeeded: %s", r)
	}
	wantIn(t, r.Stderr, "image "+Lab.Registry+"/"+d.name+":latest is not in the registry", "lain deploy --build")
	d.push("1700000000-abcdef1")
	d.push("1700000099-abcdef2")
	r = d.lain("--ignore-lint", "deploy")
	if r.Code == 0 {
		t.Fatalf("deploy without an image succeeded: %s", r)
	}
	wantIn(t, r.Stderr, "recent tags:\n  1700000099-abcdef2\n  1700000000-abcdef1",
		"next: lain deploy --set imageTag=1700000099-abcdef2", "lain deploy --build")
	if strings.Contains(r.Stderr, "helm upgrade") {
		t.Error("helm ran although the image is missing")
	}
}

// Pods that cannot start stop the deploy in seconds, with the reason, the
// last log lines and what to do next.
func TestDeployFailsFast(t *testing.T) {
	for _, c := range []struct{ simulate, reason, next string }{
		{"crashloop", "CrashLoopBackOff", "lain logs web"},
		{"imagepull", "ImagePullBackOff", "lain rollback"},
		{"configerror", "CreateContainerConfigError", "lain env show"},
		{"oomkilled", "OOMKilled", "resources.limits.memory"},
	} {
		t.Run(c.simulate, func(t *testing.T) {
			d := newDeployApp(t, "labels:\n  lain-lab/simulate: "+c.simulate+"\n")
			d.push("latest")
			start := time.Now()
			r := d.lain("--ignore-lint", "deploy", "--wait")
			if r.Code == 0 {
				t.Fatalf("deploy succeeded: %s", r)
			}
			if took := time.Since(start); took > 90*time.Second {
				t.Errorf("took %s: not fast", took)
			}
			wantIn(t, r.Stderr, "cannot start: "+c.reason, "recent events of "+d.name+"-web-", c.next)
			if c.simulate == "crashloop" {
				wantIn(t, r.Stderr, "last log lines of", "exited with code 1")
			}
		})
	}
}

// A hook job that fails: helm fails and lain prints the job's logs.
func TestDeployFailedHookJob(t *testing.T) {
	d := newDeployApp(t, "labels:\n  lain-lab/simulate: fail\njobs:\n  migrate:\n    backoffLimit: 0\n    command: [\"sh\", \"-c\", \"exit 1\"]\n")
	d.push("latest")
	r := d.lain("--ignore-lint", "deploy", "--timeout", "60")
	if r.Code == 0 {
		t.Fatalf("deploy succeeded: %s", r)
	}
	wantIn(t, r.Stderr, "job "+d.name+"-migrate failed; its last log lines:", "helm upgrade of "+d.name+" failed")
}

// A hook job whose pod cannot start: helm waits silently until its
// --timeout, so lain says so while helm waits, and explains it when helm
// gives up.
func TestDeployHookPodThatCannotStart(t *testing.T) {
	d := newDeployApp(t, "labels:\n  lain-lab/simulate: imagepull\njobs:\n  migrate:\n    command: [\"sh\", \"-c\", \"true\"]\n")
	d.push("latest")
	r := d.lain("--ignore-lint", "deploy", "--timeout", "25")
	if r.Code == 0 {
		t.Fatalf("deploy succeeded: %s", r)
	}
	job := d.name + "-migrate"
	notice := "lain: helm is waiting for hook job " + job + ", whose pod " + job + "-"
	wantIn(t, r.Stderr, notice, "cannot start: ImagePullBackOff",
		"helm fails the deploy when its --timeout (25s) runs out; to look now: kubectl describe pod "+job+"-",
		"helm upgrade of "+d.name+" failed while its hook job "+job+" waited for a pod that cannot start",
		"recent events of "+job+"-", "deploy failed: pod "+job+"-", "lain version")
	// Told while helm waited: before helm's own error.
	if i, j := strings.Index(r.Stderr, notice), strings.Index(r.Stderr, "Error: "); j >= 0 && i > j {
		t.Errorf("the notice came after helm returned:\n%s", r.Stderr)
	}
	if strings.Count(r.Stderr, notice) != 1 {
		t.Errorf("told more than once:\n%s", r.Stderr)
	}
}

// A release left in pending-upgrade is explained, and rolled back first
// with --auto-pilot.
func TestDeployStuckRelease(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy")
	d.mustLain("--ignore-lint", "deploy")
	setReleaseStatus(t, d.ns, d.name, 2, "pending-upgrade")

	r := d.lain("--ignore-lint", "deploy")
	if r.Code == 0 {
		t.Fatalf("deploy of a stuck release succeeded: %s", r)
	}
	wantIn(t, r.Stderr, "release "+d.name+" is stuck in pending-upgrade (revision 2", "lain --auto-pilot deploy", "helm rollback "+d.name+" 1")
	r = d.mustLain("--ignore-lint", "--auto-pilot", "deploy")
	wantIn(t, r.Stderr, "$ helm rollback "+d.name+" 1", "deployed "+d.name+" revision 4")
}

// --dry-run prints the commands that change things and runs none of them.
func TestDeployDryRunChangesNothing(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	r := d.mustLain("--dry-run", "deploy", "--wait")
	wantIn(t, r.Stderr, "$ kubectl create secret generic "+d.name+"-env  # dry run: not run", "--install -f ", "./chart  # dry run: not run")
	if out := MustRun(t, "helm", "--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "list", "-q", "--all").Stdout; strings.TrimSpace(out) != "" {
		t.Errorf("helm releases after a dry run: %s", out)
	}
	if out := MustKubectl(t, d.ns, "get", "secrets,deployments", "-o", "name"); strings.TrimSpace(out) != "" {
		t.Errorf("objects after a dry run: %s", out)
	}
}

// update-image changes only the named proc's image.
func TestUpdateImageOnlyNamedProc(t *testing.T) {
	d := newDeployApp(t, "  worker:\n    replicaCount: 1\n    command: [\"sleep\", \"3600\"]\n")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy", "--wait")
	d.push("1700000000-abcdef1")
	r := d.mustLain("update-image", "worker", "--deduce", "--wait")
	wantIn(t, r.Stderr, "--reuse-values --set deployments.worker.imageTag=1700000000-abcdef1")
	if img := d.image("worker"); img != Lab.Registry+"/"+d.name+":1700000000-abcdef1" {
		t.Errorf("worker image %s", img)
	}
	if img := d.image("web"); img != Lab.Registry+"/"+d.name+":latest" {
		t.Errorf("web image changed: %s", img)
	}
}

// restart --graceful replaces one pod at a time, each after every pod is
// ready again.
func TestRestartGraceful(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy", "--wait", "--set", "deployments.web.replicaCount=2")
	pods := strings.Fields(MustKubectl(t, d.ns, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"))
	if len(pods) != 2 {
		t.Fatalf("pods %v", pods)
	}
	r := d.mustLain("restart", "web", "--graceful")
	e := r.Stderr
	i1 := strings.Index(e, "$ kubectl delete pod ")
	i2 := strings.Index(e, "restart: 1/2: ")
	i3 := strings.LastIndex(e, "$ kubectl delete pod ")
	i4 := strings.Index(e, "restart: 2/2: ")
	if !(i1 >= 0 && i1 < i2 && i2 < i3 && i3 < i4) {
		t.Fatalf("not one at a time: %s", e)
	}
	now := MustKubectl(t, d.ns, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}")
	for _, p := range pods {
		if strings.Contains(now, p) {
			t.Errorf("pod %s was not replaced: %s", p, now)
		}
	}
	d.mustLain("wait")
}

// setReleaseStatus rewrites a helm release revision's status in its
// Secret, as an interrupted helm leaves it.
func setReleaseStatus(t *testing.T, ns, rel string, rev int, status string) {
	t.Helper()
	name := fmt.Sprintf("sh.helm.release.v1.%s.v%d", rel, rev)
	raw := strings.TrimSpace(MustKubectl(t, ns, "get", "secret", name, "-o", "jsonpath={.data.release}"))
	b, err := base64.StdEncoding.DecodeString(raw) // the Secret's encoding
	if err != nil {
		t.Fatal(err)
	}
	gz, err := base64.StdEncoding.DecodeString(string(b)) // helm's
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(zr)
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	m["info"].(map[string]any)["status"] = status
	js, _ = json.Marshal(m)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(js)
	zw.Close()
	enc := base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString(buf.Bytes())))
	patch := fmt.Sprintf(`{"data":{"release":%q},"metadata":{"labels":{"status":%q}}}`, enc, status)
	if r := KubectlQuiet(t, ns, "patch", "secret", name, "--type=merge", "-p", patch); r.Code != 0 {
		t.Fatalf("kubectl patch secret %s: exit %d: %s", name, r.Code, r.Stderr)
	}
}

// With tests in the values, deploy runs helm test --logs after the rollout
// (the lab completes bare pods: lab/kwok/stages/lab-pod-complete-never.yaml).
func TestDeployRunsHelmTest(t *testing.T) {
	d := newDeployApp(t, "tests:\n  smoke:\n    command: [\"true\"]\n")
	d.push("latest")
	r := d.lain("--ignore-lint", "deploy", "--wait", "--timeout", "30")
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	wantIn(t, r.Stderr, "$ helm test "+d.name+" --logs --timeout=30s")
}

// --build builds and pushes the missing image in-process, then deploys it;
// finished one-off jobs of the app are cleaned up on the way.
func TestDeployBuildsMissingImageAndCleansJobs(t *testing.T) {
	d := newDeployApp(t, "")
	r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "apply", "-f", "-"}, Stdin: fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata:
  name: %[1]s-oneoff
  labels: {app.kubernetes.io/name: %[1]s, lain.dev/one-off: "true"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: %[2]s}]
`, d.name, Lab.BaseImage)})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	Eventually(t, 60*time.Second, "the one-off job to finish", func() error {
		if s := KubectlQuiet(t, d.ns, "get", "job", d.name+"-oneoff", "-o", "jsonpath={.status.succeeded}").Stdout; strings.TrimSpace(s) != "1" {
			return fmt.Errorf("succeeded %q", s)
		}
		return nil
	})
	r = d.mustLain("--ignore-lint", "deploy", "--build", "--wait")
	wantIn(t, r.Stderr, "is not in the registry yet: building and pushing it first", "$ docker build", "$ docker push "+Lab.Registry+"/"+d.name+":latest",
		"$ kubectl delete job "+d.name+"-oneoff", "deployed "+d.name+" revision 1")
	if !contains(registryTags(t, "lain/"+d.name), "latest") {
		t.Error("image not pushed")
	}
}

// nodes: deploy labels those nodes <appname>-<proc>=true, which the chart's
// node affinity asks for.
func TestDeployLabelsNodes(t *testing.T) {
	d := newDeployApp(t, "    nodes: [lab-node]\n")
	d.push("latest")
	key := d.name + "-web"
	t.Cleanup(func() { Kubectl(t, "", "label", "node", "lab-node", key+"-") })
	r := d.mustLain("--ignore-lint", "deploy", "--wait")
	wantIn(t, r.Stderr, "$ kubectl label node lab-node "+key+"=true --overwrite")
	if v := MustKubectl(t, "", "get", "node", "lab-node", "-o", "jsonpath={.metadata.labels."+key+"}"); strings.TrimSpace(v) != "true" {
		t.Errorf("node label %q", v)
	}
}

// delete asks for --force off a terminal; --purge also deletes the env
// Secret.
func TestDeleteNeedsForceAndPurges(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy", "--wait")
	r := d.lain("delete")
	if r.Code == 0 || !strings.Contains(r.Stderr, "--force") {
		t.Fatalf("delete without --force: %s", r)
	}
	r = d.mustLain("delete", "--force", "--purge")
	wantIn(t, r.Stderr, "$ helm uninstall "+d.name, "$ kubectl delete secret "+d.name+"-env "+d.name+"-secret --ignore-not-found")
	if out := MustKubectl(t, d.ns, "get", "deployments,secrets", "-o", "name"); strings.TrimSpace(out) != "" {
		t.Errorf("left after delete --purge: %s", out)
	}
}

// A pod that no node can take (the lab's real scheduler finds no room)
// fails the deploy fast with the scheduler's reason, not at helm's timeout.
func TestDeployUnschedulableFailsFast(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	start := time.Now()
	r := d.lain("--ignore-lint", "deploy", "--wait", "--set", "deployments.web.resources.requests.cpu=5000", "--set", "deployments.web.resources.limits.cpu=5000")
	if r.Code == 0 {
		t.Fatalf("deploy of an unschedulable pod succeeded:\n%s", r)
	}
	if time.Since(start) > 60*time.Second {
		t.Errorf("took %s: not fail-fast", time.Since(start))
	}
	wantIn(t, r.Stderr, "Unschedulable", "Insufficient cpu")
}

// Values given on a pipe reach helm whole: -f - (standard input) and a
// named pipe, as the shell's <(...) gives. lain reads the values before
// helm does, and a pipe gives its content to one reader only: helm got
// nothing and the app deployed without them.
func TestDeployValuesFromAPipe(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	r := Lain(t, Cmd{Args: []string{"-f", "-", "deploy"}, Dir: d.dir, Home: d.home, Stdin: "deployments:\n  web:\n    replicaCount: 2\n"})
	if r.Code != 0 {
		t.Fatalf("deploy -f -: %s", r)
	}
	if got := MustKubectl(t, d.ns, "get", "deployment", d.name+"-web", "-o", "jsonpath={.spec.replicas}"); got != "2" {
		t.Errorf("replicas after -f -: %q", got)
	}
	fifo := filepath.Join(t.TempDir(), "values")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.WriteString("deployments:\n  web:\n    replicaCount: 3\n")
			f.Close()
		}
	}()
	r = d.mustLain("-f", fifo, "template")
	if !strings.Contains(r.Stdout, "replicas: 3\n") {
		t.Errorf("template -f FIFO:\n%s", r.Stdout)
	}
}
