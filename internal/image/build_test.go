package image

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

func appDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

func TestCurrentTagWarnsAboutUncommittedChanges(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("git log", "1700000000-abc", 0)
	rec.On("git status --porcelain", " M app.py\n?? notes.txt\n", 0)
	tag := CurrentTag(context.Background(), rec, "/app")
	if tag.Tag != "1700000000-abc" || !tag.Dirty || !strings.Contains(tag.Warning(), "uncommitted changes (M app.py, ?? notes.txt)") ||
		!strings.Contains(tag.Warning(), "its tag 1700000000-abc names the last commit") {
		t.Fatalf("%+v %q", tag, tag.Warning())
	}
	if !rec.Cmds[1].Quiet || rec.Cmds[1].Dir != "/app" {
		t.Fatalf("%+v", rec.Cmds[1])
	}
	clean := &runner.Recorder{}
	clean.On("git log", "1700000000-abc", 0)
	if tag := CurrentTag(context.Background(), clean, "/app"); tag.Dirty || tag.Warning() != "" {
		t.Fatalf("%+v", tag)
	}
	outside := &runner.Recorder{}
	outside.On("git", "", 128)
	if tag := CurrentTag(context.Background(), outside, "/tmp"); tag.Tag != "latest" || tag.Dirty || len(outside.Lines) != 1 {
		t.Fatalf("%+v %v", tag, outside.Lines)
	}
}

func TestGeneratedFilesComeAndGo(t *testing.T) {
	dir := appDir(t, map[string]string{".gitignore": "*.log\n"})
	ctx, g, err := WriteGenerated(context.Background(), dir, GeneratedHeader+"\nFROM x\n")
	if err != nil {
		t.Fatal(err)
	}
	ignore, _ := os.ReadFile(filepath.Join(dir, DockerignoreName))
	if !exists(dir, DockerfileName) || !strings.Contains(string(ignore), "**/*.log") {
		t.Fatalf("%s", ignore)
	}
	if err := g.Remove(); err != nil || exists(dir, DockerfileName) || exists(dir, DockerignoreName) {
		t.Fatal("not removed", err)
	}
	if ctx.Err() == nil {
		t.Fatal("the build context outlives the files")
	}
	g.Remove() // twice is fine

	// The app's own .dockerignore is used and kept; a generated one left
	// behind (a crash) is replaced, and so is a generated Dockerfile.
	own := appDir(t, map[string]string{DockerignoreName: "secrets/\n", DockerfileName: GeneratedHeader + "\nFROM old\n"})
	_, g, err = WriteGenerated(context.Background(), own, GeneratedHeader+"\nFROM new\n")
	if err != nil {
		t.Fatal(err)
	}
	g.Remove()
	if b, _ := os.ReadFile(filepath.Join(own, DockerignoreName)); string(b) != "secrets/\n" || exists(own, DockerfileName) {
		t.Fatalf("%q", b)
	}
	// Never an app's own Dockerfile.
	mine := appDir(t, map[string]string{DockerfileName: "FROM mine\n"})
	if !OwnDockerfile(mine) || OwnDockerfile(own) {
		t.Fatal("OwnDockerfile")
	}
	if _, _, err := WriteGenerated(context.Background(), mine, "x"); err == nil {
		t.Fatal("overwrote the app's Dockerfile")
	}
	if b, _ := os.ReadFile(filepath.Join(mine, DockerfileName)); string(b) != "FROM mine\n" || exists(mine, DockerignoreName) {
		t.Fatalf("%q", b)
	}
}

// fakeRegistry answers Exists from a set of tags.
type fakeRegistry struct {
	tags map[string]bool
	err  error
}

func (f fakeRegistry) Exists(_ context.Context, appname, tag string) (bool, error) {
	return f.tags[appname+":"+tag], f.err
}

const prepareValues = `
build:
  base: base:1
  prepare: {script: [make deps], keep: [deps]}
  script: [make]
build_args: [TOKEN]
`

func builder(rec *runner.Recorder, reg TagChecker) (*Builder, *bytes.Buffer) {
	var errOut bytes.Buffer
	return &Builder{Docker: Docker{Runner: rec}, ErrOut: &errOut, Getenv: func(k string) string { return map[string]string{"TOKEN": "t0k"}[k] }, Registry: reg}, &errOut
}

