package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
)

const buildValues = shopValues + `build:
  base: python:3.12-slim
  script: [pip install -r requirements.txt]
`

const tag = "1700000000-0123456789abcdef0123456789abcdef01234567"

// newImageEnv is an app on cluster "test" (registry r.example.com/t) whose
// commit has tag, with a recorder for the commands.
func newImageEnv(t *testing.T, files map[string]string) (cmdutil.ImageEnv, *runner.Recorder, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	rec := &runner.Recorder{}
	rec.On("git log", tag, 0)
	return cmdutil.ImageEnv{IO: ios, Runner: rec, Getenv: userEnv, Dir: newApp(t, files), Cluster: clusterOf("test")}, rec, out, errOut
}

// docker lists the docker commands recorded, without git's queries.
func docker(rec *runner.Recorder) string {
	var out []string
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "docker ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestBuildPushBuildsAndPushesTheCommitsImage(t *testing.T) {
	env, rec, _, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues})
	o := &BuildOptions{ImageEnv: env, Push: true}
	if err := runBuild(context.Background(), o); err != nil {
		t.Fatal(clierr.Format(err))
	}
	img := "r.example.com/t/shop:" + tag
	want := "docker build --pull -t " + img + " --target build -f Dockerfile .\ndocker push " + img +
		"\ndocker tag " + img + " r.example.com/t/shop:latest\ndocker push r.example.com/t/shop:latest"
	if got := docker(rec); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(errOut.String(), " lain deploy --set imageTag="+tag) {
		t.Error(errOut.String())
	}
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		if _, err := os.Stat(filepath.Join(o.Dir, f)); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
}

func TestBuildWarnsAboutUncommittedChanges(t *testing.T) {
	env, rec, _, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues})
	rec.On("git status", " M app.py\n", 0)
	if err := runBuild(context.Background(), &BuildOptions{ImageEnv: env}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(errOut.String(), "warning: the work tree has uncommitted changes (M app.py)") {
		t.Fatal(errOut.String())
	}
}

func TestBuildOnTheRemoteDocker(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues, "chart/values-test.yaml": "remote_docker: 10.1.2.3:2375\n"})
	env.RemoteDocker = true
	if err := runBuild(context.Background(), &BuildOptions{ImageEnv: env}); err != nil {
		t.Fatal(err)
	}
	if got := docker(rec); !strings.HasPrefix(got, "docker -H tcp://10.1.2.3:2375 build --pull") {
		t.Fatal(got)
	}
	env, _, _, _ = newImageEnv(t, map[string]string{"chart/values.yaml": buildValues})
	env.RemoteDocker = true
	if got := clierr.Format(runBuild(context.Background(), &BuildOptions{ImageEnv: env})); !strings.Contains(got, "--remote-docker: cluster test has no remote_docker") {
		t.Fatal(got)
	}
}

// The refusals: an app with its own Dockerfile, an app without a build
// clause, a build clause lain cannot use.
func TestBuildRefusesAnAppsOwnDockerfile(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues, "Dockerfile": "FROM mine\n"})
	err := runBuild(context.Background(), &BuildOptions{ImageEnv: env, Push: true})
	got := clierr.Format(err)
	if !strings.Contains(got, "has its own Dockerfile, and lain build writes one from chart/values.yaml's build clause: either build with your Dockerfile (docker build -t r.example.com/t/shop:"+tag+" . && lain push), or delete or rename it") ||
		!strings.HasSuffix(got, "  next: docker build -t r.example.com/t/shop:"+tag+" . && lain push\n") || clierr.Code(err) != 1 {
		t.Fatal(got)
	}
	if docker(rec) != "" {
		t.Fatal(rec)
	}
	if b, _ := os.ReadFile(filepath.Join(env.Dir, "Dockerfile")); string(b) != "FROM mine\n" {
		t.Fatal("the app's Dockerfile changed")
	}
	prep := &PrepareOptions{ImageEnv: env}
	if got := clierr.Format(runPrepare(context.Background(), prep)); !strings.Contains(got, "has its own Dockerfile") {
		t.Fatal(got)
	}
}

