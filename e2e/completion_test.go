//go:build e2e

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Tab after lain x: the procs (from the values files, at once), then the
// app's running pods, asked of the cluster within 300 ms. A cluster that
// accepts the connection and never answers adds nothing, and Tab still
// returns at once.
func TestCompletionOfPodNames(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	// Within 300 ms, or nothing. The lab's kubeconfig has a client
	// certificate, so lain reads the pods in-process (tens of ms), and at
	// least one Tab of five lists them even on the loaded 2-core lab,
	// where a kubectl start alone takes 0.3-1 s. lain's own start takes up
	// to 1 s there too: the bound on a whole run is loose, the 2 s run
	// below shows the deadline is what ends it.
	listed := 0
	for i := 0; i < 5 && listed < 2; i++ {
		start := time.Now()
		r := a.must("__complete", "x", "")
		if took := time.Since(start); took > 1500*time.Millisecond {
			t.Errorf("Tab took %s", took)
		}
		n := strings.Count(r.Stdout, "\tpod, ready 1/1\n")
		if !strings.HasPrefix(r.Stdout, "web\nnightly\n") || (n != 0 && n != 2) {
			t.Errorf("completion: %q", r.Stdout)
		}
		if n == 2 {
			listed++
		}
	}
	if listed == 0 {
		t.Error("no Tab of five listed the pods within 300 ms")
	}
	a.extraLainEnv = []string{"LAIN_COMPLETION_TIMEOUT=20s"}
	r := a.must("__complete", "x", "")
	if !strings.HasPrefix(r.Stdout, "web\nnightly\nhello-web-") || strings.Count(r.Stdout, "\tpod, ready 1/1\n") != 2 {
		t.Errorf("completion: %q", r.Stdout)
	}
	a.extraLainEnv = nil
	if r := a.must("__complete", "x", "web", ""); r.Stdout != ":4\n" {
		t.Errorf("second argument: %q", r.Stdout)
	}

	// A cluster that never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn // accepted, never answered
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	kubeconfig := filepath.Join(a.home, ".kube", "kubeconfig-lab")
	cfg, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, serverRe.ReplaceAll(cfg, []byte("server: https://"+ln.Addr().String())), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		start := time.Now()
		r := a.must("__complete", "x", "")
		took := time.Since(start)
		if r.Stdout != "web\nnightly\n:4\n" {
			t.Errorf("a silent cluster: want the procs only, got %q", r.Stdout)
		}
		// 300 ms for the cluster, the rest for lain's own start on a busy machine.
		if took > 1500*time.Millisecond {
			t.Errorf("a silent cluster: Tab took %s", took)
		}
	}
	a.extraLainEnv = []string{"LAIN_COMPLETION_TIMEOUT=2s"}
	start := time.Now()
	if r := a.must("__complete", "x", ""); r.Stdout != "web\nnightly\n:4\n" || time.Since(start) > 3500*time.Millisecond || time.Since(start) < 2*time.Second {
		t.Errorf("a silent cluster, 2 s allowed: %q after %s", r.Stdout, time.Since(start))
	}
}
