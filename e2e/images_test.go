//go:build e2e

package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/registry/registrytest"
)

// gitEnv lets tests commit without a git identity on the machine.
var gitEnv = []string{"GIT_AUTHOR_NAME=lain e2e", "GIT_AUTHOR_EMAIL=e2e@lain.invalid", "GIT_COMMITTER_NAME=lain e2e", "GIT_COMMITTER_EMAIL=e2e@lain.invalid"}

// uniqueApp is an appname no other test (or run) pushes to the lab registry.
func uniqueApp(prefix string) string {
	b := make([]byte, 3)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// imageValues is an app with all three stages, FROM the lab's base image:
// prepare makes deps/ (and junk the clean-up must remove), build uses it
// and a build arg, release copies www/ into a fresh image.
func imageValues(appname string) string {
	return fmt.Sprintf(`appname: %[1]s
env:
  GREETING: hello
build:
  base: %[2]s
  env:
    FROM_ARG: "${MY_ARG}"
  prepare:
    script:
      - mkdir -p deps && echo prepared > deps/prepared.txt
      - echo junk > junk.txt
    keep:
      - deps
  script:
    - cat deps/prepared.txt > www/built.txt
    - echo "built by lain" >> www/built.txt
    - echo "$FROM_ARG" > www/arg.txt
build_args:
  - MY_ARG
release:
  dest_base: %[2]s
  copy:
    - src: www
deployments:
  web:
    command: ["sh", "-c", "echo $GREETING from $PWD as $(id -u)"]
    workingDir: /lain/app/www
    env:
      PROC: web
`, appname, Lab.BaseImage)
}

// newImageApp writes an app with values into a git repository (one
// commit) and returns its directory and image tag.
func newImageApp(t *testing.T, values string) (dir, tag string) {
	t.Helper()
	dir = t.TempDir()
	WriteFiles(t, dir, map[string]string{
		"chart/values.yaml": values,
		"www/index.html":    "<h1>hi</h1>\n",
		".gitignore":        "*.tar\nsecret.txt\n",
		"secret.txt":        "not for the image\n",
	})
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "first"}} {
		if r := Run(t, "git", Cmd{Args: args, Dir: dir, Env: gitEnv}); r.Code != 0 {
			t.Fatalf("git %v: %s", args, r)
		}
	}
	r := Run(t, "git", Cmd{Args: []string{"log", "-1", "--pretty=format:%ct-%H"}, Dir: dir})
	return dir, strings.TrimSpace(r.Stdout)
}

// userOnLab is a user's HOME after `lain use lab`.
func userOnLab(t *testing.T) string {
	t.Helper()
	home := NewUserHome(t)
	if r := LainArgs(t, "", home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	return home
}

func noGeneratedFiles(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s is still in the app after lain build", f)
		}
	}
}