func TestBuildPushesAndOverwritesLatest(t *testing.T) {
	dir := appDir(t, nil)
	s, _ := ParseSpec("shop", values(t, prepareValues), noEnv)
	rec := &runner.Recorder{}
	b, errOut := builder(rec, fakeRegistry{tags: map[string]bool{"shop:prepare": true}})
	b.Docker.Host = "tcp://10.0.0.5:2375"
	img, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r.example.com/team", Spec: s, Tag: "1700000000-abc", Push: true})
	if err != nil || img != "r.example.com/team/shop:1700000000-abc" {
		t.Fatal(img, err)
	}
	want := []string{
		"docker -H tcp://10.0.0.5:2375 build --pull -t r.example.com/team/shop:1700000000-abc --target build -f Dockerfile --build-arg TOKEN .",
		"docker -H tcp://10.0.0.5:2375 push r.example.com/team/shop:1700000000-abc",
		"docker -H tcp://10.0.0.5:2375 tag r.example.com/team/shop:1700000000-abc r.example.com/team/shop:latest",
		"docker -H tcp://10.0.0.5:2375 push r.example.com/team/shop:latest",
	}
	if rec.String() != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s", rec)
	}
	if rec.Cmds[0].Dir != dir || !rec.Cmds[0].Mutates || exists(dir, DockerfileName) || exists(dir, DockerignoreName) {
		t.Fatalf("%+v", rec.Cmds[0])
	}
	if !strings.Contains(errOut.String(), " lain deploy --set imageTag=1700000000-abc\n") {
		t.Fatal(errOut.String())
	}
}

func TestBuildMakesThePrepareImageWhenTheRegistryHasNone(t *testing.T) {
	s, _ := ParseSpec("shop", values(t, prepareValues), noEnv)
	// Not in the registry, not local: build it and push it first.
	rec := &runner.Recorder{}
	rec.On("docker image inspect", "", 1)
	b, _ := builder(rec, fakeRegistry{})
	if _, err := b.Build(context.Background(), Request{Dir: appDir(t, nil), Registry: "r", Spec: s, Tag: "latest"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"docker image inspect --format '{{.Id}}' r/shop:prepare",
		"docker build --pull -t r/shop:prepare --target prepare -f Dockerfile --build-arg TOKEN .",
		"docker push r/shop:prepare",
		"docker build --pull -t r/shop:latest --target build -f Dockerfile --build-arg TOKEN .",
	}
	if rec.String() != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s", rec)
	}
	// Only local (lain prepare --skip-push): push it.
	rec = &runner.Recorder{}
	b, _ = builder(rec, fakeRegistry{})
	b.Build(context.Background(), Request{Dir: appDir(t, nil), Registry: "r", Spec: s, Tag: "latest"})
	if rec.Lines[1] != "docker push r/shop:prepare" || len(rec.Lines) != 3 {
		t.Fatalf("got:\n%s", rec)
	}
}

func TestFailedBuildRemovesTheFilesAndSaysHowToKeepThem(t *testing.T) {
	dir := appDir(t, nil)
	s, _ := ParseSpec("shop", values(t, "build: {base: b, script: [exit 3]}"), noEnv)
	rec := &runner.Recorder{}
	rec.On("docker build", "", 1)
	b, _ := builder(rec, nil)
	_, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r", Spec: s, Tag: "latest", Push: true})
	if got := clierr.Format(err); got != "lain: docker build of r/shop:latest (stage build) failed; docker's message is above\n  next: lain build --keep-dockerfile   # keeps the generated Dockerfile to read or run by hand\n" {
		t.Fatal(got)
	}
	if exists(dir, DockerfileName) || exists(dir, DockerignoreName) || len(rec.Lines) != 1 {
		t.Fatalf("files left, or pushed anyway: %v", rec.Lines)
	}
	// --keep-dockerfile keeps them, failed or not.
	rec = &runner.Recorder{}
	b, errOut := builder(rec, nil)
	if _, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r", Spec: s, Tag: "latest", KeepDockerfile: true}); err != nil {
		t.Fatal(err)
	}
	if !exists(dir, DockerfileName) || !exists(dir, DockerignoreName) || !strings.Contains(errOut.String(), "kept Dockerfile and .dockerignore") {
		t.Fatal(errOut.String())
	}
	// ... and the next build replaces them.
	if _, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r", Spec: s, Tag: "latest"}); err != nil || exists(dir, DockerfileName) {
		t.Fatal(err)
	}
}

func TestBuildRefusesAnAppsOwnDockerfile(t *testing.T) {
	dir := appDir(t, map[string]string{DockerfileName: "FROM mine\n"})
	s, _ := ParseSpec("shop", values(t, "build: {base: b}"), noEnv)
	rec := &runner.Recorder{}
	b, _ := builder(rec, nil)
	_, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r", Spec: s, Tag: "latest"})
	if got := clierr.Format(err); !strings.Contains(got, dir+" has its own Dockerfile") || !strings.Contains(got, "next: docker build -t r/shop:latest . && lain push") || len(rec.Lines) != 0 {
		t.Fatal(got)
	}
}

