package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lain-cli/lain/internal/clierr"
)

func TestUseLinksConfigToClusterKubeconfig(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	e.opts.Cluster = "test"
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	target, err := os.Readlink(filepath.Join(e.kubeDir, "config"))
	if err != nil || target != filepath.Join(e.kubeDir, "kubeconfig-test") {
		t.Fatalf("config -> %q (%v)", target, err)
	}
	if got := e.errOut.String(); got != "now on cluster test: the test cluster\n" {
		t.Errorf("stderr %q", got)
	}
	if e.opts.Kube.Current() != "test" {
		t.Error("current cluster not read back from the link")
	}
	// The skew check ran against the new cluster, bounded.
	if len(e.rec.Lines) != 1 || e.rec.Lines[0] != "kubectl version -o json --request-timeout=2s" {
		t.Errorf("ran %q", e.rec.Lines)
	}
}

func TestUseBacksUpARegularConfig(t *testing.T) {
	e := newUseEnv(t, "test")
	mine := []byte("# my own hand-made config\n")
	os.WriteFile(filepath.Join(e.kubeDir, "config"), mine, 0o600)
	e.opts.Cluster = "test"
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(e.kubeDir, "config.backup-20261125-123000")
	got, err := os.ReadFile(backup)
	if err != nil || string(got) != string(mine) {
		t.Fatalf("backup %q %v", got, err)
	}
	if !strings.Contains(e.errOut.String(), "moved it to "+backup) {
		t.Errorf("stderr %q", e.errOut)
	}
}

func TestUseMissingKubeconfigSaysWhereToPutIt(t *testing.T) {
	e := newUseEnv(t, "lab")
	e.opts.Cluster = "test"
	err := runUse(context.Background(), e.opts)
	p := filepath.Join(e.kubeDir, "kubeconfig-test")
	want := "lain: no kubeconfig for cluster test: lain looks for it at " + p + "\n  next: get it from your team's password manager (or your admin), save it as " + p + ", then: chmod go-r " + p + "\n"
	if got := clierr.Format(err); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Lstat(filepath.Join(e.kubeDir, "config")); !os.IsNotExist(err) {
		t.Error("config was touched")
	}
}

func TestUseWarnsAboutReadableKubeconfig(t *testing.T) {
	e := newUseEnv(t, "test")
	p := filepath.Join(e.kubeDir, "kubeconfig-test")
	os.Chmod(p, 0o644)
	e.opts.Cluster = "test"
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errOut.String(), "warning: "+p+" is readable by other users (mode 0644); it holds your cluster credentials: chmod go-rwx "+p) {
		t.Fatalf("stderr %q", e.errOut)
	}
}

func TestUseCopiesWhereSymlinksAreRefused(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	e.refuseSymlinks()
	e.opts.Cluster = "test"
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.kubeDir, "config")
	st, _ := os.Lstat(cfg)
	b, _ := os.ReadFile(cfg)
	if st.Mode()&os.ModeSymlink != 0 || string(b) != "# kubeconfig of test\n" || e.opts.Kube.Current() != "test" {
		t.Fatalf("mode %v content %q current %q", st.Mode(), b, e.opts.Kube.Current())
	}
	// Switching again replaces lain's own copy without a backup.
	e.opts.Cluster = "lab"
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(cfg + ".backup-*")
	if e.opts.Kube.Current() != "lab" || len(matches) != 0 {
		t.Fatalf("current %q backups %v", e.opts.Kube.Current(), matches)
	}
}

func TestUseSetContextSetsNamespaceThroughRunner(t *testing.T) {
	e := newUseEnv(t, "test")
	e.opts.Cluster, e.opts.SetContext = "test", true
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.rec.Lines[0] != "kubectl config set-context --current --namespace=apps" || !e.rec.Cmds[0].Mutates {
		t.Fatalf("%q", e.rec.Lines)
	}
}

