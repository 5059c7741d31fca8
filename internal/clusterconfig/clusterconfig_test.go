package clusterconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lain-cli/lain/internal/clierr"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEmbeddedLabAndExampleAreValid(t *testing.T) {
	src := SourceFrom(envOf(nil))
	names, err := src.Clusters()
	if err != nil || !reflect.DeepEqual(names, []string{"lab"}) || !src.Embedded {
		t.Fatalf("clusters %v %v", names, err)
	}
	cl, err := src.Load("lab")
	if err != nil || cl.Values.Registry != "127.0.0.1:5000/lain" || len(cl.Warnings) != 0 {
		t.Fatalf("%+v %v", cl, err)
	}
	// The commented example must show every key and be valid itself.
	raw, err := os.ReadFile("../../cluster_values/example-values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := parse("example", "example-values.yaml", raw)
	if err != nil || len(ex.Warnings) != 0 {
		t.Fatalf("example: %v %v", err, ex.Warnings)
	}
	for _, k := range knownKeys() {
		if _, ok := ex.Map[k]; !ok {
			t.Errorf("example-values.yaml does not show %s", k)
		}
	}
}

func TestClusterValuesDirOverridesEmbedded(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "values-prod.yaml"), []byte("registry: r.example.com/x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "values-test.yaml"), []byte("registry: r.example.com/y\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("x: 1\n"), 0o644)
	for _, env := range []string{"CLUSTER_VALUES_DIR", "LAIN_CLUSTER_VALUES_DIR"} {
		src := SourceFrom(envOf(map[string]string{env: dir}))
		names, _ := src.Clusters()
		if !reflect.DeepEqual(names, []string{"prod", "test"}) {
			t.Errorf("%s: %v", env, names)
		}
	}
}

func TestBrokenClusterValuesSayFileLineKey(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"missing registry", "namespace: apps\n", []string{"values-t.yaml:1: registry: required key is missing"}},
		{"empty registry", "registry: \"\"\n", []string{"values-t.yaml:1: registry: must not be empty"}},
		{"number as string", "registry: r.io/x\nnamespace: 42\n", []string{"values-t.yaml:2: namespace: must be a string, got 42 (int) (quote it)"}},
		{"list as string", "registry: r.io/x\ndomain:\n  - a\n", []string{"values-t.yaml:3: domain: must be a string, got a list"}},
		{"bad registry_type", "registry: r.io/x\nregistry_type: quay\n", []string{`values-t.yaml:2: registry_type: must be one of [registry harbor aliyun tencent], got "quay"`}},
		{"host aliases shape", "registry: r.io/x\nclusterHostAliases:\n  - ip: 10.0.0.1\n", []string{"values-t.yaml:3: clusterHostAliases[0]: needs both ip and hostnames"}},
		{"secrets_env without env_name", "registry: r.io/x\nsecrets_env:\n  token:\n    hint: ask\n", []string{"values-t.yaml:4: secrets_env.token: needs env_name"}},
		{"required not bool", "registry: r.io/x\nsecrets_env:\n  token:\n    env_name: T\n    required: maybe\n", []string{"values-t.yaml:5: secrets_env.token.required: must be true or false"}},
		{"several at once", "domain: 1\nnamespace: [a]\n", []string{"values-t.yaml:1: domain:", "values-t.yaml:2: namespace:", "registry: required key is missing"}},
		{"not yaml", "registry: [unclosed\n", []string{"values-t.yaml: not valid YAML: line 1"}},
		{"not a map", "- a\n- b\n", []string{"values-t.yaml:1: (file): must be a map"}},
		{"empty file", "", []string{"registry: the file is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := Source{FS: fstest.MapFS{"values-t.yaml": {Data: []byte(c.yaml)}}, Dir: "cv"}
			_, err := src.Load("t")
			if err == nil {
				t.Fatal("no error")
			}
			msg := clierr.Format(err)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			if clierr.Code(err) != 2 || !strings.Contains(msg, "next: fix the file, then run: lain doctor") {
				t.Errorf("exit %d, %s", clierr.Code(err), msg)
			}
		})
	}
}