// The whole image life of an app with prepare, build and release stages on
// the lab's Docker engine and Registry v2: prepare, build --push, image,
// version (Registry v2 API, no auth), run (reading what the build wrote),
// save (and docker load it back).
func TestImagesBuildRunSaveOnTheLab(t *testing.T) {
	home := userOnLab(t)
	appname := uniqueApp("img")
	dir, tag := newImageApp(t, imageValues(appname))
	image := Lab.Registry + "/" + appname + ":" + tag
	lain := func(env []string, args ...string) Result {
		t.Helper()
		r := Lain(t, Cmd{Args: args, Dir: dir, Home: home, Env: env})
		if r.Code != 0 {
			t.Fatalf("lain %s: %s", strings.Join(args, " "), r)
		}
		return r
	}

	r := lain(nil, "prepare")
	if !strings.Contains(r.Stderr, "$ docker build --pull -t "+Lab.Registry+"/"+appname+":prepare --target prepare -f Dockerfile --build-arg MY_ARG .") {
		t.Fatalf("prepare: %s", r)
	}
	if !contains(registryTags(t, "lain/"+appname), "prepare") {
		t.Fatal("the prepare image is not in the registry")
	}
	noGeneratedFiles(t, dir)

	r = lain([]string{"MY_ARG=from-the-caller"}, "build", "--push")
	if !strings.Contains(r.Stderr, "$ docker build --pull -t "+image+" --target release -f Dockerfile --build-arg MY_ARG .") ||
		!strings.Contains(r.Stderr, "$ docker push "+image) || !strings.Contains(r.Stderr, " lain deploy --set imageTag="+tag) {
		t.Fatalf("build --push: %s", r)
	}
	if strings.Contains(r.Stderr, "uncommitted") {
		t.Errorf("a clean work tree was called dirty: %s", r.Stderr)
	}
	noGeneratedFiles(t, dir)
	if tags := registryTags(t, "lain/"+appname); !contains(tags, tag) || !contains(tags, "latest") {
		t.Fatalf("registry tags %v", tags)
	}

	if r := lain(nil, "image"); r.Stdout != image+"\n" {
		t.Fatalf("lain image printed %q", r.Stdout)
	}
	if r := lain(nil, "version"); !strings.Contains(r.Stdout, "\n lain deploy --set imageTag="+tag+"\n") {
		t.Fatalf("lain version: %s", r)
	}

	// What the build wrote, in the image that runs as 1001.
	if r := lain(nil, "run", "--", "cat", "www/built.txt", "www/arg.txt"); r.Stdout != "prepared\nbuilt by lain\nfrom-the-caller\n" {
		t.Fatalf("lain run cat: %q", r.Stdout)
	}
	if r := lain(nil, "run", "--", "sh", "-c", "echo $LAIN_META $IMAGE_TAG $LAIN_CLUSTER; id -u; ls -A"); r.Stdout != tag+" "+tag+" lab\n1001\nwww\n" {
		t.Fatalf("lain run env: %q", r.Stdout)
	}
	if r := lain(nil, "run", "-c", "web"); r.Stdout != "hello from /lain/app/www as 1001\n" {
		t.Fatalf("lain run -c web: %q", r.Stdout)
	}
	// The prepare image kept deps/ and nothing else of the files.
	if r := lain(nil, "run", "--prepare", "--", "find", ".", "-type", "f"); r.Stdout != "./deps/prepared.txt\n" {
		t.Fatalf("prepare image files: %q", r.Stdout)
	}
	if r := Lain(t, Cmd{Args: []string{"run", "--", "sh", "-c", "exit 7"}, Dir: dir, Home: home}); r.Code != 7 || strings.Contains(r.Stderr, "lain:") {
		t.Fatalf("exit code: %s", r)
	}

	// Save, remove, load back, run.
	out := t.TempDir()
	r = lain(nil, "save", "--dir", out)
	tarball := filepath.Join(out, appname+"_"+tag+".tar")
	if r.Stdout != tarball+"\n" {
		t.Fatalf("lain save: %s", r)
	}
	MustRun(t, "docker", "rmi", image)
	if r := MustRun(t, "docker", "load", "-i", tarball); !strings.Contains(r.Stdout, "Loaded image: "+image) {
		t.Fatalf("docker load: %s", r)
	}
	if r := lain(nil, "run", "--", "cat", "www/built.txt"); r.Stdout != "prepared\nbuilt by lain\n" {
		t.Fatalf("after load: %q", r.Stdout)
	}
	if r := Lain(t, Cmd{Args: []string{"save", "--dir", out}, Dir: dir, Home: home}); r.Code != 1 || !strings.Contains(r.Stderr, "next: lain save --force") {
		t.Fatalf("save over an existing tarball: %s", r)
	}
}

