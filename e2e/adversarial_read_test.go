//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/kube"
)

// A chart edit that keeps the file's size and time, then a --set, then
// nothing: each lain deploy prints the URL of the render helm installs,
// never of a cached render of other inputs; the unchanged deploy is the
// one served from the cache.
func TestAdversarialRenderCacheDeploy(t *testing.T) {
	d := newDeployApp(t, "ingresses:\n  - host: aaaa\n    deployName: web\n")
	d.push("latest")
	values := filepath.Join(d.dir, "chart", "values.yaml")
	deploy := func(wantHost string, cached bool, args ...string) {
		t.Helper()
		r := d.mustLain(append([]string{"--verbose", "deploy"}, args...)...)
		wantIn(t, r.Stderr, "  http://"+wantHost+".lab.local/")
		if got := strings.Contains(r.Stderr, "render from lain's cache"); got != cached {
			t.Errorf("render from the cache: %v, want %v", got, cached)
		}
		if host := MustKubectl(t, d.ns, "get", "ingress", "-o", "jsonpath={.items[*].spec.rules[*].host}"); !strings.Contains(host, wantHost+".lab.local") {
			t.Errorf("the ingress helm installed is for %q, want %s", host, wantHost)
		}
	}
	deploy("aaaa", false)
	deploy("aaaa", true)
	st, err := os.Stat(values)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(values)
	os.WriteFile(values, []byte(strings.Replace(string(b), "host: aaaa", "host: bbbb", 1)), 0o644)
	os.Chtimes(values, st.ModTime(), st.ModTime())
	deploy("bbbb", false)
	deploy("cccc", false, "--set", "ingresses[0].host=cccc", "--set", "ingresses[0].deployName=web")
	deploy("bbbb", true)
}

