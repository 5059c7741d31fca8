package kube

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each kubeconfig here is one kubectl v1.33 reads differently from a
// plain reading, checked by hand against kubectl get --raw with a
// test server (what kubectl did is in the comment): lain must leave all
// of them to kubectl, never read something else in-process.
func TestKubeconfigAPILeavesKubectlsQuirksToKubectl(t *testing.T) {
	const ca = "bm90IHVzZWQ=" // never read: each case fails earlier
	cluster := "    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true"
	for name, c := range map[string][2]string{
		// kubectl sends the file's token (client-go reads the file
		// before each request), not the token field.
		"token and tokenFile": {cluster, "    token: t\n    tokenFile: tok"},
		// "specifying a root certificates file with the insecure flag is not allowed"
		"insecure with a CA file": {cluster + "\n    certificate-authority: ca.pem", "    token: t"},
		"insecure with CA data":   {cluster + "\n    certificate-authority-data: " + ca, "    token: t"},
		// "certificate-authority-data and certificate-authority are both specified"
		"CA file and data":   {"    server: https://127.0.0.1:6443\n    certificate-authority: ca.pem\n    certificate-authority-data: " + ca, "    token: t"},
		"cert file and data": {cluster, "    client-certificate: c.pem\n    client-certificate-data: " + ca + "\n    client-key-data: " + ca},
		// "cannot unmarshal number into ... token of type string": a
		// plain reading took the token as unset and read anonymously.
		"token is a number": {cluster, "    token: 12345"},
		// kubectl (YAML 1.1) takes yes as true.
		"insecure: yes":      {"    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: yes", "    token: t"},
		"insecure: a string": {"    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: \"true\"", "    token: t"},
		// kubectl get prefixes the server's path, get --raw does not.
		"server with a path": {"    server: https://127.0.0.1:6443/prefix/\n    insecure-skip-tls-verify: true", "    token: t"},
		"server with a user": {"    server: https://ann@127.0.0.1:6443\n    insecure-skip-tls-verify: true", "    token: t"},
		// With no credential kubectl asks "Please enter Username:".
		"no credentials":      {cluster, "    {}"},
		"disable-compression": {cluster + "\n    disable-compression: true", "    token: t"},
		"as-groups":           {cluster, "    token: t\n    as-groups: [admins]"},
		"user is a list":      {cluster, "    [token]"},
	} {
		if cfg, err := KubeconfigAPI(writeKubeconfig(t, t.TempDir(), c[0], c[1])); err == nil {
			t.Errorf("%s: read in-process: %+v", name, cfg)
		}
	}
}

// kubectl refuses a file that names a cluster, user or context twice
// ("duplicate name in list"), and a context whose cluster is missing;
// lain leaves those to it. A namespace that is not a string too.
func TestKubeconfigAPIRefusesWhatKubectlRefuses(t *testing.T) {
	dir := t.TempDir()
	head := "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
	cl := "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]\n"
	us := "users: [{name: u, user: {token: t}}]\n"
	ctx := "contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}]\n"
	for name, body := range map[string]string{
		"cluster twice": head + "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}, {name: c, cluster: {server: 'https://10.0.0.1'}}]\n" + us + ctx,
		"user twice":    head + cl + "users: [{name: u, user: {token: t}}, {name: u, user: {token: other}}]\n" + ctx,
		"context twice": head + cl + us + "contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}, {name: x, context: {cluster: c, user: u, namespace: other}}]\n",
		"no cluster":    head + us + ctx,
		"no context":    "apiVersion: v1\nkind: Config\ncurrent-context: y\n" + cl + us + ctx,
		"namespace 7":   head + cl + us + "contexts: [{name: x, context: {cluster: c, user: u, namespace: 7}}]\n",
		// kubectl refuses it; in lain's URL it named namespace b.
		"namespace a/../b": head + cl + us + "contexts: [{name: x, context: {cluster: c, user: u, namespace: a/../b}}]\n",
		// kubectl does not trim it (and reads no such namespace).
		"namespace ' ns'": head + cl + us + "contexts: [{name: x, context: {cluster: c, user: u, namespace: ' ns'}}]\n",
		"unknown context": head + cl + us + "contexts: [{name: x, context: {cluster: c, user: u, namespace: ns, as: bob}}]\n",
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		os.WriteFile(p, []byte(body), 0o600)
		if cfg, err := KubeconfigAPI(func(k string) string { return map[string]string{"KUBECONFIG": p}[k] }); err == nil {
			t.Errorf("%s: read in-process: %+v", name, cfg)
		}
	}
	// The same entries in two files: the first file's wins, as in kubectl.
	p1, p2 := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	os.WriteFile(p1, []byte("contexts: [{name: x, context: {cluster: c, user: u, namespace: first}}]\n"+us), 0o600)
	os.WriteFile(p2, []byte(head+cl+"users: [{name: u, user: {token: second}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: second}}]\n"), 0o600)
	list := strings.Join([]string{"", filepath.Join(dir, "missing"), p1, p2}, string(os.PathListSeparator))
	cfg, err := KubeconfigAPI(func(k string) string { return map[string]string{"KUBECONFIG": list}[k] })
	if err != nil || cfg.Namespace != "first" || cfg.token != "t" {
		t.Fatalf("%+v %v", cfg, err)
	}
}

