// Package charttest finds the real helm and kubectl for tests of lain's
// chart (the lab's, or the ones on PATH) and checks renders against the
// lab's Kubernetes API server, so invalid objects fail a test.
package charttest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"
)

// Tool finds name (helm, kubectl): the lab's build first (it matches the
// lab's API server), then PATH. It skips the test, saying why, when there
// is none.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if p := labTool(name); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	testenv.Missing(t, fmt.Sprintf("%s is not installed: not on PATH, nor in the lab's cache (scripts/lab build makes it)", name))
	return ""
}

// labTool looks in ${LAIN_LAB_CACHE:-$XDG_CACHE_HOME/lain-lab}/<version>/bin,
// newest version first.
func labTool(name string) string {
	root := os.Getenv("LAIN_LAB_CACHE")
	if root == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		root = filepath.Join(cache, "lain-lab")
	}
	matches, _ := filepath.Glob(filepath.Join(root, "*", "bin", name))
	sort.Sort(sort.Reverse(sort.StringSlice(matches)))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode()&0o111 != 0 {
			return m
		}
	}
	return ""
}

// Dir is the directory of a tool, for a runner's PATH.
func Dir(tool string) string { return filepath.Dir(tool) }

// Kubeconfig is the lab's admin kubeconfig; it skips the test when the lab
// is not set up (LAB_KUBECONFIG, from `eval "$(scripts/lab env)"`).
func Kubeconfig(t testing.TB) string {
	t.Helper()
	kc := os.Getenv("LAB_KUBECONFIG")
	if kc == "" {
		testenv.Missing(t, "LAB_KUBECONFIG is not set: no lab API server to check the render against (scripts/lab up; eval \"$(scripts/lab env)\")")
	}
	if _, err := os.Stat(kc); err != nil {
		testenv.Missing(t, fmt.Sprintf("LAB_KUBECONFIG=%s: %v", kc, err))
	}
	return kc
}

// Namespace creates a namespace for server-side dry runs (deleted at
// cleanup) and waits for its default ServiceAccount, which pods need.
func Namespace(t testing.TB, kubectl, kubeconfig string) string {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	ns := "lain-chart-test-" + hex.EncodeToString(b)
	run(t, kubectl, kubeconfig, nil, "create", "namespace", ns)
	t.Cleanup(func() {
		exec.Command(kubectl, "--kubeconfig", kubeconfig, "delete", "namespace", ns, "--wait=false").Run()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "-n", ns, "get", "serviceaccount", "default", "-o", "name")
		if cmd.Run() == nil {
			return ns
		}
		if time.Now().After(deadline) {
			t.Fatalf("ServiceAccount default never appeared in %s", ns)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// ServiceAccount creates a ServiceAccount in ns: the API server refuses
// pods that name one it does not have.
func ServiceAccount(t testing.TB, kubectl, kubeconfig, ns, name string) {
	t.Helper()
	run(t, kubectl, kubeconfig, nil, "-n", ns, "create", "serviceaccount", name)
}

// ApplyDryRun sends manifests to the API server with
// `kubectl apply --dry-run=server`: every object is validated and admitted
// as if created, and nothing is stored.
func ApplyDryRun(t testing.TB, kubectl, kubeconfig, ns string, manifests []byte) string {
	t.Helper()
	return run(t, kubectl, kubeconfig, manifests, "apply", "--dry-run=server", "-n", ns, "-f", "-")
}

func run(t testing.TB, kubectl, kubeconfig string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}
