package kube

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// APIConfig is how to reach the API server of the kubeconfig's current
// context the way kubectl does, for the few reads lain makes in-process
// (a kubectl process costs ~150-200 ms of start-up).
type APIConfig struct {
	Server    string
	Namespace string
	TLS       *tls.Config
	// token is the bearer token (never printed).
	token string
}

// named is a kubeconfig list entry: its name and its fields, kept as a map
// so that any field lain does not know sends the read to kubectl.
type named struct {
	Name   string         `yaml:"name"`
	Fields map[string]any `yaml:",inline"`
}

type kubeconfigFile struct {
	CurrentContext string  `yaml:"current-context"`
	Clusters       []named `yaml:"clusters"`
	Users          []named `yaml:"users"`
	Contexts       []named `yaml:"contexts"`
	dir            string
}

type fieldKind int

const (
	text fieldKind = iota
	flag
)

// The fields lain reads itself; anything else (exec, auth-provider,
// username/password, impersonation, proxy-url, ...) is left to kubectl.
var (
	// Each known field with the type kubectl decodes it as: a value of
	// another type (token: 12345) makes kubectl refuse the file, where a
	// careless read would take it as unset and go on anonymously.
	clusterFields = map[string]fieldKind{"server": text, "certificate-authority": text, "certificate-authority-data": text, "insecure-skip-tls-verify": flag, "tls-server-name": text}
	userFields    = map[string]fieldKind{"client-certificate": text, "client-certificate-data": text, "client-key": text, "client-key-data": text, "token": text, "tokenFile": text}
	contextFields = map[string]fieldKind{"cluster": text, "user": text, "namespace": text}
	// proxyEnv makes kubectl go through a proxy: lain leaves that to it.
	proxyEnv = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"}
)

