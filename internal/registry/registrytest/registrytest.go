//go:build linux

// Package registrytest runs a real Docker Registry v2 (Debian's
// docker-registry, the CNCF distribution registry the lab uses) on
// 127.0.0.1 for tests, optionally behind htpasswd basic auth, and writes
// docker configurations that log in to it the ways docker does
// (config.json "auth", or a credential helper).
package registrytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"

	"golang.org/x/crypto/bcrypt"
)

// Registry is a running registry.
type Registry struct {
	Host string // 127.0.0.1:PORT
	Dir  string // config, storage, log
	// User and Password log in when the registry has auth.
	User, Password string
	cmd            *exec.Cmd
}

// Bin is the registry binary, "" when it is not installed.
func Bin() string {
	for _, p := range []string{"docker-registry", "registry"} {
		if b, err := exec.LookPath(p); err == nil {
			return b
		}
	}
	if _, err := os.Stat("/usr/bin/docker-registry"); err == nil {
		return "/usr/bin/docker-registry"
	}
	return ""
}

// Start runs a registry for the test (stopped at cleanup); with user set,
// it requires basic auth as user/password. The test is skipped when
// docker-registry is not installed (apt-get install docker-registry; the
// lab installs it).
func Start(t testing.TB, user, password string) *Registry {
	t.Helper()
	bin := Bin()
	if bin == "" {
		t.Skip("docker-registry is not installed (apt-get install docker-registry, or scripts/lab up)")
	}
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	r := &Registry{Host: "127.0.0.1:" + strconv.Itoa(port), Dir: dir, User: user, Password: password}
	auth := ""
	if user != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: lain-test\n    path: %s\n", filepath.Join(dir, "htpasswd"))
	}
	conf := fmt.Sprintf(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
%s`, filepath.Join(dir, "data"), r.Host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		testenv.Stop(r.cmd, syscall.SIGTERM, 5*time.Second)
		logf.Close()
	})
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := client.Get("http://" + r.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return r
			}
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	t.Fatalf("docker-registry did not come up on %s:\n%s", r.Host, log)
	return nil
}

// DockerConfig writes dir/config.json logging in to the registry as docker
// login does (base64 user:password under "auths"), and returns dir (for
// DOCKER_CONFIG, or HOME/.docker).
func (r *Registry) DockerConfig(t testing.TB, dir string) string {
	t.Helper()
	auth := base64.StdEncoding.EncodeToString([]byte(r.User + ":" + r.Password))
	writeJSON(t, filepath.Join(dir, "config.json"), map[string]any{"auths": map[string]any{r.Host: map[string]string{"auth": auth}}})
	return dir
}

// CredentialHelper writes dir/config.json naming a credential helper for
// the registry, and binDir/docker-credential-<name>: a script that answers
// `get` with the registry's user and password, as docker-credential-*
// programs do. Put binDir on PATH.
func (r *Registry) CredentialHelper(t testing.TB, dir, binDir, name string) string {
	t.Helper()
	writeJSON(t, filepath.Join(dir, "config.json"), map[string]any{"credHelpers": map[string]string{r.Host: name}})
	answer, _ := json.Marshal(map[string]string{"ServerURL": r.Host, "Username": r.User, "Secret": r.Password})
	script := fmt.Sprintf("#!/bin/sh\n# docker credential helper protocol: the action is $1, the server URL comes on stdin.\ncase \"$1\" in\nget) cat >/dev/null; printf '%%s\\n' '%s' ;;\n*) exit 1 ;;\nesac\n", answer)
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(binDir, "docker-credential-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