// lain version marks the tag deployed on the cluster (helm's imageTag).
func TestImagesVersionMarksTheDeployedTag(t *testing.T) {
	home := userOnLab(t)
	appname := uniqueApp("ver")
	dir, tag := newImageApp(t, fmt.Sprintf("appname: %s\nbuild:\n  base: %s\n  script: [echo ok]\n", appname, Lab.BaseImage))
	WriteFiles(t, dir, map[string]string{"notes.txt": "not committed\n"})
	r := Lain(t, Cmd{Args: []string{"build", "--push"}, Dir: dir, Home: home})
	if r.Code != 0 || !strings.Contains(r.Stderr, "warning: the work tree has uncommitted changes (?? notes.txt): the image will hold them, but its tag "+tag+" names the last commit") {
		t.Fatalf("build: %s", r)
	}
	chart := t.TempDir()
	WriteFiles(t, chart, map[string]string{
		"Chart.yaml":               "apiVersion: v2\nname: ver\nversion: 0.1.0\n",
		"templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Release.Name }}}\ndata: {imageTag: {{ .Values.imageTag | quote }}}\n",
	})
	if r := Run(t, "helm", Cmd{Args: []string{"install", appname, chart, "--set", "imageTag=" + tag}, Home: home}); r.Code != 0 {
		t.Fatalf("helm install: %s", r)
	}
	r = Lain(t, Cmd{Args: []string{"version"}, Dir: dir, Home: home})
	if r.Code != 0 || !strings.Contains(r.Stdout, " lain deploy --set imageTag="+tag+"   # deployed on lab\n") {
		t.Fatalf("lain version: %s", r)
	}
}

// examples/hello (build.base: the lab base image) builds, pushes and runs:
// what scripts/demo does with the real lain build --push.
func TestImagesExamplesHello(t *testing.T) {
	home := userOnLab(t)
	dir := NewAppDir(t)
	r := Lain(t, Cmd{Args: []string{"build", "--push"}, Dir: dir, Home: home})
	if r.Code != 0 || !strings.Contains(r.Stderr, "$ docker push "+Lab.Registry+"/hello:latest") {
		t.Fatalf("lain build --push: %s", r)
	}
	noGeneratedFiles(t, dir)
	if r := Lain(t, Cmd{Args: []string{"run", "--", "cat", "www/built.txt"}, Dir: dir, Home: home}); r.Code != 0 || r.Stdout != "built by lain\n" {
		t.Fatalf("lain run: %s", r)
	}
}

// Generated files go after a failed build, on Ctrl-C and on SIGTERM, and
// stay with --keep-dockerfile.
func TestImagesGeneratedFilesAlwaysGo(t *testing.T) {
	home := userOnLab(t)
	values := func(script string) string {
		return fmt.Sprintf("appname: %s\nbuild:\n  base: %s\n  script: [%q]\n", uniqueApp("gen"), Lab.BaseImage, script)
	}

	dir, _ := newImageApp(t, values("exit 3"))
	r := Lain(t, Cmd{Args: []string{"build"}, Dir: dir, Home: home})
	if r.Code == 0 || !strings.Contains(r.Stderr, "failed; docker's message is above") || !strings.Contains(r.Stderr, "next: lain build --keep-dockerfile") {
		t.Fatalf("failed build: %s", r)
	}
	noGeneratedFiles(t, dir)

	r = Lain(t, Cmd{Args: []string{"build", "--keep-dockerfile"}, Dir: dir, Home: home})
	df, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if r.Code == 0 || err != nil || !strings.Contains(string(df), "RUN (exit 3)") {
		t.Fatalf("--keep-dockerfile: %v %s", err, r)
	}
	if _, err := os.Stat(filepath.Join(dir, ".dockerignore")); err != nil {
		t.Fatal(".dockerignore not kept")
	}
	os.Remove(filepath.Join(dir, "Dockerfile"))
	os.Remove(filepath.Join(dir, ".dockerignore"))

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir, _ := newImageApp(t, values("sleep 120"))
		var stdout, stderr lockedBuffer
		cmd := exec.Command(Lab.LainBin, "build")
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, labEnv(home, nil), &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until docker runs the script (the Dockerfile exists by then).
		Eventually(t, 2*time.Minute, "docker build to reach the script", func() error {
			if !strings.Contains(stdout.String(), "RUN (sleep 120)") {
				return fmt.Errorf("stdout so far: %q", stdout.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
				return err
			}
			return nil
		})
		start := time.Now()
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if code != 130 || time.Since(start) > 30*time.Second {
			t.Fatalf("%s: exit %d (%v) after %s\n%s", sig, code, err, time.Since(start), stderr.String())
		}
		if !strings.Contains(stderr.String(), "lain: interrupted") {
			t.Errorf("%s: %s", sig, stderr.String())
		}
		noGeneratedFiles(t, dir)
	}
}