// labCredentials are the lab kubeconfig's CA, client certificate and key
// (PEM).
func labCredentials(t *testing.T) (ca, cert, key []byte) {
	t.Helper()
	var kc struct {
		Clusters []struct {
			Cluster map[string]string `yaml:"cluster"`
		} `yaml:"clusters"`
		Users []struct {
			User map[string]string `yaml:"user"`
		} `yaml:"users"`
	}
	b, err := os.ReadFile(Lab.Kubeconfig)
	if err == nil {
		err = yaml.Unmarshal(b, &kc)
	}
	if err != nil || len(kc.Clusters) != 1 || len(kc.Users) != 1 {
		t.Fatalf("%s: %v", Lab.Kubeconfig, err)
	}
	dec := func(s string) []byte {
		out, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return dec(kc.Clusters[0].Cluster["certificate-authority-data"]), dec(kc.Users[0].User["client-certificate-data"]), dec(kc.Users[0].User["client-key-data"])
}

// TestAdversarialInProcessReadMatchesKubectl builds kubeconfigs kubectl
// could read differently from a plain reading (several files, first wins,
// relative paths, no namespace, ~/.kube/config, TLS settings) and checks
// that lain's in-process read, when it is made, reads the same namespace
// and the same object as kubectl, and never succeeds where kubectl fails.
func TestAdversarialInProcessReadMatchesKubectl(t *testing.T) {
	ns := Namespace(t)
	ca, cert, key := labCredentials(t)
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	server := "https://127.0.0.1:6443"
	cluster := func(name, server, extra string) string {
		return "- name: " + name + "\n  cluster:\n    server: " + server + "\n" + extra
	}
	caData := "    certificate-authority-data: " + b64(ca) + "\n"
	admin := "- name: admin\n  user:\n    client-certificate-data: " + b64(cert) + "\n    client-key-data: " + b64(key) + "\n"
	contextOf := func(name, cluster, ns string) string {
		s := "- name: " + name + "\n  context:\n    cluster: " + cluster + "\n    user: admin\n"
		if ns != "" {
			s += "    namespace: " + ns + "\n"
		}
		return s
	}
	kubeconfig := func(current, clusters, users, contexts string) string {
		return "apiVersion: v1\nkind: Config\ncurrent-context: " + current + "\nclusters:\n" + clusters + "users:\n" + users + "contexts:\n" + contexts
	}

	type variant struct {
		files      map[string]string // under HOME
		kubeconfig []string          // KUBECONFIG entries under HOME; nil: unset
		inProcess  bool              // lain must read it itself (else kubectl)
	}
	variants := map[string]variant{
		"one file": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}, inProcess: true},
		"no namespace: default": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData), admin, contextOf("lab", "lab", ""))},
			kubeconfig: []string{"kc"}, inProcess: true},
		// The first file's context and cluster win over the second's
		// (whose cluster is unreachable), its current-context too.
		"first file wins": {files: map[string]string{
			"a": "current-context: mine\nclusters:\n" + cluster("lab", server, caData) + "contexts:\n" + contextOf("mine", "lab", ns),
			"b": kubeconfig("lab", cluster("lab", "https://127.0.0.1:1", caData), admin, contextOf("lab", "lab", "default")+contextOf("mine", "lab", "kube-system")),
		}, kubeconfig: []string{"", "missing", "a", "", "b"}, inProcess: true},
		// Paths are the defining file's; no KUBECONFIG: ~/.kube/config.
		"relative paths in ~/.kube/config": {files: map[string]string{
			".kube/pki/ca.crt": string(ca), ".kube/pki/admin.crt": string(cert), ".kube/pki/admin.key": string(key),
			".kube/config": kubeconfig("lab", cluster("lab", server, "    certificate-authority: pki/ca.crt\n"),
				"- name: admin\n  user:\n    client-certificate: pki/admin.crt\n    client-key: pki/admin.key\n", contextOf("lab", "lab", ns)),
		}, inProcess: true},
		"tls-server-name the certificate has": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData+"    tls-server-name: localhost\n"), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}},
		"tls-server-name it has not": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData+"    tls-server-name: wrong.example\n"), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}},
		"insecure, no CA": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, "    insecure-skip-tls-verify: true\n"), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}, inProcess: true},
		"insecure with a CA": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData+"    insecure-skip-tls-verify: true\n"), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}},
		"a server path": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server+"/", caData), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}, inProcess: true},
		"no user": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData), " []\n", contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}},
		"proxy-url": {files: map[string]string{"kc": kubeconfig("lab", cluster("lab", server, caData+"    proxy-url: http://127.0.0.1:1\n"), admin, contextOf("lab", "lab", ns))},
			kubeconfig: []string{"kc"}},
	}
	for name, v := range variants {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			home := t.TempDir()
			WriteFiles(t, home, v.files)
			env := map[string]string{"HOME": home}
			var kenv []string
			if v.kubeconfig != nil {
				var list []string
				for _, f := range v.kubeconfig {
					if f != "" {
						f = filepath.Join(home, f)
					}
					list = append(list, f)
				}
				env["KUBECONFIG"] = strings.Join(list, string(os.PathListSeparator))
				kenv = []string{"KUBECONFIG=" + env["KUBECONFIG"]}
			} else {
				kenv = []string{"KUBECONFIG="}
			}
			getenv := func(k string) string { return env[k] }
			elsewhere := t.TempDir() // relative paths must not be the working dir's
			kubectl := func(args ...string) Result {
				return Run(t, "kubectl", Cmd{Args: args, Home: home, Env: kenv, Dir: elsewhere, Stdin: ""})
			}
			kns := strings.TrimSpace(kubectl("config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}").Stdout)
			if kns == "" {
				kns = "default"
			}
			path := "/api/v1/namespaces/" + kns + "/serviceaccounts/default"
			kr := kubectl("get", "--raw", path, "--request-timeout=10s")

			cfg, err := kube.KubeconfigAPI(getenv)
			if err != nil {
				if v.inProcess {
					t.Fatalf("lain leaves it to kubectl: %v", err)
				}
				t.Logf("left to kubectl: %v", err)
				return
			}
			if cfg.Namespace != kns {
				t.Errorf("lain reads namespace %q, kubectl %q", cfg.Namespace, kns)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			body, err := kube.GetRaw(ctx, cfg, path)
			switch {
			case kr.Code != 0 && err == nil:
				t.Fatalf("lain read in-process what kubectl could not read: %s", body)
			case kr.Code != 0:
				t.Logf("both fail; lain then runs kubectl (its error: %v)", err)
			case err != nil:
				if v.inProcess {
					t.Fatalf("kubectl reads, lain's in-process read fails: %v", err)
				}
			default:
				if got, want := uid(t, body), uid(t, []byte(kr.Stdout)); got != want || got == "" {
					t.Errorf("lain read object %q, kubectl %q", got, want)
				}
			}
		})
	}
}

func uid(t *testing.T, body []byte) string {
	t.Helper()
	var o struct {
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(body, &o); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return o.Metadata.UID
}
