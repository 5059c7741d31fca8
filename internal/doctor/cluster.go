package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/toolcheck"
)

// clusterState loads the current cluster once for the checks that need it.
type clusterState struct {
	env     Env
	name    string
	cluster *clusterconfig.Cluster
	loadErr error
	loaded  bool
}

func (s *clusterState) load() {
	if s.loaded {
		return
	}
	s.loaded = true
	s.name = s.env.Kube.Current()
	if s.name != "" {
		s.cluster, s.loadErr = s.env.Source.Load(s.name)
	}
}

// needCluster returns a skip line when there is no usable current cluster.
func (s *clusterState) needCluster() (Result, bool) {
	s.load()
	if s.name == "" {
		return skip("no current cluster"), false
	}
	if s.cluster == nil {
		return skip("cluster values of %s did not load", s.name), false
	}
	return Result{}, true
}

func (s *clusterState) checkCurrent(context.Context) Result {
	s.load()
	if s.name == "" {
		names, _ := s.env.Source.Clusters()
		if _, err := os.Lstat(s.env.Kube.ConfigPath()); os.IsNotExist(err) {
			return fail(fmt.Sprintf("no current cluster: %s does not exist (lain knows %s)", s.env.Kube.ConfigPath(), strings.Join(names, ", ")), "lain use CLUSTER")
		}
		return fail(fmt.Sprintf("%s is not one of lain's clusters (lain knows %s)", s.env.Kube.ConfigPath(), strings.Join(names, ", ")), "lain use CLUSTER")
	}
	return ok("%s", s.name)
}

func (s *clusterState) checkKubeconfig(context.Context) Result {
	s.load()
	if s.name == "" {
		return skip("no current cluster")
	}
	if !s.env.Kube.Has(s.name) {
		return fromErr(s.env.Kube.MissingError(s.name))
	}
	if w := s.env.Kube.PermissionWarning(s.name); w != "" {
		msg, fix, _ := strings.Cut(w, ": chmod")
		return fail(msg, "chmod"+fix)
	}
	return ok("%s (private)", s.env.Kube.KubeconfigPath(s.name))
}

func (s *clusterState) checkValues(context.Context) Result {
	s.load()
	if s.name == "" {
		return skip("no current cluster")
	}
	var inv *clusterconfig.Invalid
	if errors.As(s.loadErr, &inv) {
		r := problemsResult(s.env.Source.Path(s.name), inv.Problems)
		r.Fix = "fix the file, then run: lain doctor"
		if s.env.Source.Embedded {
			r.Fix = "tell your lain admin: the cluster values built into this lain are broken"
		}
		return r
	}
	if s.loadErr != nil {
		return fromErr(s.loadErr)
	}
	if n := len(s.cluster.Warnings); n > 0 {
		lines := make([]string, n)
		for i, w := range s.cluster.Warnings {
			lines[i] = w.String()
		}
		// Unknown keys and keys only the original lain read: each line says which.
		return warn(fmt.Sprintf("%s has %d key(s) lain does not use", s.cluster.File, n), strings.Join(lines, "\n"))
	}
	return ok("%s", s.cluster.File)
}

func (s *clusterState) checkSecrets(context.Context) Result {
	if r, ok := s.needCluster(); !ok {
		return r
	}
	spec := s.cluster.Values.SecretsEnv
	if len(spec) == 0 {
		return ok("none needed")
	}
	if _, err := clusterconfig.ReadSecretsEnv(spec, s.env.Getenv, s.name); err != nil {
		return fromErr(err)
	}
	return ok("%d variable(s) set", len(spec))
}

func (s *clusterState) checkHosts(context.Context) Result {
	if r, ok := s.needCluster(); !ok {
		return r
	}
	aliases := s.cluster.Values.ClusterHostAliases
	if len(aliases) == 0 {
		return ok("no clusterHostAliases needed")
	}
	hosts, err := os.ReadFile(s.env.HostsFile)
	if err != nil {
		return fail(err.Error(), "")
	}
	missing := clusterconfig.MissingHostLines(aliases, string(hosts))
	if len(missing) == 0 {
		return ok("all clusterHostAliases present")
	}
	var fix []string
	for _, l := range missing {
		fix = append(fix, fmt.Sprintf("echo '%s' | sudo tee -a %s", l, s.env.HostsFile))
	}
	return fail(fmt.Sprintf("%d line(s) missing from %s", len(missing), s.env.HostsFile), strings.Join(fix, "\n"))
}

func (s *clusterState) checkAPIServer(ctx context.Context, chk *toolcheck.Checker) Result {
	if r, ok := s.needCluster(); !ok {
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, ClusterTimeout)
	defer cancel()
	v, err := chk.Kubectl(ctx, "--request-timeout=3s")
	if err != nil {
		return fromErr(err)
	}
	if v.Server == nil {
		return fail(fmt.Sprintf("cluster %s did not answer within 3s", s.name), "check your network or VPN, then: kubectl get ns")
	}
	return ok("Kubernetes %s answers (kubectl %s: skew ok)", v.Server.GitVersion, v.Client.GitVersion)
}

// checkRegistry asks the registry's /v2/ endpoint whether it needs a login
// and, if so, whether docker has credentials for it.
func (s *clusterState) checkRegistry(ctx context.Context) Result {
	if r, ok := s.needCluster(); !ok {
		return r
	}
	host, _, _ := strings.Cut(s.cluster.Values.Registry, "/")
	if host == "docker.io" {
		host = "index.docker.io"
	}
	ctx, cancel := context.WithTimeout(ctx, ClusterTimeout)
	defer cancel()
	url := "https://" + host + "/v2/"
	if isLoopback(host) {
		url = "http://" + host + "/v2/" // docker treats loopback registries as plain HTTP
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := s.env.HTTPClient.Do(req)
	if err != nil {
		return fail(fmt.Sprintf("cannot reach registry %s: %v", host, err), "check your network or VPN, then: curl -sI "+url)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return ok("%s answers without a login", host)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return fail(fmt.Sprintf("registry %s answered %s on /v2/", host, resp.Status), "check the registry in "+s.cluster.File)
	}
	if how := dockerCredentials(s.env.DockerConfig, host); how != "" {
		return ok("%s needs a login; docker has credentials (%s)", host, how)
	}
	return fail(fmt.Sprintf("%s needs a login and docker has no credentials for it", host), "docker login "+host)
}

func isLoopback(host string) bool {
	h := host
	if i := strings.LastIndex(h, ":"); i >= 0 {
		h = h[:i]
	}
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "[::1]"
}

// dockerCredentials says how docker would authenticate to host ("" when it
// would not): an entry in auths, a credHelper, or a credsStore.
func dockerCredentials(configFile, host string) string {
	raw, err := os.ReadFile(configFile)
	if err != nil {
		return ""
	}
	var cfg struct {
		Auths       map[string]json.RawMessage `json:"auths"`
		CredHelpers map[string]string          `json:"credHelpers"`
		CredsStore  string                     `json:"credsStore"`
	}
	if json.Unmarshal(raw, &cfg) != nil {
		return ""
	}
	for k := range cfg.Auths {
		k = strings.TrimPrefix(strings.TrimPrefix(k, "https://"), "http://")
		k, _, _ = strings.Cut(k, "/")
		if k == host {
			return "auths in " + configFile
		}
	}
	if h := cfg.CredHelpers[host]; h != "" {
		return "credential helper docker-credential-" + h
	}
	if cfg.CredsStore != "" {
		return "credential store docker-credential-" + cfg.CredsStore
	}
	return ""
}
