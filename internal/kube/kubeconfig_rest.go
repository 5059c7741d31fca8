package kube

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
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

// The fields lain reads itself; anything else (exec, auth-provider,
// username/password, impersonation, proxy-url, ...) is left to kubectl.
var (
	clusterFields = map[string]bool{"server": true, "certificate-authority": true, "certificate-authority-data": true, "insecure-skip-tls-verify": true, "tls-server-name": true}
	userFields    = map[string]bool{"client-certificate": true, "client-certificate-data": true, "client-key": true, "client-key-data": true, "token": true, "tokenFile": true}
	contextFields = map[string]bool{"cluster": true, "user": true, "namespace": true}
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
			for _, n := range l.list {
				if _, ok := l.into[n.Name]; !ok {
					inner, _ := n.Fields[l.key].(map[string]any)
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
	if ns, _ := ctx.fields["namespace"].(string); strings.TrimSpace(ns) != "" {
		cfg.Namespace = strings.TrimSpace(ns)
	}
	cfg.Server, _ = cl.fields["server"].(string)
	if !strings.HasPrefix(cfg.Server, "https://") {
		return nil, errors.New("the server is not https://")
	}
	cfg.Server = strings.TrimSuffix(cfg.Server, "/")
	cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	cfg.TLS.ServerName, _ = cl.fields["tls-server-name"].(string)
	if insecure, _ := cl.fields["insecure-skip-tls-verify"].(bool); insecure {
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
	return cfg, nil
}

func onlyKnown(what string, fields map[string]any, known map[string]bool) error {
	for k := range fields {
		if !known[k] && k != "extensions" {
			return fmt.Errorf("the %s's %s is left to kubectl", what, k)
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
