package completions

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// slowRunner answers after a delay, as a cluster behind a slow VPN does.
type slowRunner struct {
	delay time.Duration
	rec   *runner.Recorder
}

func (s slowRunner) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return runner.Result{}, ctx.Err()
	}
	return s.rec.Run(ctx, c)
}

func TestClusterCompletions(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: hello\n"), 0o644)
	rec := &runner.Recorder{}
	rec.On("kubectl get cronjobs -l app.kubernetes.io/name=hello -o json", `{"items":[{"metadata":{"name":"hello-nightly"},"spec":{"schedule":"0 3 * * *"}},{"metadata":{"name":"hello-hourly"},"spec":{"schedule":"0 * * * *"}}]}`, 0)
	rec.On("kubectl get secret hello-secret -o json", `{"metadata":{"name":"hello-secret"},"data":{"topsecret.txt":"c2VjcmV0","config.json":"e30="}}`, 0)
	complete := func(r runner.Runner, fn Func, args ...string) string {
		root := &cobra.Command{Use: "lain"}
		root.AddCommand(&cobra.Command{Use: "probe", Run: func(*cobra.Command, []string) {}, ValidArgsFunction: FirstArg(fn)})
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(append([]string{cobra.ShellCompRequestCmd, "probe"}, args...))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	client := func(r runner.Runner) func() *kube.Client { return func() *kube.Client { return kube.New(r) } }
	appDir := func() string { return dir }
	if got := complete(rec, CronJobs(appDir, client(rec)), ""); !strings.HasPrefix(got, "hourly\t0 * * * *\nnightly\t0 3 * * *\n:4\n") {
		t.Errorf("cronjobs: %q", got)
	}
	got := complete(rec, SecretFiles(appDir, client(rec)), "t")
	if !strings.HasPrefix(got, "topsecret.txt\n:4\n") || strings.Contains(got, "secret\n") {
		t.Errorf("secret files: %q", got)
	}
	if strings.Contains(got, "c2VjcmV0") {
		t.Error("a value in the completion")
	}
	start := time.Now()
	if got := complete(nil, CronJobs(appDir, client(slowRunner{delay: 2 * time.Second, rec: rec})), ""); got != ":4\n" || time.Since(start) > time.Second {
		t.Errorf("a slow cluster must give nothing, fast: %q after %s", got, time.Since(start))
	}
	if got := complete(rec, CronJobs(func() string { return t.TempDir() }, client(rec)), ""); got != ":4\n" {
		t.Errorf("not an app: %q", got)
	}
}

// A cluster whose values do not load is still offered, marked, so the
// user sees it is broken before choosing it.
func TestClustersMarksBrokenValues(t *testing.T) {
	fsys := fstest.MapFS{
		"values-good.yaml":   {Data: []byte("registry: registry.example.com\nextra_docs: the good one\n")},
		"values-broken.yaml": {Data: []byte("registry: [unclosed\n")},
	}
	fn := Clusters(func() clusterconfig.Source { return clusterconfig.Source{FS: fsys, Dir: "cv"} })
	got, _ := fn(&cobra.Command{}, nil, "")
	want := []string{"broken\tbroken cluster values: run lain doctor", "good\tthe good one"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
