//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// deploy --delete-after and delete --after leave a countdown Job in the
// cluster that runs the team's lain image and deletes the release later.
func TestDeleteAfterCreatesCountdownJob(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	r := d.mustLain("--ignore-lint", "deploy", "--delete-after", "2h")
	job := d.name + "-delete-job"
	for _, want := range []string{d.name + " will be deleted in 2h0m0s by the Job " + job, "cancel it: kubectl delete job " + job, "$ kubectl apply -f -"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
	}
	cmd := MustKubectl(t, d.ns, "get", "job", job, "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].command[2]}")
	if want := "127.0.0.1:5000/lain/lain:latest lain use lab && sleep 7200 && lain delete --force " + d.name; strings.TrimSpace(cmd) != want {
		t.Fatalf("job runs %q, want %q", cmd, want)
	}
	// delete --after replaces the countdown (a new deploy restarts the clock).
	r = d.mustLain("delete", "--after", "1d")
	if !strings.Contains(r.Stderr, "will be deleted in 24h0m0s") {
		t.Fatalf("%s", r)
	}
	cmd = MustKubectl(t, d.ns, "get", "job", job, "-o", "jsonpath={.spec.template.spec.containers[0].command[2]}")
	if !strings.Contains(cmd, "sleep 86400") {
		t.Fatalf("countdown not replaced: %q", cmd)
	}
	// The release itself is still there until the time is up.
	if r := Run(t, "helm", Cmd{Args: []string{"status", d.name}, Home: d.home}); r.Code != 0 {
		t.Fatalf("release gone early: %s", r)
	}
	if r := d.lain("delete", "--after", "soon"); r.Code != 2 || !strings.Contains(r.Stderr, `"soon" is not a delay (e.g. 30m, 2h, 1d)`) {
		t.Fatalf("%s", r)
	}
}
