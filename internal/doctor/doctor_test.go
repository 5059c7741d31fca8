package doctor

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/kubehome"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/tools"
)

const kubectlJSON = `{"clientVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"},"serverVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"}}`

// healthy returns an Env where every check passes; each test breaks one
// thing. The registry is a real HTTP server answering /v2/.
func healthy(t *testing.T) (Env, *runner.Recorder, string) {
	t.Helper()
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(reg.Close)
	regHost := strings.TrimPrefix(reg.URL, "http://")
	home := t.TempDir()
	kube := filepath.Join(home, ".kube")
	os.MkdirAll(kube, 0o755)
	os.WriteFile(filepath.Join(kube, "kubeconfig-test"), []byte("# test\n"), 0o600)
	os.Symlink(filepath.Join(kube, "kubeconfig-test"), filepath.Join(kube, "config"))
	hosts := filepath.Join(home, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n10.0.0.10 harbor.example.com\n"), 0o644)
	values := "registry: " + regHost + "/team\nclusterHostAliases:\n  - ip: 10.0.0.10\n    hostnames: [harbor.example.com]\nsecrets_env:\n  harbor_token:\n    env_name: HARBOR_TOKEN\n    hint: ask your admin\n    required: true\n"
	rec := &runner.Recorder{}
	rec.On("helm version --short", "v3.16.3+gcfd0749\n", 0)
	rec.On("kubectl version", kubectlJSON, 0)
	rec.On("docker version", "28.2.2\n", 0)
	rec.On("git --version", "git version 2.39.5\n", 0)
	env := Env{
		Runner: rec, Platform: tools.Platform{GOOS: "darwin"},
		Source:     clusterconfig.Source{Dir: "cv", FS: fstest.MapFS{"values-test.yaml": {Data: []byte(values)}}},
		Kube:       kubehome.Home{Dir: kube, GOOS: "linux", Now: time.Now, Symlink: os.Symlink},
		Getenv:     func(k string) string { return map[string]string{"HARBOR_TOKEN": "t"}[k] },
		HTTPClient: reg.Client(), HostsFile: hosts, AppDir: t.TempDir(),
		DockerConfig: filepath.Join(home, ".docker", "config.json"), Version: "1.0.0",
	}
	return env, rec, regHost
}

func report(t *testing.T, e Env) (string, int) {
	t.Helper()
	var out bytes.Buffer
	failed := Run(context.Background(), &out, Checks(e))
	return out.String(), failed
}

func TestDoctorAllGreen(t *testing.T) {
	e, _, _ := healthy(t)
	out, failed := report(t, e)
	if failed != 0 || strings.Contains(out, "FAIL") {
		t.Fatalf("%d failed:\n%s", failed, out)
	}
	for _, want := range []string{"ok    helm               helm 3.16.3", "ok    current cluster    test", "answers without a login", "ok    apiserver          Kubernetes v1.33.13 answers"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}

// Each prerequisite broken in turn: the line that fails and its fix.
func TestDoctorEachFailureHasItsFix(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(t *testing.T, e *Env, rec *runner.Recorder, regHost string)
		fail   string
		fix    string
	}{
		{"helm missing", func(t *testing.T, e *Env, rec *runner.Recorder, _ string) {
			*rec = runner.Recorder{}
			rec.OnError("helm", &runner.NotFoundError{Name: "helm"})
			rec.On("kubectl version", kubectlJSON, 0)
			rec.On("docker version", "28.2.2\n", 0)
			rec.On("git --version", "git version 2.39.5\n", 0)
		}, "FAIL  helm               helm is not installed", "fix: brew install helm"},
		{"helm too old", func(t *testing.T, e *Env, rec *runner.Recorder, _ string) {
			*rec = runner.Recorder{}
			rec.On("helm version --short", "v3.7.1+g1d11fcb\n", 0)
			rec.On("kubectl version", kubectlJSON, 0)
			rec.On("docker version", "28.2.2\n", 0)
			rec.On("git --version", "git version 2.39.5\n", 0)
		}, "helm 3.7.1 is too old", "fix: brew install helm"},
		{"no current cluster", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			os.Remove(e.Kube.ConfigPath())
		}, "FAIL  current cluster    no current cluster", "fix: lain use CLUSTER"},
		{"readable kubeconfig", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			os.Chmod(e.Kube.KubeconfigPath("test"), 0o644)
		}, "FAIL  kubeconfig", "fix: chmod go-rwx"},
		{"kubeconfig missing", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			os.Remove(e.Kube.KubeconfigPath("test"))
		}, "FAIL  kubeconfig         no kubeconfig for cluster test", "fix: get it from your team's password manager"},
		{"broken cluster values", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			e.Source.FS = fstest.MapFS{"values-test.yaml": {Data: []byte("namespace: 1\n")}}
		}, "cv/values-test.yaml:1: namespace: must be a string", "fix: fix the file, then run: lain doctor"},
		{"secret env missing", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			e.Getenv = func(string) string { return "" }
		}, "HARBOR_TOKEN (for harbor_token): ask your admin", "fix: export HARBOR_TOKEN=..."},
		{"hosts line missing", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			os.WriteFile(e.HostsFile, []byte("127.0.0.1 localhost\n"), 0o644)
		}, "1 line(s) missing from", "fix: echo '10.0.0.10 harbor.example.com' | sudo tee -a "},
		{"cluster does not answer", func(t *testing.T, e *Env, rec *runner.Recorder, _ string) {
			*rec = runner.Recorder{}
			rec.On("helm version --short", "v3.16.3\n", 0)
			rec.On("kubectl version -o json --client", kubectlJSON, 0)
			rec.On("kubectl version", `{"clientVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"}}`, 1)
			rec.On("docker version", "28.2.2\n", 0)
			rec.On("git --version", "git version 2.39.5\n", 0)
		}, "cluster test did not answer within 3s", "fix: check your network or VPN, then: kubectl get ns"},
		{"kubectl skew", func(t *testing.T, e *Env, rec *runner.Recorder, _ string) {
			*rec = runner.Recorder{}
			rec.On("helm version --short", "v3.16.3\n", 0)
			rec.On("kubectl version", `{"clientVersion":{"major":"1","minor":"33","gitVersion":"v1.33.13"},"serverVersion":{"major":"1","minor":"30","gitVersion":"v1.30.1"}}`, 0)
			rec.On("docker version", "28.2.2\n", 0)
			rec.On("git --version", "git version 2.39.5\n", 0)
		}, "kubectl v1.33.13 is too far from the cluster's v1.30.1", "fix: brew install kubectl"},
		{"registry needs login", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="Registry"`)
				w.WriteHeader(http.StatusUnauthorized)
			}))
			t.Cleanup(srv.Close)
			host := strings.TrimPrefix(srv.URL, "http://")
			e.Source.FS = fstest.MapFS{"values-test.yaml": {Data: []byte("registry: " + host + "/team\n")}}
		}, "needs a login and docker has no credentials for it", "fix: docker login 127.0.0.1:"},
		{"registry unreachable", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			e.Source.FS = fstest.MapFS{"values-test.yaml": {Data: []byte("registry: 127.0.0.1:1/team\n")}}
		}, "cannot reach registry 127.0.0.1:1", "fix: check your network or VPN, then: curl -sI http://127.0.0.1:1/v2/"},
		{"app values broken", func(t *testing.T, e *Env, _ *runner.Recorder, _ string) {
			os.MkdirAll(filepath.Join(e.AppDir, "chart"), 0o755)
			os.WriteFile(filepath.Join(e.AppDir, "chart", "values.yaml"), []byte("appname: [x\n"), 0o644)
		}, "chart/values.yaml:1:10: not valid YAML", "fix: fix the file, then run: lain lint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, rec, host := healthy(t)
			c.break_(t, &e, rec, host)
			out, failed := report(t, e)
			if failed == 0 || !strings.Contains(out, c.fail) || !strings.Contains(out, c.fix) {
				t.Fatalf("%d failed; want %q and %q in:\n%s", failed, c.fail, c.fix, out)
			}
		})
	}
}

func TestDoctorRegistryLoginWithDockerCredentials(t *testing.T) {
	e, _, _ := healthy(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	e.Source.FS = fstest.MapFS{"values-test.yaml": {Data: []byte("registry: " + host + "/team\n")}}
	os.MkdirAll(filepath.Dir(e.DockerConfig), 0o700)
	os.WriteFile(e.DockerConfig, []byte(`{"auths":{"`+host+`":{"auth":"dTpw"}}}`), 0o600)
	out, failed := report(t, e)
	if failed != 0 || !strings.Contains(out, "needs a login; docker has credentials (auths in ") {
		t.Fatalf("%s", out)
	}
}

func TestDoctorVersionLine(t *testing.T) {
	e, _, _ := healthy(t)
	e.LatestRelease = func(context.Context) (string, error) { return "1.0.0", nil }
	if out, _ := report(t, e); !strings.Contains(out, "ok    lain version       lain 1.0.0 (the newest)") {
		t.Fatal(out)
	}
	e.LatestRelease = func(context.Context) (string, error) { return "1.3.0", nil }
	if out, failed := report(t, e); failed != 0 || !strings.Contains(out, "warn  lain version       lain 1.0.0; the newest release is 1.3.0") || !strings.Contains(out, "fix: lain upgrade") {
		t.Fatal(out)
	}
}

// TestClusterValuesDir: issue 14, point 6. Every file of the directory is
// checked, all problems are listed under the file, and files lain never
// reads are pointed out.
func TestClusterValuesDir(t *testing.T) {
	src := clusterconfig.Source{Dir: "cv", FS: fstest.MapFS{
		"values-lab.yaml":   {Data: []byte("registry: 127.0.0.1:5000/lain\n")},
		"values-prod.yaml":  {Data: []byte("regsitry: r.io/x\nnamespace: [a]\n")},
		"values-test.yaml":  {Data: []byte("registry: r.io/x\nkibanna: x\n")},
		"values-stage.yml":  {Data: []byte("registry: r.io/x\n")},
		"values-bomb.yaml":  {Data: []byte("registry: r.io/x\na:\n\tb: 1\n")},
		"example-notes.txt": {Data: []byte("x")},
	}}
	checks, err := ClusterValuesChecks(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	failed := Run(context.Background(), &out, checks)
	want := `  FAIL  bomb               cv/values-bomb.yaml: 1 error(s)
                           cv/values-bomb.yaml:3:1: a tab in the indentation: YAML indents with spaces only
  ok    lab                cv/values-lab.yaml (registry 127.0.0.1:5000/lain)
  FAIL  prod               cv/values-prod.yaml: 2 error(s)
                           cv/values-prod.yaml:1: regsitry: unknown key, ignored (did you mean "registry"?) (warning)
                           cv/values-prod.yaml:1: registry: required key is missing (line 1 has regsitry: is it misspelt?)
                           cv/values-prod.yaml:2: namespace: must be a string, got a list
  warn  test               cv/values-test.yaml: 1 warning(s)
                           cv/values-test.yaml:2: kibanna: unknown key, ignored (did you mean "kibana"?)
  warn  values-stage.yml   not read: lain reads only values-<CLUSTER>.yaml files here
`
	if failed != 2 || out.String() != want {
		t.Fatalf("%d failed:\n%s", failed, out.String())
	}
}

func TestDoctorListsTheCurrentClustersProblems(t *testing.T) {
	e, _, _ := healthy(t)
	e.Source.FS = fstest.MapFS{"values-test.yaml": {Data: []byte("registry: https://r.io/x\nnamespace: [a]\n")}}
	out, failed := report(t, e)
	want := `  FAIL  cluster values     cv/values-test.yaml: 2 error(s)
                           cv/values-test.yaml:1: registry: "https://r.io/x" has a scheme: docker names have none (write r.io/x)
                           cv/values-test.yaml:2: namespace: must be a string, got a list
                           fix: fix the file, then run: lain doctor
`
	if failed == 0 || !strings.Contains(out, want) {
		t.Fatalf("%d failed:\n%s", failed, out)
	}
}
