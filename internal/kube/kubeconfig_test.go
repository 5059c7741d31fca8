package kube

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/runner"
)

// The namespace is read as kubectl reads it; e2e tests compare with
// kubectl itself (e2e/running_test.go runs lain with several files).
func TestKubeconfigNamespace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a", "apiVersion: v1\nkind: Config\ncontexts:\n- name: lab\n  context: {cluster: lab, user: admin}\n- name: prod\n  context: {cluster: prod, namespace: shop}\n")
	b := write("b", "current-context: prod\ncontexts:\n- name: prod\n  context: {namespace: ignored}\n- name: other\n  context: {namespace: team}\n")
	c := write("c", "current-context: other\n")
	bad := write("bad", "contexts: [\n")
	home := filepath.Join(dir, "home")
	os.MkdirAll(filepath.Join(home, ".kube"), 0o700)
	os.WriteFile(filepath.Join(home, ".kube", "config"), []byte(`{"current-context":"x","contexts":[{"name":"x","context":{"namespace":"from-home"}}]}`), 0o600)
	join := func(files ...string) string { return strings.Join(files, string(os.PathListSeparator)) }
	for _, tc := range []struct {
		kubeconfig, want string
	}{
		{join(a, b), "shop"},    // current-context from b, context from a (first definition wins)
		{join(b, a), "ignored"}, // b's definition first
		{join(c, a, b), "team"}, // c's current-context wins
		{join(filepath.Join(dir, "missing"), "", a, a, b), "shop"}, // missing and empty entries skipped
		{a, "default"}, // no current context
		{write("nons", "current-context: lab\ncontexts:\n- name: lab\n  context: {cluster: lab}\n"), "default"},
		{"", "from-home"}, // no KUBECONFIG: ~/.kube/config (JSON is YAML)
	} {
		env := map[string]string{"KUBECONFIG": tc.kubeconfig, "HOME": home}
		got, err := KubeconfigNamespace(func(k string) string { return env[k] })
		if err != nil || got != tc.want {
			t.Errorf("KUBECONFIG=%q: %q, %v; want %q", tc.kubeconfig, got, err, tc.want)
		}
	}
	env := map[string]string{"KUBECONFIG": join(a, bad)}
	if _, err := KubeconfigNamespace(func(k string) string { return env[k] }); err == nil {
		t.Error("a file that does not parse must make lain ask kubectl")
	}
}

func TestNamespaceAsksKubectlOnlyWhenTheFileDoesNotParse(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("current-context: x\ncontexts:\n- {name: x, context: {namespace: ns1}}\n"), 0o600)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("contexts: [\n"), 0o600)
	rec := &runner.Recorder{}
	rec.On("kubectl config view --minify", "from-kubectl", 0)
	c := &Client{Runner: rec, Getenv: func(string) string { return good }}
	if ns := c.Namespace(context.Background()); ns != "ns1" || len(rec.Lines) != 0 {
		t.Fatalf("%q, ran %v", ns, rec.Lines)
	}
	c.Getenv = func(string) string { return bad }
	if ns := c.Namespace(context.Background()); ns != "from-kubectl" {
		t.Fatalf("%q, ran %v", ns, rec.Lines)
	}
}
