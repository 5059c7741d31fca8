package commands

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
	"github.com/lain-cli/lain/prompts"
)

var testNow = time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)

// testClusters is a cluster values source with three clusters.
func testClusters() clusterconfig.Source {
	return clusterconfig.Source{Dir: "cv", FS: fstest.MapFS{
		"values-lab.yaml":  {Data: []byte("registry: 127.0.0.1:5000/lain\nextra_docs: the local lab\n")},
		"values-test.yaml": {Data: []byte("registry: r.example.com/t\nnamespace: apps\nextra_docs: the test cluster\n")},
		"values-prod.yaml": {Data: []byte("registry: r.example.com/p\n")},
	}}
}

type useEnv struct {
	opts          *UseOptions
	out, errOut   *bytes.Buffer
	rec           *runner.Recorder
	home, kubeDir string
	prompter      *prompts.Scripted
}

// newUseEnv makes a temp HOME with kubeconfigs for the given clusters.
func newUseEnv(t *testing.T, clusters ...string) *useEnv {
	t.Helper()
	home := t.TempDir()
	kube := filepath.Join(home, ".kube")
	os.MkdirAll(kube, 0o755)
	for _, c := range clusters {
		if err := os.WriteFile(filepath.Join(kube, "kubeconfig-"+c), []byte("# kubeconfig of "+c+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, out, errOut := iostreams.Test()
	rec := &runner.Recorder{}
	rec.On("kubectl version", `{"clientVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"},"serverVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"}}`, 0)
	e := &useEnv{out: out, errOut: errOut, rec: rec, home: home, kubeDir: kube, prompter: &prompts.Scripted{}}
	e.opts = &UseOptions{UseEnv: cmdutil.UseEnv{
		IO: ios, Prompter: e.prompter, Runner: rec, Source: testClusters(),
		Kube:     kubehome.Home{Dir: kube, GOOS: "linux", Now: func() time.Time { return testNow }, Symlink: os.Symlink},
		Platform: tools.Platform{GOOS: "linux"},
	}}
	return e
}

func (e *useEnv) refuseSymlinks() {
	e.opts.Kube.GOOS = "windows"
	e.opts.Kube.Symlink = func(string, string) error { return errors.New("A required privilege is not held by the client.") }
}