func TestBuildRefusesAnAppWithoutBuildClause(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	err := runBuild(context.Background(), &BuildOptions{ImageEnv: env})
	want := "lain: chart/values.yaml:1: build: missing: lain build needs build.base (the image to start from) and usually build.script\n" +
		"  next: add to chart/values.yaml:  build: {base: <image, e.g. python:3.12-slim>, script: [<build commands>]}\n"
	if got := clierr.Format(err); got != want || clierr.Code(err) != 2 || docker(rec) != "" {
		t.Fatalf("%s (exit %d)", got, clierr.Code(err))
	}
}

func TestBuildPointsAtTheBrokenKey(t *testing.T) {
	env, _, _, _ := newImageEnv(t, map[string]string{
		"chart/values.yaml":      buildValues + "release:\n  copy:\n    - dest: /x\n",
		"chart/values-test.yaml": "build:\n  script: make\n",
	})
	got := clierr.Format(runBuild(context.Background(), &BuildOptions{ImageEnv: env}))
	if !strings.Contains(got, "chart/values-test.yaml:2: build.script: must be a list") || !strings.Contains(got, "chart/values.yaml:13: release.copy[0].src: required key is missing") {
		t.Fatal(got)
	}
	env, _, _, _ = newImageEnv(t, map[string]string{"chart/values.yaml": buildValues + "  prepare:\n    script: [a]\n    keep: ['*.so']\n"})
	if got := clierr.Format(runBuild(context.Background(), &BuildOptions{ImageEnv: env})); !strings.HasPrefix(got, `lain: chart/values.yaml:13: build.prepare.keep[0]: "*.so": no wildcards`) {
		t.Fatal(got)
	}
}

func TestBuildDeployWithoutDeploySaysSoAfterPushing(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues})
	err := runBuild(context.Background(), &BuildOptions{ImageEnv: env, Deploy: true})
	if got := clierr.Format(err); !strings.Contains(got, "this lain cannot deploy yet; the image is pushed") || !strings.Contains(docker(rec), "docker push r.example.com/t/shop:"+tag) {
		t.Fatal(got, rec)
	}
	var deployed string
	o := &BuildOptions{ImageEnv: env, Deploy: true, DeployTag: func(_ context.Context, tag string) error { deployed = tag; return nil }}
	if err := runBuild(context.Background(), o); err != nil || deployed != tag {
		t.Fatal(err, deployed)
	}
}

func TestPrepareBuildsThePrepareImage(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": buildValues + "  prepare:\n    script: [pip install -r requirements.txt]\n    keep: [.venv]\n"})
	if err := runPrepare(context.Background(), &PrepareOptions{ImageEnv: env}); err != nil {
		t.Fatal(err)
	}
	if got := docker(rec); got != "docker build --pull -t r.example.com/t/shop:prepare --target prepare -f Dockerfile .\ndocker push r.example.com/t/shop:prepare" {
		t.Fatal(got)
	}
	env, rec, _, _ = newImageEnv(t, map[string]string{"chart/values.yaml": buildValues})
	err := runPrepare(context.Background(), &PrepareOptions{ImageEnv: env, SkipPush: true})
	if got := clierr.Format(err); !strings.HasPrefix(got, "lain: chart/values.yaml:8: build.prepare: missing: there is nothing to prepare") || docker(rec) != "" {
		t.Fatal(got)
	}
}

func TestImagePrintsOnlyTheImageName(t *testing.T) {
	env, _, out, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": shopValues})
	if err := runImage(context.Background(), &ImageOptions{env}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "r.example.com/t/shop:"+tag+"\n" || errOut.String() != "" {
		t.Fatalf("%q %q", out, errOut)
	}
}