// tokenFile and client-key paths are the defining file's, not the
// working directory's; the namespace is "default" when the context sets
// none; without KUBECONFIG, ~/.kube/config is read.
func TestKubeconfigAPIPathsAndDefaults(t *testing.T) {
	srv := apiServer(t, x509.NewCertPool(), "s3cret")
	home := t.TempDir()
	kube := filepath.Join(home, ".kube")
	os.MkdirAll(filepath.Join(kube, "creds"), 0o700)
	os.WriteFile(filepath.Join(kube, "creds", "token"), []byte("s3cret\n"), 0o600)
	os.WriteFile(filepath.Join(kube, "config"), []byte("current-context: x\nclusters: [{name: c, cluster: {server: '"+srv.URL+"/', certificate-authority-data: "+serverCA(srv)+"}}]\n"+
		"users: [{name: u, user: {tokenFile: creds/token}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"), 0o600)
	t.Chdir(t.TempDir())
	cfg, err := KubeconfigAPI(func(k string) string { return map[string]string{"HOME": home}[k] })
	if err != nil || cfg.Namespace != "default" || cfg.Server != srv.URL {
		t.Fatalf("%+v %v", cfg, err)
	}
	if _, err := GetRaw(context.Background(), cfg, "/api/v1/namespaces/shop-ns/pods?fieldSelector=status.phase%3DRunning"); err != nil {
		t.Fatal(err)
	}
}

// A server that ignores the Table Accept header and includeObject=Metadata
// and sends every Secret whole: lain keeps none of the data, and neither
// its error nor its tables show it.
func TestReadTablesHoldsNoSecretDataFromAServerIgnoringAccept(t *testing.T) {
	const secret = "czNjcmV0LXZhbHVl" // base64 of the secret's value
	secretList := `{"kind":"SecretList","apiVersion":"v1","items":[{"metadata":{"name":"shop-env"},"data":{"PASSWORD":"` + secret + `"}}]}`
	// The same objects as the rows of a Table, whole (includeObject=Object).
	fullTable := `{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[{"name":"Name"},{"name":"Type"},{"name":"Data"},{"name":"Age"}],` +
		`"rows":[{"cells":["shop-env","Opaque",1,"2m"],"object":{"kind":"Secret","metadata":{"name":"shop-env"},"data":{"PASSWORD":"` + secret + `"}}}]}`
	for name, body := range map[string]string{"a SecretList": secretList, "a Table of whole objects": fullTable} {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		defer srv.Close()
		cfg, err := KubeconfigAPI(writeKubeconfig(t, t.TempDir(), "    server: "+srv.URL+"\n    certificate-authority-data: "+serverCA(srv), "    token: t"))
		if err != nil {
			t.Fatal(err)
		}
		tables, err := ReadTables(context.Background(), cfg, []Resource{Secrets})
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
		if got := strings.Join(tableText(tables), " "); strings.Contains(got, secret) {
			t.Errorf("%s: the tables hold the secret: %s", name, got)
		}
		if name == "a SecretList" && err == nil {
			t.Errorf("%s: read as a table: %+v", name, tables)
		}
	}
}

func tableText(tables []APITable) []string {
	var out []string
	for _, tb := range tables {
		for _, r := range tb.Rows {
			out = append(out, r.Name)
			out = append(out, r.Cells...)
			for k, v := range r.Labels {
				out = append(out, k, v)
			}
		}
	}
	return out
}

// In a pod (a CI job run in the cluster), kubectl takes the namespace
// from $POD_NAMESPACE or the service account when the context sets none
// (client-go's in-cluster rule): lain reads the same one, and leaves the
// in-process read to kubectl.
func TestInClusterNamespace(t *testing.T) {
	sa := t.TempDir()
	env := map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}
	getenv := func(k string) string { return env[k] }
	if _, ok := inClusterNamespace(getenv, sa); ok {
		t.Fatal("no token file: not in a pod")
	}
	os.WriteFile(filepath.Join(sa, "token"), []byte("t"), 0o600)
	if ns, ok := inClusterNamespace(getenv, sa); !ok || ns != "default" {
		t.Fatal(ns, ok)
	}
	os.WriteFile(filepath.Join(sa, "namespace"), []byte("ci\n"), 0o600)
	if ns, ok := inClusterNamespace(getenv, sa); !ok || ns != "ci" {
		t.Fatal(ns, ok)
	}
	env["POD_NAMESPACE"] = "from-env"
	if ns, ok := inClusterNamespace(getenv, sa); !ok || ns != "from-env" {
		t.Fatal(ns, ok)
	}
	delete(env, "KUBERNETES_SERVICE_PORT")
	if _, ok := inClusterNamespace(getenv, sa); ok {
		t.Fatal("no service port: not in a pod")
	}
}

// YAML as kubectl v1.33 read it (checked with kubectl get --raw): a second
// document is ignored, a merge key is followed, and a key given twice
// takes the last value, which lain does not emulate: it asks kubectl.
func TestKubeconfigAPIYAMLAsKubectl(t *testing.T) {
	head := "apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
	cl := "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]\n"
	dir := t.TempDir()
	read := func(body string) (*APIConfig, error) {
		p := filepath.Join(dir, "config")
		os.WriteFile(p, []byte(body), 0o600)
		return KubeconfigAPI(func(k string) string { return map[string]string{"KUBECONFIG": p}[k] })
	}
	if cfg, err := read(head + cl + "users: [{name: u, user: {token: first}}]\n---\ncurrent-context: y\nusers: [{name: u, user: {token: second}}]\n"); err != nil || cfg.token != "first" {
		t.Errorf("two documents: %+v %v", cfg, err)
	}
	if cfg, err := read(head + "base: &b {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}\nclusters: [{name: c, cluster: {<<: *b}}]\nusers: [{name: u, user: {token: t}}]\n"); err != nil || cfg.Server != "https://127.0.0.1:6443" || !cfg.TLS.InsecureSkipVerify {
		t.Errorf("merge key: %+v %v", cfg, err)
	}
	if cfg, err := read(head + cl + "users: [{name: u, user: {token: t}}]\nusers: [{name: u, user: {token: last}}]\n"); err == nil {
		t.Errorf("a key twice: read in-process with %+v", cfg)
	}
}
