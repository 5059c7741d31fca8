package kube

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// clientCert is a self-signed client certificate and key, PEM, valid
// until notAfter.
func clientCert(t *testing.T, notAfter time.Time) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lab-admin"},
		NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), pool
}

// apiServer answers the table lists of namespace "shop-ns" as the API
// server does, to clients with a certificate of pool or the bearer token.
func apiServer(t *testing.T, pool *x509.CertPool, token string) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authed := len(r.TLS.PeerCertificates) > 0 || (token != "" && r.Header.Get("Authorization") == "Bearer "+token)
		if !authed {
			http.Error(w, `{"kind":"Status","code":401}`, http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/api/v1/namespaces/shop-ns/pods" && r.URL.Query().Get("fieldSelector") == "status.phase=Running" {
			w.Write([]byte(`{"kind":"PodList","items":[{"metadata":{"name":"shop-web-1"},"status":{"containerStatuses":[{"ready":true}]}}]}`))
			return
		}
		if !strings.Contains(r.Header.Get("Accept"), "as=Table;v=v1;g=meta.k8s.io") || r.URL.Query().Get("includeObject") != "Metadata" {
			w.Write([]byte(`{"kind":"SecretList","items":[]}`))
			return
		}
		switch r.URL.Path {
		case "/api/v1/namespaces/shop-ns/secrets":
			w.Write([]byte(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[{"name":"Name"},{"name":"Type"},{"name":"Data"},{"name":"Age"}],
"rows":[{"cells":["shop-env","Opaque",0,"2m"],"object":{"metadata":{"name":"shop-env"}}},
{"cells":["sh.helm.release.v1.shop.v1","helm.sh/release.v1",1,"1m"],"object":{"metadata":{"name":"sh.helm.release.v1.shop.v1","labels":{"owner":"helm","name":"shop","status":"deployed","version":"1"}}}}]}`))
		case "/apis/apps/v1/namespaces/shop-ns/deployments":
			w.Write([]byte(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[{"name":"Name"},{"name":"Ready"},{"name":"Images"}],"rows":[]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func serverCA(srv *httptest.Server) string {
	return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// writeKubeconfig writes a kubeconfig of one context to dir and returns
// the environment kubectl would read it from.
func writeKubeconfig(t *testing.T, dir, cluster, user string) func(string) string {
	t.Helper()
	kc := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n%s\nusers:\n- name: admin\n  user:\n%s\ncontexts:\n- name: lab\n  context:\n    cluster: lab\n    user: admin\n    namespace: shop-ns\ncurrent-context: lab\n", cluster, user)
	p := filepath.Join(dir, "config")
	if err := os.WriteFile(p, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(k string) string {
		if k == "KUBECONFIG" {
			return p
		}
		return ""
	}
}

func TestReadTablesWithAClientCertificate(t *testing.T) {
	cert, key, pool := clientCert(t, time.Now().Add(24*time.Hour))
	srv := apiServer(t, pool, "")
	dir := t.TempDir()
	// The key as a file beside the kubeconfig (a relative path), the
	// certificate inline.
	os.WriteFile(filepath.Join(dir, "admin.key"), key, 0o600)
	getenv := writeKubeconfig(t, dir,
		"    server: "+srv.URL+"\n    certificate-authority-data: "+serverCA(srv),
		"    client-certificate-data: "+base64.StdEncoding.EncodeToString(cert)+"\n    client-key: admin.key")
	cfg, err := KubeconfigAPI(getenv)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := ReadTables(context.Background(), cfg, []Resource{Secrets, Deployments})
	if err != nil {
		t.Fatal(err)
	}
	s := tables[0]
	if len(s.Rows) != 2 || s.Rows[1].Name != "sh.helm.release.v1.shop.v1" || s.Rows[1].Labels["status"] != "deployed" || s.Rows[0].Cells[2] != "0" || strings.Join(s.Columns, ",") != "Name,Type,Data,Age" {
		t.Errorf("%+v", s)
	}
	if len(tables[1].Rows) != 0 || len(tables[1].Columns) != 3 {
		t.Errorf("%+v", tables[1])
	}
}

// Whatever keeps the read from succeeding is an error (the caller asks
// kubectl): an expired certificate, a missing resource, a server that is
// gone.
func TestReadTablesFails(t *testing.T) {
	cert, key, pool := clientCert(t, time.Now().Add(-time.Hour))
	srv := apiServer(t, pool, "")
	user := "    client-certificate-data: " + base64.StdEncoding.EncodeToString(cert) + "\n    client-key-data: " + base64.StdEncoding.EncodeToString(key)
	cases := map[string]struct {
		server, user string
		res          Resource
	}{
		"expired certificate": {srv.URL, user, Secrets},
		"unknown resource":    {srv.URL, "    token: abc", Pods},
		"server gone":         {"https://127.0.0.1:1", user, Secrets},
	}
	for name, c := range cases {
		getenv := writeKubeconfig(t, t.TempDir(), "    server: "+c.server+"\n    certificate-authority-data: "+serverCA(srv), c.user)
		cfg, err := KubeconfigAPI(getenv)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := ReadTables(context.Background(), cfg, []Resource{c.res}); err == nil {
			t.Errorf("%s: read", name)
		} else if strings.Contains(err.Error(), "abc") {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
	}
}

func TestReadTablesWithATokenFile(t *testing.T) {
	srv := apiServer(t, x509.NewCertPool(), "s3cret")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "token"), []byte("s3cret\n"), 0o600)
	getenv := writeKubeconfig(t, dir, "    server: "+srv.URL+"\n    insecure-skip-tls-verify: true", "    tokenFile: token")
	cfg, err := KubeconfigAPI(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if tables, err := ReadTables(context.Background(), cfg, []Resource{Secrets}); err != nil || len(tables[0].Rows) != 2 {
		t.Fatal(tables, err)
	}
}

// Tab after lain x lists the pods in-process (no kubectl start), and asks
// kubectl when the API server refuses lain's read.
func TestRunningPodNamesInProcess(t *testing.T) {
	srv := apiServer(t, x509.NewCertPool(), "s3cret")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "token"), []byte("s3cret\n"), 0o600)
	rec := &runner.Recorder{}
	c := &Client{Runner: rec, Getenv: writeKubeconfig(t, dir, "    server: "+srv.URL+"\n    insecure-skip-tls-verify: true", "    tokenFile: token")}
	names, err := c.RunningPodNames(context.Background(), "app=shop", time.Second)
	if err != nil || len(names) != 1 || names[0] != (PodName{"shop-web-1", "1/1"}) || len(rec.Lines) != 0 ||
		len(rec.Notes) != 1 || !strings.HasSuffix(rec.Notes[0], "   # read in-process") {
		t.Fatalf("%v %v; ran %s; notes %q", names, err, rec, rec.Notes)
	}
	os.WriteFile(filepath.Join(dir, "token"), []byte("expired\n"), 0o600)
	rec.On("kubectl get --raw", `{"items":[]}`, 0)
	if names, err := c.RunningPodNames(context.Background(), "app=shop", time.Second); err != nil || len(names) != 0 || len(rec.Lines) != 1 {
		t.Fatalf("a refused read goes to kubectl: %v %v; ran %s", names, err, rec)
	}
}

// Credentials and settings lain does not handle itself are kubectl's.
func TestKubeconfigAPILeavesOthersToKubectl(t *testing.T) {
	cluster := "    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true"
	cases := map[string][2]string{
		"exec":          {cluster, "    exec:\n      command: aws"},
		"auth-provider": {cluster, "    auth-provider:\n      name: oidc"},
		"password":      {cluster, "    username: ann\n    password: pw"},
		"impersonation": {cluster, "    token: t\n    as: bob"},
		"proxy-url":     {cluster + "\n    proxy-url: http://proxy:3128", "    token: t"},
		"http server":   {"    server: http://127.0.0.1:8080", "    token: t"},
		"missing key":   {cluster, "    client-certificate-data: " + base64.StdEncoding.EncodeToString([]byte("x"))},
	}
	for name, c := range cases {
		if cfg, err := KubeconfigAPI(writeKubeconfig(t, t.TempDir(), c[0], c[1])); err == nil {
			t.Errorf("%s: %+v", name, cfg)
		}
	}
	getenv := writeKubeconfig(t, t.TempDir(), cluster, "    token: t")
	proxied := func(k string) string {
		if k == "HTTPS_PROXY" {
			return "http://proxy:3128"
		}
		return getenv(k)
	}
	if _, err := KubeconfigAPI(proxied); err == nil {
		t.Error("HTTPS_PROXY: read in-process")
	}
	if cfg, err := KubeconfigAPI(getenv); err != nil || cfg.Namespace != "shop-ns" || cfg.Server != "https://127.0.0.1:6443" {
		t.Errorf("%+v %v", cfg, err)
	}
}

// Whatever a kubeconfig holds, reading it never panics: it gives a
// config or an error (then kubectl reads it).
func FuzzKubeconfigAPI(f *testing.F) {
	f.Add("clusters:\n- name: lab\n  cluster:\n    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true\nusers:\n- name: a\n  user:\n    token: t\ncontexts:\n- name: lab\n  context: {cluster: lab, user: a, namespace: ns}\ncurrent-context: lab\n")
	f.Add("clusters:\n- name: lab\n  cluster:\n    server: https://x\n    certificate-authority-data: bm90IHBlbQ==\nusers:\n- name: a\n  user:\n    client-certificate-data: eA==\n    client-key: k\ncontexts:\n- name: lab\n  context: {cluster: lab, user: a}\ncurrent-context: lab\n")
	f.Add("users:\n- name: a\n  user:\n    exec: {command: aws}\ncontexts: [x]\ncurrent-context: 3\n")
	f.Add("clusters: {a: b}\n")
	f.Fuzz(func(t *testing.T, kubeconfig string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "config")
		if err := os.WriteFile(p, []byte(kubeconfig), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := KubeconfigAPI(func(k string) string {
			if k == "KUBECONFIG" {
				return p
			}
			return ""
		})
		if err == nil && (cfg.TLS == nil || !strings.HasPrefix(cfg.Server, "https://")) {
			t.Errorf("%+v", cfg)
		}
	})
}