// kubeconfigFiles are the files kubectl reads: the KUBECONFIG list, else
// ~/.kube/config.
func kubeconfigFiles(getenv func(string) string) ([]string, error) {
	if list := getenv("KUBECONFIG"); list != "" {
		var files []string
		seen := map[string]bool{}
		for _, f := range filepath.SplitList(list) {
			if f != "" && !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
		return files, nil
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return nil, errAskKubectl
	}
	return []string{filepath.Join(home, ".kube", "config")}, nil
}

// KubeconfigAPI reads the current context's server, namespace and
// credentials as kubectl merges the kubeconfig files (the first file
// setting current-context, and the first entry of a name, win). An error
// means kubectl must do the read: a kind of credential or setting lain
// does not handle, a proxy, a file that does not parse.
func KubeconfigAPI(getenv func(string) string) (*APIConfig, error) {
	for _, v := range proxyEnv {
		if getenv(v) != "" {
			return nil, fmt.Errorf("%s is set: kubectl goes through the proxy", v)
		}
	}
	files, err := kubeconfigFiles(getenv)
	if err != nil {
		return nil, err
	}
	current := ""
	type entry struct {
		fields map[string]any
		dir    string // relative paths are the file's
	}
	clusters, users, contexts := map[string]entry{}, map[string]entry{}, map[string]entry{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var kc kubeconfigFile
		if err := yaml.Unmarshal(data, &kc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if current == "" {
			current = kc.CurrentContext
		}
		dir := filepath.Dir(f)
		for _, l := range []struct {
			list []named
			into map[string]entry
			key  string
		}{{kc.Clusters, clusters, "cluster"}, {kc.Users, users, "user"}, {kc.Contexts, contexts, "context"}} {
			inFile := map[string]bool{}
			for _, n := range l.list {
				// kubectl refuses a file naming one entry twice.
				if inFile[n.Name] {
					return nil, fmt.Errorf("%s: two %ss named %q", f, l.key, n.Name)
				}
				inFile[n.Name] = true
				inner, ok := n.Fields[l.key].(map[string]any)
				if !ok && n.Fields[l.key] != nil {
					return nil, fmt.Errorf("%s: %s %q is not a map", f, l.key, n.Name)
				}
				if _, ok := l.into[n.Name]; !ok {
					l.into[n.Name] = entry{inner, dir}
				}
			}
		}
	}
	ctx, ok := contexts[current]
	if current == "" || !ok {
		return nil, errors.New("no current context")
	}
	if err := onlyKnown("context", ctx.fields, contextFields); err != nil {
		return nil, err
	}
	clusterName, _ := ctx.fields["cluster"].(string)
	userName, _ := ctx.fields["user"].(string)
	cl, ok := clusters[clusterName]
	if !ok {
		return nil, fmt.Errorf("cluster %q not found", clusterName)
	}
	us := users[userName] // a context may name no user
	if err := onlyKnown("cluster", cl.fields, clusterFields); err != nil {
		return nil, err
	}
	if err := onlyKnown("user", us.fields, userFields); err != nil {
		return nil, err
	}
	cfg := &APIConfig{Namespace: "default"}
	if ns, _ := ctx.fields["namespace"].(string); ns != "" {
		// kubectl takes it as it is and refuses a '/' or '..' in it; lain
		// puts it in a URL path, where 'a/../b' would name namespace b.
		if !dnsLabel(ns) {
			return nil, fmt.Errorf("the namespace %q is not a DNS label", ns)
		}
		cfg.Namespace = ns
	} else if _, inPod := inClusterNamespace(getenv, serviceAccountDir); inPod {
		return nil, errors.New("no namespace in the context, in a pod: kubectl uses the pod's")
	}
	cfg.Server, _ = cl.fields["server"].(string)
	if !strings.HasPrefix(cfg.Server, "https://") {
		return nil, errors.New("the server is not https://")
	}
	// kubectl get puts a server's path before the API's, kubectl get --raw
	// does not: a server with a path is left to kubectl.
	if u, err := url.Parse(cfg.Server); err != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, errors.New("the server URL has a path, a query or a user")
	}
	cfg.Server = strings.TrimSuffix(cfg.Server, "/")
	for _, fields := range []map[string]any{cl.fields, us.fields} {
		for _, name := range []string{"certificate-authority", "client-certificate", "client-key"} {
			if fields[name] != nil && fields[name+"-data"] != nil {
				return nil, fmt.Errorf("both %s and %s-data are set", name, name)
			}
		}
	}
	insecure, _ := cl.fields["insecure-skip-tls-verify"].(bool)
	if insecure && (cl.fields["certificate-authority"] != nil || cl.fields["certificate-authority-data"] != nil) {
		return nil, errors.New("insecure-skip-tls-verify with a certificate authority: kubectl refuses it")
	}
	// With both, kubectl sends the file's token (read again before each
	// request), not the token field.
	if us.fields["token"] != nil && us.fields["tokenFile"] != nil {
		return nil, errors.New("both token and tokenFile are set")
	}
	cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	cfg.TLS.ServerName, _ = cl.fields["tls-server-name"].(string)
	if insecure {
		cfg.TLS.InsecureSkipVerify = true
	} else if ca, err := pemField(cl.fields, "certificate-authority", cl.dir); err != nil {
		return nil, err
	} else if ca != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, errors.New("certificate-authority: no certificate")
		}
		cfg.TLS.RootCAs = pool
	}
	cert, err := pemField(us.fields, "client-certificate", us.dir)
	if err != nil {
		return nil, err
	}
	key, err := pemField(us.fields, "client-key", us.dir)
	if err != nil {
		return nil, err
	}
	if cert != nil || key != nil {
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, errors.New("client certificate and key do not load")
		}
		cfg.TLS.Certificates = []tls.Certificate{pair}
	}
	cfg.token, _ = us.fields["token"].(string)
	if f, _ := us.fields["tokenFile"].(string); f != "" && cfg.token == "" {
		b, err := os.ReadFile(resolve(us.dir, f))
		if err != nil {
			return nil, errors.New("tokenFile does not read")
		}
		cfg.token = strings.TrimSpace(string(b))
	}
	// With no credential kubectl asks for a user name and password (and
	// fails without a terminal); it never reads as system:anonymous.
	if cfg.token == "" && len(cfg.TLS.Certificates) == 0 {
		return nil, errors.New("no credentials: kubectl asks for them")
	}
	return cfg, nil
}

// dnsLabel is whether s can name a namespace: 1-63 of a-z, 0-9 and '-',
// starting and ending with a letter or digit.
func dnsLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func onlyKnown(what string, fields map[string]any, known map[string]fieldKind) error {
	for k, v := range fields {
		kind, ok := known[k]
		if !ok && k != "extensions" {
			return fmt.Errorf("the %s's %s is left to kubectl", what, k)
		}
		switch v.(type) {
		case nil: // null: unset, for kubectl too
		case string:
			if ok && kind != text {
				return fmt.Errorf("the %s's %s is not a boolean", what, k)
			}
		case bool:
			if ok && kind != flag {
				return fmt.Errorf("the %s's %s is not a string", what, k)
			}
		default:
			if ok {
				return fmt.Errorf("the %s's %s is neither a string nor a boolean", what, k)
			}
		}
	}
	return nil
}

// pemField is NAME-data (base64) or the file NAME; nil when neither.
func pemField(fields map[string]any, name, dir string) ([]byte, error) {
	if s, _ := fields[name+"-data"].(string); s != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%s-data is not base64", name)
		}
		return b, nil
	}
	if f, _ := fields[name].(string); f != "" {
		b, err := os.ReadFile(resolve(dir, f))
		if err != nil {
			return nil, fmt.Errorf("%s does not read", name)
		}
		return b, nil
	}
	return nil, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