func TestDryRunPrintsTheDockerfileAndWritesNothing(t *testing.T) {
	dir := appDir(t, nil)
	s, _ := ParseSpec("shop", values(t, "build: {base: b, script: [make]}"), noEnv)
	rec := &runner.Recorder{DryRun: true}
	b, errOut := builder(rec, nil)
	b.DryRun = true
	if _, err := b.Build(context.Background(), Request{Dir: dir, Registry: "r", Spec: s, Tag: "latest", Push: true}); err != nil {
		t.Fatal(err)
	}
	if exists(dir, DockerfileName) || !strings.Contains(errOut.String(), "# Dockerfile that lain build would write:\n"+GeneratedHeader) ||
		!strings.Contains(errOut.String(), "RUN (make)") || len(rec.Lines) != 2 {
		t.Fatalf("%s\n%s", errOut, rec)
	}
}

func TestPushExplainsRegistryRefusals(t *testing.T) {
	for stderr, want := range map[string]string{
		"unauthorized: authentication required":                "the registry 127.0.0.1:5001 refused it: you are not logged in there (or may not write to 127.0.0.1:5001/lain/shop)\n  next: docker login 127.0.0.1:5001\n",
		"no basic auth credentials":                            "next: docker login 127.0.0.1:5001",
		"dial tcp 127.0.0.1:5001: connect: connection refused": "cannot reach the registry 127.0.0.1:5001",
	} {
		err := registryError(&runner.ExitError{Line: "docker push x", Code: 1, Stderr: "The push refers to ...\n" + stderr}, "docker push", "127.0.0.1:5001/lain/shop:1")
		if got := clierr.Format(err); !strings.Contains(got, want) || clierr.Code(err) != 1 {
			t.Errorf("%s: %s", stderr, got)
		}
	}
	other := errors.New("boom")
	if registryError(other, "docker push", "x") != other {
		t.Fatal("non-exit errors pass through")
	}
}

func TestRemoteHost(t *testing.T) {
	if h, err := RemoteHost("lab", "10.0.0.5:2375"); h != "tcp://10.0.0.5:2375" || err != nil {
		t.Fatal(h, err)
	}
	if h, _ := RemoteHost("lab", "ssh://ci@build"); h != "ssh://ci@build" {
		t.Fatal(h)
	}
	if _, err := RemoteHost("lab", ""); !strings.Contains(clierr.Format(err), "cluster lab has no remote_docker") {
		t.Fatal(clierr.Format(err))
	}
}

func TestDaemonUnreachableSaysWhichDaemon(t *testing.T) {
	err := &runner.ExitError{Line: "docker build", Code: 1, Stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"}
	if got := clierr.Format(Docker{}.DaemonUnreachable(err)); got != "lain: docker cannot reach its daemon (DOCKER_HOST, or the current docker context)\n  next: start docker, then check with: lain doctor\n" {
		t.Fatal(got)
	}
	if got := clierr.Format(Docker{Host: "tcp://10.0.0.5:2375"}.DaemonUnreachable(err)); !strings.Contains(got, "the cluster's remote_docker at tcp://10.0.0.5:2375") {
		t.Fatal(got)
	}
	if (Docker{}).DaemonUnreachable(&runner.ExitError{Code: 1, Stderr: "other"}) != nil {
		t.Fatal("not every failure is the daemon's")
	}
}

// A build arg filled from the caller's environment is often a token kept
// out of git: whatever its name, the printed command hides its value.
func TestBuildArgsFromTheEnvironmentAreMasked(t *testing.T) {
	env := func(k string) string { return map[string]string{"MY_GL_TOKEN": "SEKRITB"}[k] }
	s, err := ParseSpec("shop", values(t, "build: {base: b, script: [make]}\nbuild_args: {GITLAB_PAT: \"x${MY_GL_TOKEN}\", MODE: prod}"), env)
	if err != nil {
		t.Fatal(err)
	}
	rec := &runner.Recorder{DryRun: true}
	b, _ := builder(rec, nil)
	b.DryRun = true
	if _, err := b.Build(context.Background(), Request{Dir: appDir(t, nil), Registry: "r", Spec: s, Tag: "latest"}); err != nil {
		t.Fatal(err)
	}
	got := rec.String()
	if strings.Contains(got, "SEKRITB") || !strings.Contains(got, "--build-arg GITLAB_PAT=*** --build-arg MODE=prod .") {
		t.Fatal(got)
	}
}
