package kube

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/runner"
)

// kubeconfigNS is the part of a kubeconfig file the namespace comes from.
type kubeconfigNS struct {
	CurrentContext string `yaml:"current-context"`
	Contexts       []struct {
		Name    string `yaml:"name"`
		Context struct {
			Namespace string `yaml:"namespace"`
		} `yaml:"context"`
	} `yaml:"contexts"`
}

// errAskKubectl means the kubeconfig holds something lain does not read the
// way kubectl does (a file that does not parse): kubectl is asked instead.
var errAskKubectl = errors.New("kubeconfig: ask kubectl")

// KubeconfigNamespace is the namespace of the current context, read from
// the kubeconfig files as kubectl reads them: the KUBECONFIG list (files
// that do not exist are skipped; the first file setting current-context,
// and the first definition of a context name, win), else ~/.kube/config;
// "default" when the context sets none. getenv reads the environment
// kubectl runs in.
func KubeconfigNamespace(getenv func(string) string) (string, error) {
	files, err := kubeconfigFiles(getenv)
	if err != nil {
		return "", err
	}
	current := ""
	namespaces := map[string]string{} // context -> namespace, first file wins
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", errAskKubectl
		}
		var kc kubeconfigNS
		if err := yaml.Unmarshal(data, &kc); err != nil {
			return "", errAskKubectl
		}
		if current == "" {
			current = kc.CurrentContext
		}
		for _, c := range kc.Contexts {
			if _, ok := namespaces[c.Name]; !ok {
				namespaces[c.Name] = c.Context.Namespace
			}
		}
	}
	if ns := namespaces[current]; ns != "" { // as it is: kubectl trims nothing
		return ns, nil
	}
	if ns, ok := inClusterNamespace(getenv, serviceAccountDir); ok {
		return ns, nil
	}
	return "default", nil
}

// serviceAccountDir holds a pod's service account token and namespace.
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// inClusterNamespace is the namespace kubectl uses in a pod (a CI job run
// in the cluster) when the current context sets none, or there is no
// kubeconfig: $POD_NAMESPACE, else the service account's, else "default".
// false outside a pod, as client-go decides it (the service's address in
// the environment and a token file).
func inClusterNamespace(getenv func(string) string, saDir string) (string, bool) {
	if getenv("KUBERNETES_SERVICE_HOST") == "" || getenv("KUBERNETES_SERVICE_PORT") == "" {
		return "", false
	}
	if st, err := os.Stat(filepath.Join(saDir, "token")); err != nil || st.IsDir() {
		return "", false
	}
	if ns := getenv("POD_NAMESPACE"); ns != "" {
		return ns, true
	}
	if b, err := os.ReadFile(filepath.Join(saDir, "namespace")); err == nil {
		if ns := strings.TrimSpace(string(b)); ns != "" {
			return ns, true
		}
	}
	return "default", true
}

// Namespace is the namespace of the kubeconfig's current context ("default"
// when it sets none). It reads the kubeconfig files itself (kubectl config
// view costs a process start, ~0.3 s); only a file it cannot parse makes it
// ask kubectl.
func (c *Client) Namespace(ctx context.Context) string {
	if ns, err := KubeconfigNamespace(c.getenv()); err == nil {
		return ns
	}
	out, err := c.query(ctx, "config", "view", "--minify", "-o", "jsonpath={..namespace}")
	if ns := strings.TrimSpace(string(out)); err == nil && ns != "" {
		return ns
	}
	return "default"
}

// getRaw is `kubectl get --raw path`: read in-process when the kubeconfig's
// credentials are ones lain reads (a Tab completion cannot afford the
// 150-200 ms a kubectl process takes to start), else, or when that read
// fails, by kubectl, which explains what went wrong.
func (c *Client) getRaw(ctx context.Context, path string, timeout time.Duration) ([]byte, error) {
	if cfg, err := KubeconfigAPI(c.getenv()); err == nil {
		if out, err := GetRaw(ctx, cfg, path); err == nil {
			runner.Note(c.Runner, runner.CommandLine(runner.Masker{}, "kubectl", []string{"get", "--raw", path})+"   # read in-process")
			return out, nil
		}
	}
	return c.query(ctx, "get", "--raw", path, "--request-timeout="+timeout.String())
}

// getenv is the environment kubectl runs in.
func (c *Client) getenv() func(string) string {
	if c.Getenv == nil {
		return os.Getenv
	}
	return c.Getenv
}
