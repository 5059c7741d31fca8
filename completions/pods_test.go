package completions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// lain x's first argument: the procs at once, then the running pods the
// cluster lists within ClusterTimeout; a slow cluster adds nothing.
func TestProcsAndPods(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: hello\ndeployments:\n  web: {}\n  worker: {}\n"), 0o644)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kubeconfig, []byte("current-context: lab\ncontexts:\n- {name: lab, context: {namespace: ns1}}\n"), 0o600)
	t.Setenv("KUBECONFIG", kubeconfig)
	rec := &runner.Recorder{}
	rec.On("kubectl get --raw '/api/v1/namespaces/ns1/pods?fieldSelector=status.phase%3DRunning&labelSelector=app.kubernetes.io%2Fname%3Dhello' --request-timeout=",
		`{"items":[{"metadata":{"name":"hello-worker-5d9c-abcde"},"status":{"containerStatuses":[{"ready":true}]}},
		{"metadata":{"name":"hello-web-766ff6df9c-old","deletionTimestamp":"2026-01-01T00:00:00Z"},"status":{"containerStatuses":[{"ready":true}]}},
		{"metadata":{"name":"hello-web-766ff6df9c-gk9vj"},"status":{"containerStatuses":[{"ready":true},{"ready":false}]}}]}`, 0)
	complete := func(r runner.Runner, toComplete string) (string, time.Duration) {
		root := &cobra.Command{Use: "lain"}
		fn := ProcsAndPods(func() string { return dir }, func() string { return "" }, func() *kube.Client { return kube.New(r) })
		root.AddCommand(&cobra.Command{Use: "x", Run: func(*cobra.Command, []string) {}, ValidArgsFunction: FirstArg(fn)})
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs([]string{cobra.ShellCompRequestCmd, "x", toComplete})
		start := time.Now()
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String(), time.Since(start)
	}
	if got, _ := complete(rec, ""); got != "web\nworker\nhello-web-766ff6df9c-gk9vj\tpod, ready 1/2\nhello-worker-5d9c-abcde\tpod, ready 1/1\n:4\n" {
		t.Errorf("%q", got)
	}
	if got, _ := complete(rec, "hello-wo"); !strings.HasPrefix(got, "hello-worker-5d9c-abcde\tpod, ready 1/1\n:4\n") {
		t.Errorf("%q", got)
	}
	got, took := complete(slowRunner{delay: 5 * time.Second, rec: rec}, "")
	if got != "web\nworker\n:4\n" || took > ClusterTimeout+200*time.Millisecond {
		t.Errorf("a slow cluster: procs only, at once: %q after %s", got, took)
	}
	// A slow link may be given longer.
	t.Setenv(TimeoutEnv, "2s")
	rec.Lines = nil
	got, took = complete(slowRunner{delay: time.Second, rec: rec}, "hello-wo")
	if !strings.HasPrefix(got, "hello-worker-5d9c-abcde\t") || took < time.Second || !strings.Contains(rec.String(), "--request-timeout=2s") {
		t.Errorf("%s=2s: %q after %s", TimeoutEnv, got, took)
	}
}
