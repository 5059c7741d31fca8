//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// The canary's full cycle: deploy --canary, a group's annotations on the
// canary ingresses, --final promotes; then deploy --canary and --abort.
func TestCanaryCycle(t *testing.T) {
	d := newDeployApp(t, `canaryGroups:
  internal:
    nginx.ingress.kubernetes.io/canary-by-header: x-canary
  small:
    nginx.ingress.kubernetes.io/canary-weight: "10"
ingresses:
  - host: web
    deployName: web
    paths: ["/"]
`)
	d.push("latest")
	d.push("v2")
	canary := d.name + "-canary"

	r := d.lain("--ignore-lint", "deploy", "--canary")
	if r.Code == 0 || !strings.Contains(r.Stderr, "is not deployed yet") {
		t.Fatalf("canary before the app: %s", r)
	}
	d.mustLain("--ignore-lint", "deploy", "--wait")
	r = d.mustLain("--ignore-lint", "deploy", "--canary", "--wait", "--set", "imageTag=v2")
	wantIn(t, r.Stderr, "--install -f ", " "+canary+" ./chart", "deployed "+canary+" revision 1")
	if img := d.image("web"); !strings.HasSuffix(img, ":latest") {
		t.Errorf("main image changed by the canary: %s", img)
	}
	r = d.lain("--ignore-lint", "deploy")
	if r.Code == 0 || !strings.Contains(r.Stderr, "a canary of "+d.name+" is ongoing") {
		t.Fatalf("deploy during a canary: %s", r)
	}

	d.mustLain("set-canary-group", "small")
	ann := MustKubectl(t, d.ns, "get", "ingress", "-l", "helm.sh/chart="+canary, "-o", "jsonpath={.items[*].metadata.annotations}")
	wantIn(t, ann, `"nginx.ingress.kubernetes.io/canary":"true"`, `"nginx.ingress.kubernetes.io/canary-weight":"10"`)

	r = d.mustLain("--ignore-lint", "set-canary-group", "--final", "--wait")
	wantIn(t, r.Stderr, "imageTag=v2", "$ helm uninstall "+canary, "canary promoted")
	if img := d.image("web"); !strings.HasSuffix(img, ":v2") {
		t.Errorf("main image after --final: %s", img)
	}
	if out := MustRun(t, "helm", "--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "list", "-q").Stdout; strings.Contains(out, canary) {
		t.Errorf("canary still there: %s", out)
	}

	d.mustLain("--ignore-lint", "deploy", "--canary")
	r = d.mustLain("set-canary-group", "--abort")
	wantIn(t, r.Stderr, "$ helm uninstall "+canary)
	if out := MustRun(t, "helm", "--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "list", "-q").Stdout; strings.TrimSpace(out) != d.name {
		t.Errorf("releases after --abort: %s", out)
	}
}
