//go:build e2e

package e2e

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// apiProxy forwards TCP to the lab's API server until stop appears: then
// it closes its listener and every connection, as an API server that died
// would (the shared lab's own API server is never stopped).
type apiProxy struct {
	addr string
	mu   sync.Mutex
	conn []net.Conn
}

func startAPIProxy(t *testing.T, target, stop string) *apiProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &apiProxy{addr: ln.Addr().String()}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close(); p.closeAll() })
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if _, err := os.Stat(stop); err == nil {
				ln.Close()
				p.closeAll()
				return
			}
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conn = append(p.conn, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *apiProxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conn {
		c.Close()
	}
}

var serverRe = regexp.MustCompile(`server: https://([^\s]+)`)

// Issue 14: the API server goes away as helm upgrade starts. Rollback
// cannot reach it either, so lain must not advise it: it says the cluster
// stopped answering, that the release is unchanged (helm stopped at its
// first check), and lain doctor.
func TestDeployWhenTheClusterStopsAnswering(t *testing.T) {
	d := newDeployApp(t, "")
	d.push("latest")
	d.mustLain("--ignore-lint", "deploy")

	kubeconfig := filepath.Join(d.home, ".kube", "kubeconfig-lab")
	cfg, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	m := serverRe.FindSubmatch(cfg)
	if m == nil {
		t.Fatalf("no server in %s", kubeconfig)
	}
	stop := filepath.Join(t.TempDir(), "stop")
	proxy := startAPIProxy(t, string(m[1]), stop)
	if err := os.WriteFile(kubeconfig, serverRe.ReplaceAll(cfg, []byte("server: https://"+proxy.addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	// helm, as lain finds it on PATH: `upgrade` first stops the proxy.
	realHelm, err := lookPath("helm")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\nif [ \"$1\" = upgrade ]; then touch " + stop + "; sleep 0.5; fi\nexec " + realHelm + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "helm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	path := ""
	for _, kv := range labEnv("", nil) {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
		}
	}

	r := Lain(t, Cmd{Args: []string{"--ignore-lint", "deploy"}, Dir: d.dir, Home: d.home, Env: []string{"PATH=" + bin + ":" + path}, Timeout: 3 * time.Minute})
	if r.Code == 0 {
		t.Fatalf("deploy succeeded without a cluster: %s", r)
	}
	wantIn(t, r.Stderr, "helm upgrade of "+d.name+" failed: the cluster stopped answering (", "connection refused",
		"the release is unchanged (helm stopped before changing anything; it was at revision 1)", "next: lain doctor")
	if strings.Contains(r.Stderr, "next: lain rollback") {
		t.Errorf("advises a rollback that cannot reach the cluster:\n%s", r.Stderr)
	}
	// And it is true: the release is still at revision 1.
	if h := MustRun(t, "helm", "--kubeconfig", Lab.Kubeconfig, "-n", d.ns, "history", d.name, "-o", "json").Stdout; !strings.Contains(h, `"revision":1`) || strings.Contains(h, `"revision":2`) {
		t.Errorf("helm history: %s", h)
	}
}
