//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A new team member's first minutes on the lab: lain use, then lain doctor.
func TestUseAndDoctorOnTheLab(t *testing.T) {
	home := NewUserHome(t)

	r := LainArgs(t, "", home, "use", "lab")
	if r.Code != 0 || !strings.Contains(r.Stderr, "now on cluster lab: the local lab") {
		t.Fatalf("lain use lab:\n%s", r)
	}
	// kubectl's skew check against the real apiserver passed quietly.
	if strings.Contains(r.Stderr, "warning:") {
		t.Errorf("unexpected warning:\n%s", r)
	}
	target, err := os.Readlink(filepath.Join(home, ".kube", "config"))
	if err != nil || filepath.Base(target) != "kubeconfig-lab" {
		t.Fatalf("~/.kube/config -> %q (%v)", target, err)
	}
	// kubectl (not lain) now talks to the lab, in the test's namespace.
	if out := Run(t, "kubectl", Cmd{Args: []string{"config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}"}, Home: home}); out.Stdout != Namespace(t) {
		t.Fatalf("kubectl namespace %q, want %q", out.Stdout, Namespace(t))
	}

	r = LainArgs(t, "", home, "use")
	if r.Code != 0 || r.Stdout != "* lab\n" {
		t.Fatalf("lain use (list):\n%s", r)
	}

	r = LainArgs(t, "", home, "doctor")
	if r.Code != 0 || strings.Contains(r.Stdout, "FAIL") || !strings.Contains(r.Stdout, "all required checks passed") {
		t.Fatalf("lain doctor on the lab:\n%s", r)
	}
	for _, want := range []string{"apiserver          Kubernetes v1.33.13 answers", "registry login     127.0.0.1:5000 answers without a login", "helm 3.16.3"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r.Stdout)
		}
	}
}

// --set-context runs kubectl through the runner and prints the line.
func TestUseSetContextOnTheLab(t *testing.T) {
	home := NewUserHome(t)
	r := LainArgs(t, "", home, "use", "lab", "--set-context")
	if r.Code != 0 || !strings.Contains(r.Stderr, "$ kubectl config set-context --current --namespace=default\n") {
		t.Fatalf("%s", r)
	}
	out := Run(t, "kubectl", Cmd{Args: []string{"config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}"}, Home: home})
	if out.Stdout != "default" {
		t.Fatalf("namespace %q", out.Stdout)
	}
}

// A broken prerequisite on the real lab: the apiserver address is wrong.
func TestDoctorReportsUnreachableCluster(t *testing.T) {
	home := NewUserHome(t)
	kc := filepath.Join(home, ".kube", "kubeconfig-lab")
	b, _ := os.ReadFile(kc)
	os.WriteFile(kc, []byte(strings.Replace(string(b), "https://127.0.0.1:6443", "https://127.0.0.1:1", 1)), 0o600)
	if r := LainArgs(t, "", home, "use", "lab"); r.Code != 0 || !strings.Contains(r.Stderr, "did not answer") {
		t.Fatalf("lain use should warn, not fail:\n%s", r)
	}
	r := LainArgs(t, "", home, "doctor")
	if r.Code == 0 || !strings.Contains(r.Stdout, "FAIL  apiserver          cluster lab did not answer within 3s") ||
		!strings.Contains(r.Stdout, "fix: check your network or VPN, then: kubectl get ns") {
		t.Fatalf("%s", r)
	}
}