func TestUnknownKeyWarnsWithDidYouMean(t *testing.T) {
	src := Source{FS: fstest.MapFS{"values-t.yaml": {Data: []byte("registry: r.io/x\nregsitry: r.io/y\nfoo: 1\n")}}, Dir: "cv"}
	cl, err := src.Load("t")
	if err != nil || len(cl.Warnings) != 2 {
		t.Fatalf("%v %v", err, cl)
	}
	if got := cl.Warnings[0].String(); got != `cv/values-t.yaml:2: regsitry: unknown key, ignored (did you mean "registry"?)` {
		t.Error(got)
	}
	if got := cl.Warnings[1].String(); got != `cv/values-t.yaml:3: foo: unknown key, ignored` {
		t.Error(got)
	}
}

func TestUnknownClusterSuggests(t *testing.T) {
	src := Source{FS: fstest.MapFS{"values-test.yaml": {Data: []byte("registry: r\n")}, "values-prod.yaml": {Data: []byte("registry: r\n")}}, Dir: "cv"}
	_, err := src.Load("tset")
	msg := clierr.Format(err)
	if !strings.Contains(msg, `there is no cluster "tset": lain knows prod, test`) || !strings.Contains(msg, "next: lain use test") {
		t.Fatal(msg)
	}
}

const secretsYAML = `registry: r.io/x
secrets_env:
  harbor_token: HARBOR_TOKEN
  access_key_secret:
    env_name: ACR_SECRET
    hint: ask your admin for the key
    required: true
`

func TestSecretsEnvReadForCurrentClusterOnly(t *testing.T) {
	cl, err := parse("test", "values-test.yaml", []byte(secretsYAML))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(cl, "", envOf(map[string]string{"HARBOR_TOKEN": "h"}))
	msg := clierr.Format(err)
	if !strings.Contains(msg, "cluster test needs environment variables that are not set:\n  ACR_SECRET (for access_key_secret): ask your admin for the key") ||
		!strings.Contains(msg, "next: export ACR_SECRET=...") {
		t.Fatal(msg)
	}
	cfg, err := Resolve(cl, "", envOf(map[string]string{"ACR_SECRET": "s3"}))
	if err != nil || cfg.Values.AccessKeySecret != "s3" || cfg.Values.HarborToken != "" {
		t.Fatalf("%+v %v", cfg, err)
	}
}

func TestAppClusterValuesOverride(t *testing.T) {
	cl, _ := parse("test", "values-test.yaml", []byte("registry: r.io/x\npql_template:\n  cpu: a\n  memory_quantile: b\n"))
	app := t.TempDir()
	os.MkdirAll(filepath.Join(app, "chart"), 0o755)
	os.WriteFile(filepath.Join(app, "chart", "values-test.yaml"), []byte("registry: other.io/y\npql_template:\n  cpu: c\n"), 0o644)
	cfg, err := Resolve(cl, app, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Values.Registry != "other.io/y" || cfg.Values.PQLTemplate["cpu"] != "c" || cfg.Values.PQLTemplate["memory_quantile"] != "b" || len(cfg.Sources) != 2 {
		t.Fatalf("%+v", cfg)
	}
	path, cleanup, err := cfg.WriteTemp()
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	b, _ := os.ReadFile(path)
	if st.Mode().Perm() != 0o600 || !strings.Contains(string(b), "registry: other.io/y") {
		t.Fatalf("%v %s", st.Mode(), b)
	}
	cleanup()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("temp values file left behind")
	}
}

func TestMissingHostLines(t *testing.T) {
	hosts := "127.0.0.1 localhost\n10.0.0.10 harbor.example.com # registry\n10.0.0.99 git.example.com\n"
	got := MissingHostLines([]HostAlias{
		{IP: "10.0.0.10", Hostnames: []string{"harbor.example.com", "harbor-vpc.example.com"}},
		{IP: "10.0.0.11", Hostnames: []string{"git.example.com"}},
		{IP: "127.0.0.1", Hostnames: []string{"localhost"}},
	}, hosts)
	want := []string{"10.0.0.10 harbor-vpc.example.com", "10.0.0.11 git.example.com"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q", got)
	}
}
