package commands

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
)

func newTemplateOptions(t *testing.T, r runner.Runner, files map[string]string) (*TemplateOptions, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	return &TemplateOptions{IO: ios, Runner: r, Getenv: userEnv, Dir: newApp(t, files), Cluster: clusterOf("test")}, out, errOut
}

func TestTemplatePassesDeploysOptionsThenTheUsers(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("git", "", 128) // not a repository: tag latest
	o, _, _ := newTemplateOptions(t, rec, map[string]string{"chart/values.yaml": shopValues, "chart/values-test.yaml": "env: {A: b}\n", "extra.yaml": "env: {B: c}\n"})
	o.Values, o.Sets, o.Debug = []string{"extra.yaml"}, []string{"imageTag=1700-abc", "deployments.web.replicaCount=3"}, true
	if err := runTemplate(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	last := tmpValues.ReplaceAllString(rec.Lines[len(rec.Lines)-1], "-f CLUSTER")
	want := "helm template shop ./chart --set cluster=test,user=ann,repo_url=,imageTag=latest -f CLUSTER -f chart/values-test.yaml -f extra.yaml --set imageTag=1700-abc --set deployments.web.replicaCount=3 --debug"
	if last != want {
		t.Fatalf("ran\n%s\nwant\n%s", last, want)
	}
	if c := rec.Cmds[len(rec.Cmds)-1]; c.Capture || c.Mutates || c.Dir != o.Dir {
		t.Errorf("helm template must stream to stdout, from the app: %+v", c)
	}
}

func TestTemplateHelmFailureSaysWhereToLook(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("helm template", "", 1)
	o, _, _ := newTemplateOptions(t, rec, map[string]string{"chart/values.yaml": shopValues})
	err := runTemplate(context.Background(), o)
	if got := clierr.Format(err); got != "lain: helm template failed (its message is above)\n  next: lain lint   # points at the file and line\n" || clierr.Code(err) != 1 {
		t.Fatal(got)
	}
}

func TestTemplatePrintsTheRealRender(t *testing.T) {
	var out, errOut bytes.Buffer
	o, _, _ := newTemplateOptions(t, nil, map[string]string{"chart/values.yaml": shopValues})
	o.Runner = realRunner(t, &out, &errOut)
	o.Sets = []string{"imageTag=1700-abc"}
	if err := runTemplate(context.Background(), o); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for _, want := range []string{"kind: Deployment\nmetadata:\n  name: shop-web\n", "image: r.example.com/t/shop:1700-abc\n", "kind: Service\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "$ helm") || !strings.HasPrefix(errOut.String(), "$ helm template shop ./chart ") {
		t.Errorf("the command line belongs on stderr:\n%s", errOut.String())
	}
}

func TestTemplateNeedsAnAppname(t *testing.T) {
	o, _, _ := newTemplateOptions(t, &runner.Recorder{}, map[string]string{"chart/values.yaml": "deployments: {}\n"})
	if got := clierr.Format(runTemplate(context.Background(), o)); got != "lain: chart/values.yaml:1: appname: required key is missing (add appname: <your app's name>)\n  next: fix the file, then run: lain lint\n" {
		t.Error(got)
	}
}
