//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/lain-cli/lain/internal/testenv"
)

// adminUserEnv is the environment of a lab user whose kubeconfig's
// namespace is ns (the lab's admin credentials).
func adminUserEnv(t *testing.T, ns string) []string {
	t.Helper()
	data, err := os.ReadFile(Lab.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(data), "\n    namespace: default\n", "\n    namespace: "+ns+"\n", 1)
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"KUBECONFIG=" + p, "CI=true"}
}

func deployment(name, simulate string, replicas int) string {
	label := ""
	if simulate != "" {
		label = "\n        lain-lab/simulate: " + simulate
	}
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  replicas: %[3]d
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels:
        app: %[1]s%[2]s
    spec:
      containers:
      - name: main
        image: %[4]s
---
`, name, label, replicas, Lab.BaseImage)
}

func applyIn(t *testing.T, ns, manifest string) {
	t.Helper()
	r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "-n", ns, "apply", "-f", "-"}, Stdin: manifest})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
}

// statusGroups reads `lain admin status -s` output: the pod lines (ns/pod)
// under each reason.
func statusGroups(out string) map[string][]string {
	groups := map[string][]string{}
	reason := ""
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") && strings.HasSuffix(l, "):"):
			reason = strings.TrimSpace(l[:strings.LastIndex(l, " (")])
		case strings.HasPrefix(l, "    ") && reason != "":
			groups[reason] = append(groups[reason], strings.Fields(l)[0])
		case !strings.HasPrefix(l, "  "):
			reason = ""
		}
	}
	return groups
}

func hasPrefixed(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestAdminStatusAndDeleteBadPod(t *testing.T) {
	ns1 := NewNamespace(t)
	ns2 := NewNamespace(t)
	env1 := adminUserEnv(t, ns1)

	applyIn(t, ns1, deployment("web", "", 1)+deployment("crash", "crashloop", 1)+`apiVersion: batch/v1
kind: Job
metadata:
  name: batch
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {lain-lab/simulate: fail}
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: `+Lab.BaseImage+`
---
apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: main
    image: `+Lab.BaseImage+`
    resources:
      requests: {cpu: "5000"}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: down
spec:
  rules:
  - host: down.admin-e2e.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
  - host: slow.admin-e2e.example
    http:
      paths:
      - path: /slow
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
`)
	applyIn(t, ns2, deployment("pull", "imagepull", 1)+deployment("oom", "oomkilled", 1)+deployment("cfg", "configerror", 1))

	// A node kwok does not manage (no kwok.x-k8s.io/node annotation): it
	// never reports Ready. Cordoned and tainted so nothing lands on it.
	b := make([]byte, 3)
	rand.Read(b)
	node := "e2e-admin-notready-" + hex.EncodeToString(b)
	r := Run(t, "kubectl", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "apply", "-f", "-"}, Stdin: `apiVersion: v1
kind: Node
metadata:
  name: ` + node + `
spec:
  unschedulable: true
  taints:
  - {key: lain-lab/e2e-admin, effect: NoSchedule}
`})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	t.Cleanup(func() { Kubectl(t, "", "delete", "node", node, "--wait=false") })

	// The ingress controller's stand-in: down answers 503, slow never
	// answers within the 2 s cap.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Host, "slow.") {
			time.Sleep(5 * time.Second)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	var out Result
	Eventually(t, 90*time.Second, "every broken pod in its group", func() error {
		start := time.Now()
		out = Lain(t, Cmd{Args: []string{"admin", "status", "-s", "--via", ln.Addr().String()}, Env: env1, Quiet: true})
		if took := time.Since(start); took > 20*time.Second {
			t.Fatalf("admin status took %s (URL probes are capped at 2 s, in parallel)", took)
		}
		g := statusGroups(out.Stdout)
		for reason, prefix := range map[string]string{
			"CrashLoopBackOff":           ns1 + "/crash-",
			"Error":                      ns1 + "/batch-",
			"Pending/Unschedulable":      ns1 + "/huge",
			"ImagePullBackOff":           ns2 + "/pull-",
			"OOMKilled":                  ns2 + "/oom-",
			"CreateContainerConfigError": ns2 + "/cfg-",
		} {
			if !hasPrefixed(g[reason], prefix) {
				return fmt.Errorf("no %s... under %s:\n%s", prefix, reason, out.Stdout)
			}
		}
		if hasPrefixed(g["CrashLoopBackOff"], ns2+"/oom-") {
			return fmt.Errorf("oom pod counted as a crash loop")
		}
		return nil
	})
	t.Logf("%s", out)
	if out.Code != 1 {
		t.Errorf("exit %d, want 1 (unhealthy)", out.Code)
	}
	for _, want := range []string{
		"  " + node + "\n",
		"503  http://down.admin-e2e.example/  BAD",
		"---  http://slow.admin-e2e.example/slow  (no answer from here: no answer in 2s)",
		"pods unhealthy, 1 URL answering 5xx (every namespace)",
	} {
		if !strings.Contains(out.Stdout+out.Stderr, want) {
			t.Errorf("admin status -s does not say %q", want)
		}
	}
	if strings.Contains(out.Stdout, ns1+"/web-") {
		t.Errorf("healthy pod web listed")
	}

	// delete-bad-pod: off a terminal it refuses without --yes.
	r = Lain(t, Cmd{Args: []string{"admin", "delete-bad-pod"}, Env: env1})
	if r.Code == 0 || !strings.Contains(r.Stderr, "--yes") {
		t.Fatalf("delete-bad-pod without --yes off a terminal: want a refusal naming --yes\n%s", r)
	}
	crashPod := strings.TrimSpace(MustKubectl(t, ns1, "get", "pods", "-l", "app=crash", "-o", "jsonpath={.items[0].metadata.name}"))
	r = Lain(t, Cmd{Args: []string{"--dry-run", "admin", "delete-bad-pod"}, Env: env1})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	for _, want := range []string{
		"kubectl delete pod " + crashPod + " -n " + ns1,
		"kubectl delete job batch -n " + ns1,
		"kubectl delete pod huge -n " + ns1,
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("dry run does not print %q", want)
		}
	}
	if strings.Count(r.Stderr, "kubectl delete job batch") != 1 || strings.Contains(r.Stderr, ns2) || strings.Contains(r.Stderr, "web-") {
		t.Errorf("dry run: the job once, nothing of %s, not the healthy pod:\n%s", ns2, r.Stderr)
	}
	if MustKubectl(t, ns1, "get", "job", "batch", "-o", "name") == "" {
		t.Fatal("dry run deleted the job")
	}
	ns2Pods := MustKubectl(t, ns2, "get", "pods", "-o", "name")

	r = Lain(t, Cmd{Args: []string{"admin", "delete-bad-pod", "--yes"}, Env: env1})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	if g := Kubectl(t, ns1, "get", "job", "batch"); g.Code == 0 {
		t.Errorf("job batch still there after delete-bad-pod")
	}
	if g := Kubectl(t, ns1, "get", "pod", "huge"); g.Code == 0 && !strings.Contains(g.Stdout, "Terminating") {
		t.Errorf("pod huge still there after delete-bad-pod")
	}
	if got := MustKubectl(t, ns2, "get", "pods", "-o", "name"); got != ns2Pods {
		t.Errorf("pods of %s changed without --all-namespaces:\nbefore %s\nafter %s", ns2, ns2Pods, got)
	}
}

// saKubeconfig is a kubeconfig for ServiceAccount sa of ns, with a
// token, its context's namespace ns.
func saKubeconfig(t *testing.T, ns, sa string) string {
	t.Helper()
	server := MustKubectl(t, "", "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	ca := MustKubectl(t, "", "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}")
	token := strings.TrimSpace(MustKubectl(t, ns, "create", "token", sa, "--duration", "1h"))
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: {server: %q, certificate-authority-data: %q}
users:
- name: %[3]s
  user: {token: %[4]q}
contexts:
- name: lab
  context: {cluster: lab, user: %[3]s, namespace: %[5]s}
current-context: lab
`, server, ca, sa, token, ns)
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A user whose Role covers one namespace gets that namespace's report, and
// the refusals name the verb and resource.
func TestAdminNamespaceScopedUser(t *testing.T) {
	ns := NewNamespace(t)
	applyIn(t, ns, deployment("web", "", 1)+`apiVersion: v1
kind: ServiceAccount
metadata:
  name: viewer
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: viewer
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io"]
  resources: [pods, deployments, jobs, ingresses]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewer
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: viewer}
subjects:
- {kind: ServiceAccount, name: viewer, namespace: `+ns+`}
`)
	Eventually(t, 60*time.Second, "web ready", func() error {
		if got := KubectlQuiet(t, ns, "get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}").Stdout; got != "1" {
			return fmt.Errorf("ready %q", got)
		}
		return nil
	})
	env := []string{"KUBECONFIG=" + saKubeconfig(t, ns, "viewer"), "CI=true"}
	user := "system:serviceaccount:" + ns + ":viewer"

	r := Lain(t, Cmd{Args: []string{"admin", "status", "-s"}, Env: env})
	if r.Code != 0 {
		t.Errorf("a healthy namespace: want exit 0\n%s", r)
	}
	for _, want := range []string{
		"note: nodes not shown: the cluster's RBAC refused it: " + user + " may not list nodes (at cluster scope)",
		"note: only the current namespace is shown: the cluster's RBAC refused it: " + user + " may not list pods (at cluster scope)",
		"the cluster is healthy (current namespace only)",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("admin status -s does not say %q", want)
		}
	}

	r = Lain(t, Cmd{Args: []string{"admin", "delete-bad-pod", "--all-namespaces", "--yes"}, Env: env})
	want := "kubectl get pods --all-namespaces -o json failed: the cluster's RBAC refused it: " + user + " may not list pods (at cluster scope)"
	if r.Code != 1 || !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, "next: ask your cluster admin to let "+user+" list pods") {
		t.Errorf("want exit 1 and %q\n%s", want, r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "get", "secrets", "--annotations", "a=b"}, Env: env})
	if want := user + " may not list secrets in namespace " + ns; r.Code != 1 || !strings.Contains(r.Stderr, want) {
		t.Errorf("want exit 1 and %q\n%s", want, r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "x", "--", "true"}, Env: env})
	if want := user + " may not create pods/exec in namespace " + ns; r.Code != 1 || !strings.Contains(r.Stderr, want) {
		t.Errorf("want exit 1 and %q\n%s", want, r)
	}

	// Reading is allowed, deleting is not.
	applyIn(t, ns, deployment("crash", "crashloop", 1))
	Eventually(t, 60*time.Second, "crash pod in CrashLoopBackOff", func() error {
		r := KubectlQuiet(t, ns, "get", "pods", "-l", "app=crash", "-o", "jsonpath={.items[0].status.containerStatuses[0].state.waiting.reason}")
		if r.Stdout != "CrashLoopBackOff" {
			return fmt.Errorf("%q", r.Stdout)
		}
		return nil
	})
	r = Lain(t, Cmd{Args: []string{"admin", "delete-bad-pod", "--yes"}, Env: env})
	if want := user + " may not delete pods in namespace " + ns; r.Code != 1 || !strings.Contains(r.Stderr, want) {
		t.Errorf("want exit 1 and %q\n%s", want, r)
	}

	// helm cannot read the release (its Secret): the list still comes,
	// with a warning that names the refusal.
	home := NewUserHome(t)
	kc, _ := os.ReadFile(strings.TrimPrefix(env[0], "KUBECONFIG="))
	os.WriteFile(filepath.Join(home, ".kube", "kubeconfig-lab"), kc, 0o600)
	if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Home: home}); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	if r := Run(t, "helm", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "install", "shop", filepath.Join(Lab.Repo, "lab", "demo-chart"), "-n", ns,
		"--set", "appname=shop,registry=127.0.0.1:5000/lab,user=ann,deployments.web.replicaCount=1"}}); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "list-singletons"}, Home: home, Env: []string{"CI=true"}})
	if r.Code != 0 || !strings.Contains(r.Stdout, "shop-web") || !strings.Contains(r.Stderr, user+" may not list secrets in namespace "+ns) {
		t.Errorf("list-singletons without helm access: want the list and a warning naming the refusal\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "list-singletons", "-A"}, Home: home, Env: []string{"CI=true"}})
	if r.Code != 1 || !strings.Contains(r.Stderr, user+" may not list deployments.apps (at cluster scope)") && !strings.Contains(r.Stderr, user+" may not list deployments (at cluster scope)") {
		t.Errorf("list-singletons -A: want the refusal\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "list-waste", "-A"}, Home: home, Env: []string{"CI=true"}})
	if r.Code != 1 || !strings.Contains(r.Stderr, user+" may not list deployments.apps (at cluster scope)") && !strings.Contains(r.Stderr, user+" may not list deployments (at cluster scope)") {
		t.Errorf("list-waste -A: want the refusal\n%s", r)
	}
}

func TestAdminGetAndX(t *testing.T) {
	ns := NewNamespace(t)
	env := adminUserEnv(t, ns)
	applyIn(t, ns, deployment("web", "", 1)+deployment("worker", "", 2)+deployment("crash", "crashloop", 1))
	MustKubectl(t, ns, "annotate", "deploy", "web", "team=blue", "tier=front")
	MustKubectl(t, ns, "annotate", "deploy", "worker", "team=blue")

	r := Lain(t, Cmd{Args: []string{"admin", "get", "deploy", "--annotations", "team=blue,tier=front"}, Env: env})
	if r.Code != 0 || !strings.Contains(r.Stdout, "Deployment   web") || strings.Contains(r.Stdout, "worker") {
		t.Errorf("get --annotations team=blue,tier=front: want web only\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "get", "deploy", "-A", "--annotations", "team=blue"}, Env: env})
	if r.Code != 0 || !strings.Contains(r.Stdout, ns+"   Deployment   web") || !strings.Contains(r.Stdout, ns+"   Deployment   worker") || strings.Contains(r.Stdout, "crash") {
		t.Errorf("get -A --annotations team=blue: want web and worker\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "get", "deploy", "--annotations", "=x"}, Env: env})
	if r.Code != 2 || !strings.Contains(r.Stderr, "needs a key") {
		t.Errorf("a bad --annotations: want a usage error\n%s", r)
	}

	Eventually(t, 60*time.Second, "web and worker ready", func() error {
		for d, n := range map[string]string{"web": "1", "worker": "2"} {
			if got := KubectlQuiet(t, ns, "get", "deploy", d, "-o", "jsonpath={.status.readyReplicas}").Stdout; got != n {
				return fmt.Errorf("%s ready %q", d, got)
			}
		}
		return nil
	})
	// kwok's exec runs on the host, in the lab's exec dir (lab/README.md).
	r = Lain(t, Cmd{Args: []string{"admin", "x", "--", "cat", "lab-exec.txt"}, Env: env})
	if r.Code != 0 || strings.Count(r.Stdout, "hello from the lab exec dir") != 2 ||
		!strings.Contains(r.Stdout, "(deployment web): ok") || !strings.Contains(r.Stdout, "(deployment worker): ok") || strings.Contains(r.Stdout, "crash") {
		t.Errorf("x: want one pod of web and of worker\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "x", "--", "cat", "no-such-file"}, Env: env})
	if r.Code != 1 || strings.Contains(r.Stdout, "==>") || !strings.Contains(r.Stderr, "the command failed in 2 of 2 pods") {
		t.Errorf("x failing: want exit 1, failures hidden\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"admin", "x", "--all", "--", "cat", "no-such-file"}, Env: env})
	if r.Code != 1 || strings.Count(r.Stdout, "FAILED") != 2 || !strings.Contains(r.Stdout, "no-such-file") {
		t.Errorf("x --all: want both failures shown\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"--dry-run", "admin", "x", "--", "rm", "-rf", "x"}, Env: env})
	if r.Code != 0 || strings.Count(r.Stderr, "# dry run: not run") != 2 {
		t.Errorf("x --dry-run: want two printed execs\n%s", r)
	}
}

// clusterValuesWith is a copy of the lab's cluster values dir with extra
// YAML appended to values-lab.yaml.
func clusterValuesWith(t *testing.T, extra string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Lab.ClusterValuesDir, "values-lab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "values-lab.yaml"), append(data, "\n"+extra...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAdminListSingletons(t *testing.T) {
	ns := NewNamespace(t)
	home := NewUserHome(t)
	env := []string{"CLUSTER_VALUES_DIR=" + clusterValuesWith(t, "admin_singletons_ignore:\n  - "+ns+"/ignored\n  - other-ns/lonely\n"), "CI=true"}
	if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Home: home, Env: env}); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	r := Run(t, "helm", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "install", "shop", filepath.Join(Lab.Repo, "lab", "demo-chart"), "-n", ns,
		"--set", "appname=shop,registry=127.0.0.1:5000/lab,user=ann,deployments.web.replicaCount=1,deployments.worker.replicaCount=3"}})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	applyIn(t, ns, deployment("lonely", "", 1)+deployment("ignored", "", 1)+deployment("pair", "", 2))

	r = Lain(t, Cmd{Args: []string{"admin", "list-singletons"}, Home: home, Env: env})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	var got []string
	for _, l := range lines[1:] {
		got = append(got, strings.Join(strings.Fields(l), " "))
	}
	want := []string{ns + " lonely - -", ns + " shop-web shop ann"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("list-singletons:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.Stderr, "helm get values shop -n "+ns+" -o json") {
		t.Errorf("the helm query is not printed:\n%s", r.Stderr)
	}
}

// sortedTags are repo's tags through the registry's HTTP API, sorted.
func sortedTags(t *testing.T, repo string) []string {
	t.Helper()
	tags := registryTags(t, repo)
	sort.Strings(tags)
	return tags
}

func pushRandom(t *testing.T, ref string, img v1.Image) v1.Image {
	t.Helper()
	if img == nil {
		var err error
		if img, err = random.Image(256, 1); err != nil {
			t.Fatal(err)
		}
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestAdminCleanupRegistry(t *testing.T) {
	ns := NewNamespace(t)
	home := NewUserHome(t)
	b := make([]byte, 3)
	rand.Read(b)
	prefix := "admin-e2e-" + hex.EncodeToString(b)
	values := clusterValuesWith(t, "")
	data, _ := os.ReadFile(filepath.Join(values, "values-lab.yaml"))
	data = []byte(strings.Replace(string(data), "registry: 127.0.0.1:5000/lain", "registry: 127.0.0.1:5000/"+prefix, 1))
	if err := os.WriteFile(filepath.Join(values, "values-lab.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLUSTER_VALUES_DIR=" + values, "CI=true"}
	if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Home: home, Env: env}); r.Code != 0 {
		t.Fatalf("%s", r)
	}

	repo := prefix + "/shop"
	base := "127.0.0.1:5000/" + repo + ":"
	tag := func(i int) string { return fmt.Sprintf("170000000%d-abcdef%d", i, i) }
	var t6 v1.Image
	for i := 1; i <= 6; i++ {
		img := pushRandom(t, base+tag(i), nil)
		if i == 6 {
			t6 = img
		}
	}
	pushRandom(t, base+"latest", nil)
	pushRandom(t, base+"prepare", nil)
	pushRandom(t, base+"old-same-as-newest", t6) // same image as a kept tag
	pushRandom(t, "127.0.0.1:5000/"+prefix+"/tiny:"+tag(1), nil)
	// A pod runs tag 1: it stays.
	applyIn(t, ns, strings.Replace(deployment("runs-old", "", 1), Lab.BaseImage, base+tag(1), 1))

	before := sortedTags(t, repo)
	t.Logf("tags before: %v", before)
	if len(before) != 9 {
		t.Fatalf("pushed 9 tags, registry has %v", before)
	}

	r := Lain(t, Cmd{Args: []string{"admin", "list-images"}, Home: home, Env: env})
	wantList := fmt.Sprintf("%[1]s%[2]s\n%[1]s%[3]s\n", base, tag(6), tag(5))
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, wantList) || !strings.Contains(r.Stdout, base+"prepare\n") ||
		!strings.Contains(r.Stdout, "127.0.0.1:5000/"+prefix+"/tiny:"+tag(1)+"\n") || strings.Count(r.Stdout, "\n") != 10 {
		t.Errorf("list-images: want 10 images, newest first\n%s", r)
	}

	r = Lain(t, Cmd{Args: []string{"admin", "cleanup-registry", "--keep", "2"}, Home: home, Env: env})
	if r.Code == 0 || !strings.Contains(r.Stderr, "--yes") {
		t.Errorf("off a terminal without --yes: want a refusal\n%s", r)
	}
	r = Lain(t, Cmd{Args: []string{"--dry-run", "admin", "cleanup-registry", "--keep", "2"}, Home: home, Env: env})
	if r.Code != 0 || strings.Count(r.Stderr, "# dry run: not run") != 3 {
		t.Errorf("dry run: want 3 printed deletes (tags 2, 3, 4)\n%s", r)
	}
	if got := sortedTags(t, repo); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Fatalf("dry run changed the registry: %v", got)
	}

	r = Lain(t, Cmd{Args: []string{"admin", "cleanup-registry", "--keep", "2", "--yes"}, Home: home, Env: env})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	for _, want := range []string{
		"curl -X DELETE http://127.0.0.1:5000/v2/" + repo + "/manifests/sha256:",
		repo + ":old-same-as-newest kept: it is the same image as a tag that is kept",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("cleanup does not say %q", want)
		}
	}
	after := sortedTags(t, repo)
	want := []string{tag(1), tag(5), tag(6), "latest", "old-same-as-newest", "prepare"}
	sort.Strings(want)
	if strings.Join(after, " ") != strings.Join(want, " ") {
		t.Errorf("tags after cleanup --keep 2:\n got %v\nwant %v (running %s, newest 2, latest, prepare, same image as newest)", after, want, tag(1))
	}
	if got := sortedTags(t, prefix+"/tiny"); len(got) != 1 {
		t.Errorf("a repository with one tag lost it: %v", got)
	}
	// Nothing left to do: a second run deletes nothing.
	r = Lain(t, Cmd{Args: []string{"admin", "cleanup-registry", "--keep", "2", "--yes"}, Home: home, Env: env})
	if r.Code != 0 || !strings.Contains(r.Stderr, "nothing to delete") {
		t.Errorf("second run: want nothing to delete\n%s", r)
	}
}

func ingress(name, release string, hosts ...string) string {
	ann := ""
	if release != "" {
		ann = "\n  annotations: {meta.helm.sh/release-name: " + release + "}"
	}
	var rules []string
	for _, h := range hosts {
		rules = append(rules, "  - host: "+h+"\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}")
	}
	return fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s%s\nspec:\n  rules:\n%s\n---\n", name, ann, strings.Join(rules, "\n"))
}

// The lab has no ingress controller: a local server stands in for it
// (--via), answering like a default backend for some hosts.
func TestAdminDeleteBadIng(t *testing.T) {
	ns := NewNamespace(t)
	env := adminUserEnv(t, ns)
	applyIn(t, ns, ingress("gone", "", "gone.e2e.example")+ingress("down", "", "down.e2e.example")+
		ingress("owned", "shop", "gone.e2e.example")+ingress("ok", "", "ok.e2e.example")+
		ingress("mixed", "", "ok.e2e.example", "gone.e2e.example")+ingress("slow", "", "slow.e2e.example")+
		ingress("api", "", "api.e2e.example"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.Split(r.Host, ".")[0] {
		case "gone":
			http.Error(w, "default backend - 404", http.StatusNotFound)
		case "down":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "api": // an app without a / route: its own 404, not the controller's
			http.Error(w, `{"error":"no route"}`, http.StatusNotFound)
		case "slow":
			time.Sleep(5 * time.Second)
			w.WriteHeader(http.StatusNotFound)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	via := []string{"--via", ln.Addr().String()}

	r := Lain(t, Cmd{Args: append([]string{"--dry-run", "admin", "delete-bad-ing"}, via...), Env: env})
	if r.Code != 0 || !strings.Contains(r.Stderr, "kubectl delete ingress gone -n "+ns+" --ignore-not-found --wait=false  # dry run: not run") ||
		strings.Count(r.Stderr, "kubectl delete ingress") != 1 ||
		!strings.Contains(r.Stdout, "helm delete shop -n "+ns) || !strings.Contains(r.Stdout, "no ready endpoints") ||
		!strings.Contains(r.Stdout, "kubectl delete ingress down -n "+ns) {
		t.Errorf("dry run: want gone deleted, down (503) only reported, helm delete for owned\n%s", r)
	}
	r = Lain(t, Cmd{Args: append([]string{"admin", "delete-bad-ing"}, via...), Env: env})
	if r.Code == 0 || !strings.Contains(r.Stderr, "--yes") {
		t.Errorf("off a terminal without --yes: want a refusal\n%s", r)
	}
	start := time.Now()
	r = Lain(t, Cmd{Args: append([]string{"admin", "delete-bad-ing", "--yes"}, via...), Env: env})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s: the slow URL must be cut at 2 s", took)
	}
	left := strings.Fields(MustKubectl(t, ns, "get", "ingress", "-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(left)
	if strings.Join(left, " ") != "api down mixed ok owned slow" {
		t.Errorf("ingresses left: %v, want api down mixed ok owned slow", left)
	}
}

// A registry that does not allow deletes: the error says how to enable
// them, not "docker login".
func TestAdminCleanupRegistryDeletesDisabled(t *testing.T) {
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		testenv.Missing(t, "docker-registry (Debian package docker-registry): "+err.Error())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp: {addr: %s}\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	Eventually(t, 10*time.Second, "the registry on "+addr, func() error {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
		}
		return err
	})
	pushRandom(t, addr+"/nodel/shop:1700000001-aaaaaaa", nil)
	pushRandom(t, addr+"/nodel/shop:1700000002-bbbbbbb", nil)

	NewNamespace(t)
	home := NewUserHome(t)
	values := clusterValuesWith(t, "")
	data, _ := os.ReadFile(filepath.Join(values, "values-lab.yaml"))
	data = []byte(strings.Replace(string(data), "registry: 127.0.0.1:5000/lain", "registry: "+addr+"/nodel", 1))
	os.WriteFile(filepath.Join(values, "values-lab.yaml"), data, 0o644)
	env := []string{"CLUSTER_VALUES_DIR=" + values, "CI=true"}
	if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Home: home, Env: env}); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	r := Lain(t, Cmd{Args: []string{"admin", "cleanup-registry", "--keep", "1", "--yes"}, Home: home, Env: env})
	if r.Code != 1 || !strings.Contains(r.Stderr, "UNSUPPORTED") || !strings.Contains(r.Stderr, "next: enable deletes in the registry") {
		t.Errorf("want the deletes-disabled advice\n%s", r)
	}
	if r := Lain(t, Cmd{Args: []string{"admin", "list-images"}, Home: home, Env: env}); r.Code != 0 || strings.Count(r.Stdout, addr+"/nodel/shop:") != 2 {
		t.Errorf("list-images: want both tags still there\n%s", r)
	}
}

// The full-screen admin status in a real terminal (tmux): it draws the
// report, q leaves with exit 0 and the terminal settings restored.
func TestAdminStatusFullScreen(t *testing.T) {
	ns := NewNamespace(t)
	env := adminUserEnv(t, ns)
	dir := t.TempDir()
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range labEnv("", append(env, "TERM=xterm-256color", "CI=")) {
		if k, v, ok := strings.Cut(kv, "="); ok && !strings.ContainsAny(k, "-.() ") && k != "" {
			fmt.Fprintf(&script, "export %s=%s\n", k, shellQuote(v))
		}
	}
	fmt.Fprintf(&script, "stty -g > %[1]s/before\n%[2]s admin status\necho $? > %[1]s/exit\nstty -g > %[1]s/after\nsleep 60\n", dir, shellQuote(Lab.LainBin))
	run := filepath.Join(dir, "run.sh")
	os.WriteFile(run, []byte(script.String()), 0o755)
	tm := testenv.StartTmux(t, 120, 40, run)
	screen := tm.Screen
	Eventually(t, 20*time.Second, "the report on screen", func() error {
		if s := screen(); !strings.Contains(s, "unhealthy pods (every namespace):") || !strings.Contains(s, "q: quit") {
			return fmt.Errorf("screen:\n%s", s)
		}
		return nil
	})
	tm.Keys("q")
	Eventually(t, 10*time.Second, "lain to exit", func() error {
		// The shell creates the file before stty writes it.
		if b, err := os.ReadFile(filepath.Join(dir, "after")); err != nil || len(b) == 0 {
			return fmt.Errorf("no terminal settings after lain yet (%v)", err)
		}
		return nil
	})
	code, _ := os.ReadFile(filepath.Join(dir, "exit"))
	before, _ := os.ReadFile(filepath.Join(dir, "before"))
	after, _ := os.ReadFile(filepath.Join(dir, "after"))
	if strings.TrimSpace(string(code)) != "0" || string(before) != string(after) {
		t.Errorf("exit %q; stty before %q after %q", code, before, after)
	}
}
