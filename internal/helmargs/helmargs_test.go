package helmargs

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/internal/testenv"
)

func TestFlagsInHelmsMergeOrder(t *testing.T) {
	o := Options{Cluster: "prod", User: "ann", RepoURL: "https://git.example.com/a,b.git", ImageTag: "1700-abc",
		ClusterValues: "/tmp/lain-cluster-prod-1.yaml", AppClusterValues: "chart/values-prod.yaml",
		Extra: []string{"extra.yaml", "more.yaml"}, CanaryValues: "chart/values-canary.yaml"}
	want := `--set cluster=prod,user=ann,repo_url=https://git.example.com/a\,b.git,imageTag=1700-abc -f /tmp/lain-cluster-prod-1.yaml -f chart/values-prod.yaml -f extra.yaml -f more.yaml -f chart/values-canary.yaml`
	if got := strings.Join(o.Flags(), " "); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	bare := Options{Cluster: "lab", ImageTag: "latest", ClusterValues: "/tmp/c.yaml"}
	if got := strings.Join(bare.Flags(), " "); got != "--set cluster=lab,user=,repo_url=,imageTag=latest -f /tmp/c.yaml" {
		t.Fatal(got)
	}
}

// TestDeployLintAndTemplateShareTheOptions: the reference's helm upgrade
// line, and lint/template with the very same flags.
func TestDeployLintAndTemplateShareTheOptions(t *testing.T) {
	o := Options{Cluster: "prod", User: "ann", ImageTag: "1700-abc", ClusterValues: "/tmp/c.yaml", AppClusterValues: "chart/values-prod.yaml"}
	flags := "--set cluster=prod,user=ann,repo_url=,imageTag=1700-abc -f /tmp/c.yaml -f chart/values-prod.yaml"
	if got := strings.Join(Upgrade("shop", 300, o, "--wait"), " "); got != "upgrade --timeout=300s --set cluster=prod,user=ann,repo_url=,imageTag=1700-abc --install -f /tmp/c.yaml -f chart/values-prod.yaml shop ./chart --wait" {
		t.Error(got)
	}
	if got := strings.Join(Lint(o), " "); got != "lint ./chart "+flags {
		t.Error(got)
	}
	if got := strings.Join(Template("shop", o, "--set", "a=b", "--debug"), " "); got != "template shop ./chart "+flags+" --set a=b --debug" {
		t.Error(got)
	}
}

func TestGatherFindsTheFilesAndAsksGit(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: shop\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "chart", "values-prod.yaml"), []byte("x: 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "chart", "values-canary.yaml"), []byte("y: 1\n"), 0o644)
	a, err := app.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := &runner.Recorder{}
	rec.On("git log", "1700000000-abc", 0)
	rec.On("git remote get-url origin", "https://git.example.com/shop.git\n", 0)
	cfg := &clusterconfig.Config{Cluster: "prod", Map: map[string]any{"registry": "r.example.com/x"}}
	env := map[string]string{"USER": "ann"}
	o, cleanup, err := Gather(context.Background(), rec, a, cfg, func(k string) string { return env[k] }, []string{"extra.yaml"}, true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(o.ClusterValues)
	st, _ := os.Stat(o.ClusterValues)
	if string(b) != "registry: r.example.com/x\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("cluster values file %q %v", b, st.Mode())
	}
	cleanup()
	if _, err := os.Stat(o.ClusterValues); !os.IsNotExist(err) {
		t.Error("cluster values file left behind")
	}
	o.ClusterValues = "C"
	want := "--set cluster=prod,user=ann,repo_url=https://git.example.com/shop.git,imageTag=1700000000-abc -f C -f chart/values-prod.yaml -f extra.yaml -f chart/values-canary.yaml"
	if got := strings.Join(o.Flags(), " "); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Not a canary, no cluster file: neither -f.
	cfg.Cluster = "test"
	o, cleanup, _ = Gather(context.Background(), rec, a, cfg, func(string) string { return "" }, nil, false)
	defer cleanup()
	if o.AppClusterValues != "" || o.CanaryValues != "" {
		t.Errorf("%+v", o)
	}
}

// token=tok1,tok2 made helm print `key "tok2" has no value`: lain refuses
// it first, without quoting any of it.
func TestCheckSetsRefusesWithoutQuotingTheValue(t *testing.T) {
	if err := CheckSets([]string{"imageTag=1", `env.TOKEN=a\,b`}); err != nil {
		t.Fatal(err)
	}
	err := CheckSets([]string{"imageTag=1", "env.API_TOKEN=tok1,SEKRIT"})
	if err == nil || strings.Contains(err.Error(), "SEKRIT") || !strings.Contains(err.Error(), "--set #2") {
		t.Fatal(err)
	}
}

// What lain passes with --set arrives in the chart exactly as given, as
// helm itself reads it (a leading '{' would otherwise make a list, a ','
// another key).
func TestSetValuesArriveAsGiven(t *testing.T) {
	if _, err := exec.LookPath("helm"); err != nil {
		testenv.Missing(t, "helm is not on PATH (the lab env puts it there): "+err.Error())
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: esc\nversion: 0.1.0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "templates", "v.yaml"), []byte("user: {{ .Values.user | toJson }}\nrepo: {{ .Values.repo_url | toJson }}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.yaml"), nil, 0o644)
	for _, v := range []string{"{a,b}", `\{a}`, "{", "a,b=c", `back\slash`, "x}", "[0]"} {
		o := Options{User: v, RepoURL: "{" + v, ClusterValues: filepath.Join(dir, "c.yaml")}
		out, err := exec.Command("helm", append([]string{"template", "t", dir}, o.Flags()...)...).CombinedOutput()
		want := "user: " + jsonString(v) + "\nrepo: " + jsonString("{"+v) + "\n"
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%q: helm rendered (%v):\n%s\nwant:\n%s", v, err, out, want)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