// The refusals: an app with its own Dockerfile, an app without a build
// clause, and a registry the user is not logged in to.
func TestImagesRefusals(t *testing.T) {
	home := userOnLab(t)

	own := NewAppDir(t)
	WriteFiles(t, own, map[string]string{"Dockerfile": "FROM scratch\n"})
	r := Lain(t, Cmd{Args: []string{"build"}, Dir: own, Home: home})
	if r.Code != 1 || !strings.Contains(r.Stderr, "has its own Dockerfile") || !strings.Contains(r.Stderr, "next: docker build -t "+Lab.Registry+"/hello:latest . && lain push") {
		t.Fatalf("own Dockerfile: %s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(own, "Dockerfile")); string(b) != "FROM scratch\n" {
		t.Fatal("the app's Dockerfile was changed")
	}

	nobuild := t.TempDir()
	WriteFiles(t, nobuild, map[string]string{"chart/values.yaml": "appname: nobuild\n"})
	r = Lain(t, Cmd{Args: []string{"build"}, Dir: nobuild, Home: home})
	if r.Code != 2 || !strings.Contains(r.Stderr, "lain: chart/values.yaml:1: build: missing: lain build needs build.base") {
		t.Fatalf("no build clause: %s", r)
	}
	noGeneratedFiles(t, nobuild)
}

// clusterValues is a CLUSTER_VALUES_DIR whose lab cluster has the lab's
// values with one top-level key set (or replaced), "key: value".
func clusterValues(t *testing.T, keyValue string) string {
	t.Helper()
	dir := t.TempDir()
	base, err := os.ReadFile(filepath.Join(Lab.ClusterValuesDir, "values-lab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, _ := strings.Cut(keyValue, ":")
	var lines []string
	for _, l := range strings.Split(string(base), "\n") {
		if !strings.HasPrefix(l, key+":") {
			lines = append(lines, l)
		}
	}
	WriteFiles(t, dir, map[string]string{"values-lab.yaml": strings.Join(lines, "\n") + "\n" + keyValue + "\n"})
	return dir
}

// A registry with htpasswd auth: lain refuses to guess before docker login
// (listing tags, pushing), then uses what docker login saved, and a
// credential helper too.
func TestImagesRegistryWithAuth(t *testing.T) {
	reg := registrytest.Start(t, "lain", "e2e-s3cret")
	home := userOnLab(t)
	cv := []string{"CLUSTER_VALUES_DIR=" + clusterValues(t, "registry: "+reg.Host+"/lain")}
	appname := uniqueApp("auth")
	dir, tag := newImageApp(t, fmt.Sprintf("appname: %s\nbuild:\n  base: %s\n  script: [echo authed > www/built.txt]\n", appname, Lab.BaseImage))

	r := Lain(t, Cmd{Args: []string{"version"}, Dir: dir, Home: home, Env: cv})
	if r.Code != 1 || !strings.Contains(r.Stderr, "the registry "+reg.Host+" refused (401 UNAUTHORIZED): you are not logged in") || !strings.Contains(r.Stderr, "next: docker login "+reg.Host) {
		t.Fatalf("version before login: %s", r)
	}
	r = Lain(t, Cmd{Args: []string{"build", "--push"}, Dir: dir, Home: home, Env: cv})
	if r.Code == 0 || !strings.Contains(r.Stderr, "you are not logged in there") || !strings.Contains(r.Stderr, "next: docker login "+reg.Host) {
		t.Fatalf("push before login: %s", r)
	}

	if r := Run(t, "docker", Cmd{Args: []string{"login", reg.Host, "-u", reg.User, "--password-stdin"}, Stdin: reg.Password, Home: home}); r.Code != 0 {
		t.Fatalf("docker login: %s", r)
	}
	if r := Lain(t, Cmd{Args: []string{"push"}, Dir: dir, Home: home, Env: cv}); r.Code != 0 {
		t.Fatalf("push after login: %s", r)
	}
	r = Lain(t, Cmd{Args: []string{"version"}, Dir: dir, Home: home, Env: cv})
	if r.Code != 0 || !strings.Contains(r.Stdout, " lain deploy --set imageTag="+tag+"\n lain deploy --set imageTag=latest\n") {
		t.Fatalf("version after login: %s", r)
	}

	// Another user whose docker keeps the password in a credential helper.
	helperHome := userOnLab(t)
	bin := t.TempDir()
	reg.CredentialHelper(t, filepath.Join(helperHome, ".docker"), bin, "laine2e")
	env := append(cv, "PATH="+bin+string(os.PathListSeparator)+envValue(labEnv("", nil), "PATH"))
	r = Lain(t, Cmd{Args: []string{"version"}, Dir: dir, Home: helperHome, Env: env})
	if r.Code != 0 || !strings.Contains(r.Stdout, " lain deploy --set imageTag="+tag+"\n") {
		t.Fatalf("version with a credential helper: %s", r)
	}
}

// --remote-docker (and LAIN_REMOTE_DOCKER) send every docker command to the
// cluster's remote_docker: here a TCP port forwarding to the lab's Docker
// engine, with the local DOCKER_HOST pointing nowhere.
func TestImagesRemoteDocker(t *testing.T) {
	sock := strings.TrimPrefix(envValue(labEnv("", nil), "DOCKER_HOST"), "unix://")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var conns atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				d, err := net.Dial("unix", sock)
				if err != nil {
					return
				}
				defer d.Close()
				go io.Copy(d, c)
				io.Copy(c, d)
			}()
		}
	}()
	host := l.Addr().String()
	home := userOnLab(t)
	env := []string{"CLUSTER_VALUES_DIR=" + clusterValues(t, "remote_docker: "+host), "DOCKER_HOST=unix:///nonexistent/docker.sock"}
	dir := NewAppDir(t)

	r := Lain(t, Cmd{Args: []string{"--remote-docker", "build"}, Dir: dir, Home: home, Env: env})
	if r.Code != 0 || !strings.Contains(r.Stderr, "$ docker -H tcp://"+host+" build --pull -t "+Lab.Registry+"/hello:latest") || conns.Load() == 0 {
		t.Fatalf("--remote-docker build (%d connections): %s", conns.Load(), r)
	}
	r = Lain(t, Cmd{Args: []string{"run", "--", "cat", "www/built.txt"}, Dir: dir, Home: home, Env: append(env, "LAIN_REMOTE_DOCKER=1")})
	if r.Code != 0 || r.Stdout != "built by lain\n" || !strings.Contains(r.Stderr, "$ docker -H tcp://"+host+" run") {
		t.Fatalf("LAIN_REMOTE_DOCKER=1 run: %s", r)
	}
	// Without --remote-docker, docker uses DOCKER_HOST, which goes nowhere.
	if r := Lain(t, Cmd{Args: []string{"run", "--", "true"}, Dir: dir, Home: home, Env: env}); r.Code == 0 || !strings.Contains(r.Stderr, "docker cannot reach its daemon") {
		t.Fatalf("the local docker answered: %s", r)
	}
}

// envValue is key's value in env (the last one wins, as for os/exec).
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if s, ok := strings.CutPrefix(kv, key+"="); ok {
			v = s
		}
	}
	return v
}

// lockedBuffer is a bytes.Buffer a running command writes while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
