//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Cmd is one command run the way a user would run it in a lab shell.
type Cmd struct {
	Args    []string      // argv after the program name
	Dir     string        // working directory (default: a fresh temp dir)
	Home    string        // HOME (default: the lab's HOME); see NewUserHome
	Env     []string      // KEY=VALUE pairs set on top of the lab environment
	Stdin   string        // standard input
	Timeout time.Duration // default 5 minutes
	Quiet   bool          // log the command only when it fails (for polling)
}

// Result is what a command did.
type Result struct {
	Code           int // exit code; -1 if it could not start or was killed
	Stdout, Stderr string
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// Lain runs the lain binary built for this test run.
func Lain(t testing.TB, c Cmd) Result {
	t.Helper()
	return run(t, Lab.LainBin, c)
}

// LainArgs runs lain with args in dir with HOME=home (either may be "").
func LainArgs(t testing.TB, dir, home string, args ...string) Result {
	t.Helper()
	return Lain(t, Cmd{Args: args, Dir: dir, Home: home})
}

// Run runs a program found on the lab's PATH (docker, helm, kubectl, ...).
func Run(t testing.TB, name string, c Cmd) Result {
	t.Helper()
	path, err := lookPath(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return run(t, path, c)
}

// MustRun is Run that fails the test on a non-zero exit code.
func MustRun(t testing.TB, name string, args ...string) Result {
	t.Helper()
	r := Run(t, name, Cmd{Args: args})
	if r.Code != 0 {
		t.Fatalf("%s %s: %s", name, strings.Join(args, " "), r)
	}
	return r
}

// Kubectl runs the lab's kubectl with the admin kubeconfig in namespace ns
// ("" = no -n flag).
func Kubectl(t testing.TB, ns string, args ...string) Result {
	t.Helper()
	full := []string{"--kubeconfig", Lab.Kubeconfig}
	if ns != "" {
		full = append(full, "-n", ns)
	}
	return Run(t, "kubectl", Cmd{Args: append(full, args...)})
}

// KubectlQuiet is Kubectl that logs only failures (for polling loops).
func KubectlQuiet(t testing.TB, ns string, args ...string) Result {
	t.Helper()
	full := []string{"--kubeconfig", Lab.Kubeconfig}
	if ns != "" {
		full = append(full, "-n", ns)
	}
	return Run(t, "kubectl", Cmd{Args: append(full, args...), Quiet: true})
}

// MustKubectl is Kubectl that fails the test on a non-zero exit code.
func MustKubectl(t testing.TB, ns string, args ...string) string {
	t.Helper()
	r := Kubectl(t, ns, args...)
	if r.Code != 0 {
		t.Fatalf("kubectl %s: %s", strings.Join(args, " "), r)
	}
	return r.Stdout
}

// Eventually polls f every 500 ms until it returns nil or timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %v", timeout, what, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// labEnv is the lab environment with HOME and extra overrides applied.
func labEnv(home string, extra []string) []string {
	env := make([]string, 0, len(Lab.Env)+len(extra)+1)
	env = append(env, Lab.Env...)
	if home != "" {
		env = append(env, "HOME="+home)
	}
	return append(env, extra...) // later entries win in os/exec
}

func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, kv := range labEnv("", nil) {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, dir := range filepath.SplitList(p) {
				cand := filepath.Join(dir, name)
				if st, err := os.Stat(cand); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
					return cand, nil
				}
			}
		}
	}
	return "", fmt.Errorf("not found on the lab PATH")
}

func run(t testing.TB, path string, c Cmd) Result {
	t.Helper()
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Minute
	}
	if c.Dir == "" {
		c.Dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Dir = c.Dir
	cmd.Env = labEnv(c.Home, c.Env)
	cmd.Stdin = strings.NewReader(c.Stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := Result{Code: 0, Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.Code = exitErr.ExitCode()
	default:
		res.Code = -1
		res.Stderr += "\n[e2e] " + err.Error()
	}
	if ctx.Err() != nil {
		res.Code = -1
		res.Stderr += fmt.Sprintf("\n[e2e] killed after timeout %s", c.Timeout)
	}
	if c.Quiet && res.Code == 0 {
		return res
	}
	t.Logf("$ %s %s  (exit %d, %s)%s%s", filepath.Base(path), strings.Join(c.Args, " "), res.Code,
		time.Since(start).Round(time.Millisecond), indent("stdout", res.Stdout), indent("stderr", res.Stderr))
	return res
}

func indent(name, s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	if len(s) > 4000 {
		s = s[:2000] + "\n[...]\n" + s[len(s)-2000:]
	}
	return "\n  " + name + ": " + strings.ReplaceAll(s, "\n", "\n  | ")
}

var (
	nsMu       sync.Mutex
	namespaces = map[testing.TB]string{}
	nonDNS     = regexp.MustCompile(`[^a-z0-9]+`)
)

// NewNamespace creates a unique namespace for this test (e2e-<test>-<random>),
// waits until pods can be created in it, and deletes it at cleanup.
// NewUserHome uses it for the kubeconfig's context namespace.
func NewNamespace(t testing.TB) string {
	t.Helper()
	name := strings.Trim(nonDNS.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(name) > 40 {
		name = strings.TrimRight(name[:40], "-")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "e2e-" + name + "-" + hex.EncodeToString(b)
	MustKubectl(t, "", "create", "namespace", ns)
	t.Cleanup(func() {
		if os.Getenv("LAIN_E2E_KEEP_NAMESPACES") == "1" {
			t.Logf("keeping namespace %s (LAIN_E2E_KEEP_NAMESPACES=1)", ns)
			return
		}
		Kubectl(t, "", "delete", "namespace", ns, "--wait=false")
	})
	// The ServiceAccount admission plugin rejects pods until "default" exists.
	Eventually(t, 30*time.Second, "ServiceAccount default in "+ns, func() error {
		if r := KubectlQuiet(t, ns, "get", "serviceaccount", "default", "-o", "name"); r.Code != 0 {
			return errors.New(r.Stderr)
		}
		return nil
	})
	nsMu.Lock()
	namespaces[t] = ns
	nsMu.Unlock()
	return ns
}

// Namespace is the test's namespace, created by NewNamespace on first use.
func Namespace(t testing.TB) string {
	t.Helper()
	nsMu.Lock()
	ns, ok := namespaces[t]
	nsMu.Unlock()
	if ok {
		return ns
	}
	return NewNamespace(t)
}

// NewUserHome makes a temp HOME for a user of the lab: .kube/kubeconfig-lab
// (mode 600) is the lab's admin kubeconfig with its context namespace set to
// the test's namespace (see Namespace). There is no .kube/config: `lain use
// lab` creates that symlink. Pass it as Cmd.Home.
func NewUserHome(t testing.TB) string {
	t.Helper()
	ns := Namespace(t)
	home := t.TempDir()
	kube := filepath.Join(home, ".kube")
	if err := os.MkdirAll(kube, 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(Lab.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(data), "\n    namespace: default\n", "\n    namespace: "+ns+"\n", 1)
	if cfg == string(data) {
		t.Fatalf("could not set the namespace in a copy of %s", Lab.Kubeconfig)
	}
	if err := os.WriteFile(filepath.Join(kube, "kubeconfig-lab"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

// NewAppDir copies examples/hello into a temp dir named hello and returns it.
func NewAppDir(t testing.TB) string {
	t.Helper()
	return copyExample(t, "hello")
}

func copyExample(t testing.TB, name string) string {
	t.Helper()
	src := filepath.Join(Lab.Repo, "examples", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

// WriteFiles writes files (relative path -> content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