func TestUseFlagOnAlreadyCurrentCluster(t *testing.T) {
	e := newUseEnv(t, "test")
	e.opts.Cluster = "test"
	runUse(context.Background(), e.opts)
	e.errOut.Reset()
	e.rec.Lines = nil
	e.opts.FromFlag = true
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.errOut.String() != "you are already on cluster test\n" || len(e.rec.Lines) != 0 {
		t.Fatalf("%q %q", e.errOut, e.rec.Lines)
	}
}

func TestUseListsForScriptsOffTerminal(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	e.opts.Cluster = "lab"
	runUse(context.Background(), e.opts)
	e.errOut.Reset()
	e.opts.Cluster = ""
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "* lab\n  test\n" {
		t.Errorf("stdout %q", e.out)
	}
	want := "cluster prod: no kubeconfig; get it from your password manager and save it as " + filepath.Join(e.kubeDir, "kubeconfig-prod") + "\n"
	if e.errOut.String() != want {
		t.Errorf("stderr %q", e.errOut)
	}
}

// TestUseMarksBrokenClusterValues: issue 14, point 6. lain use without a
// cluster marks a cluster whose values file is broken, says why, and
// where the admin checks all of them.
func TestUseMarksBrokenClusterValues(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	fsys := e.opts.Source.FS.(fstest.MapFS)
	fsys["values-test.yaml"] = &fstest.MapFile{Data: []byte("registry: ~\nnamespace: [a]\n")}
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "  lab\n! test\n" {
		t.Errorf("stdout %q", e.out)
	}
	if want := "cluster test: broken cluster values, lain use test will refuse it: cv/values-test.yaml:1: registry: must be set, got nothing (~) (lain would push images to Docker Hub) (and 1 more)\n  fix: lain doctor --cluster-values cv\n"; !strings.HasSuffix(e.errOut.String(), want) {
		t.Errorf("stderr %q", e.errOut)
	}
	// On a terminal, the picker says so beside the name.
	e.out.Reset()
	e.opts.IO.SetTTY(true, true, true)
	e.prompter.Expect("select", "Which cluster?", "test (broken cluster values)")
	err := runUse(context.Background(), e.opts)
	if msg := clierr.Format(err); !strings.Contains(msg, "cluster values of test are invalid") || e.prompter.Done() != nil {
		t.Fatal(msg, e.prompter.Done())
	}
}

func TestUsePickerOnTerminal(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	e.opts.Cluster = "lab"
	runUse(context.Background(), e.opts)
	e.opts.Cluster = ""
	e.opts.IO.SetTTY(true, true, true)
	e.prompter.Expect("select", "Which cluster?", "test")
	if err := runUse(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.opts.Kube.Current() != "test" || e.prompter.Done() != nil {
		t.Fatalf("current %q %v", e.opts.Kube.Current(), e.prompter.Done())
	}
	if e.out.Len() != 0 {
		t.Errorf("picker printed to stdout: %q", e.out)
	}
}

func TestUsePickerCtrlCChangesNothing(t *testing.T) {
	e := newUseEnv(t, "test", "lab")
	e.opts.IO.SetTTY(true, true, true)
	e.prompter.ExpectErr("select", "Which cluster?", clierr.ErrInterrupted)
	err := runUse(context.Background(), e.opts)
	if clierr.Code(err) != 130 {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(e.kubeDir, "config")); !os.IsNotExist(err) {
		t.Error("config written after Ctrl-C")
	}
}

func TestUseNeverPromptsInCI(t *testing.T) {
	e := newUseEnv(t, "test")
	e.opts.IO.SetTTY(true, true, true)
	e.opts.IO.SetCI(true)
	if err := runUse(context.Background(), e.opts); err != nil || e.out.String() != "  test\n" {
		t.Fatalf("%v %q", err, e.out)
	}
}

func TestUseUnknownCluster(t *testing.T) {
	e := newUseEnv(t, "test")
	e.opts.Cluster = "tset"
	msg := clierr.Format(runUse(context.Background(), e.opts))
	if !strings.Contains(msg, `there is no cluster "tset": lain knows lab, prod, test (from cv)`) || !strings.Contains(msg, "next: lain use test") {
		t.Fatal(msg)
	}
}
