package release

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"

	"github.com/lain-cli/lain/internal/runner"
)

func TestRollbackTargetSkipsRevisionsThatNeverRan(t *testing.T) {
	revs := []Revision{
		{Revision: 1, Status: "superseded"},
		{Revision: 2, Status: "superseded"},
		{Revision: 3, Status: "failed"},
		{Revision: 4, Status: "pending-upgrade"},
		{Revision: 5, Status: "deployed"},
	}
	got, err := RollbackTarget(revs)
	if err != nil || got.Revision != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := RollbackTarget(revs[:1]); err == nil {
		t.Fatal("rolled back past the first revision")
	}
	if _, err := RollbackTarget([]Revision{{Revision: 1, Status: "failed"}, {Revision: 2, Status: "deployed"}}); err == nil {
		t.Fatal("rolled back to a failed revision")
	}
	for s, want := range map[string]bool{"pending-install": true, "pending-upgrade": true, "pending-rollback": true, "uninstalling": true, "deployed": false, "failed": false} {
		if IsStuck(s) != want {
			t.Errorf("IsStuck(%s)", s)
		}
	}
}

// labHelm runs the real helm against the lab's API server, in a namespace
// of its own, or skips when there is no lab.
func labHelm(t *testing.T) (runner.Runner, func(args ...string)) {
	kc := os.Getenv("LAB_KUBECONFIG")
	if kc == "" {
		testenv.Missing(t, "LAB_KUBECONFIG is not set: no lab to run helm against (scripts/lab up; eval \"$(scripts/lab env)\")")
	}
	if _, err := exec.LookPath("helm"); err != nil {
		testenv.Missing(t, "helm is not on PATH (the lab env puts it there): "+err.Error())
	}
	b := make([]byte, 3)
	rand.Read(b)
	ns := "lain-release-test-" + hex.EncodeToString(b)
	env := append(os.Environ(), "KUBECONFIG="+kc, "HELM_NAMESPACE="+ns)
	kubectl := func(args ...string) {
		cmd := exec.Command("kubectl", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("kubectl %v: %v %s", args, err, out)
		}
	}
	kubectl("create", "namespace", ns)
	t.Cleanup(func() { kubectl("delete", "namespace", ns, "--wait=false") })
	var out bytes.Buffer
	r := runner.NewExec(runner.Options{Out: &out, ErrOut: &out, Env: env})
	helm := func(args ...string) {
		if _, err := r.Run(context.Background(), runner.Cmd{Name: "helm", Args: args, Capture: true}); err != nil {
			t.Fatalf("helm %v: %v", args, err)
		}
	}
	return r, helm
}

func TestHistoryAndValuesFromRealHelm(t *testing.T) {
	r, helm := labHelm(t)
	ctx := context.Background()
	if _, err := History(ctx, r, "nothing-here"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing release: %v", err)
	}
	chart := t.TempDir()
	os.MkdirAll(filepath.Join(chart, "templates"), 0o755)
	os.WriteFile(filepath.Join(chart, "Chart.yaml"), []byte("apiVersion: v2\nname: tiny\nversion: 0.1.0\n"), 0o644)
	os.WriteFile(filepath.Join(chart, "templates", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tiny\ndata:\n  tag: {{ .Values.imageTag | quote }}\n"), 0o644)
	helm("upgrade", "--install", "tiny", chart, "--set", "imageTag=1700000000-aaa")
	helm("upgrade", "--install", "tiny", chart, "--set", "imageTag=1700000100-bbb")
	revs, err := History(ctx, r, "tiny")
	if err != nil || len(revs) != 2 || revs[0].Status != "superseded" || revs[1].Status != "deployed" || revs[1].Chart != "tiny-0.1.0" {
		t.Fatalf("%+v %v", revs, err)
	}
	target, err := RollbackTarget(revs)
	if err != nil || target.Revision != 1 {
		t.Fatalf("%+v %v", target, err)
	}
	v, err := Values(ctx, r, "tiny", target.Revision)
	if err != nil || ImageTag(v) != "1700000000-aaa" {
		t.Fatalf("%v %v", v, err)
	}
	v, _ = Values(ctx, r, "tiny", 0)
	if ImageTag(v) != "1700000100-bbb" {
		t.Fatalf("current values %v", v)
	}
}
