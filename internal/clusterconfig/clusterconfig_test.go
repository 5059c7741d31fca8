package clusterconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-containerregistry/pkg/name"

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
		{"number as string", "registry: r.io/x\nnamespace: 42\n", []string{"values-t.yaml:2: namespace: must be a string, got 42 (a number) (quote it)"}},
		{"list as string", "registry: r.io/x\ndomain:\n  - a\n", []string{"values-t.yaml:3: domain: must be a string, got a list"}},
		{"bad registry_type", "registry: r.io/x\nregistry_type: quay\n", []string{`values-t.yaml:2: registry_type: must be one of registry, harbor, aliyun, tencent, got "quay"`}},
		{"host aliases shape", "registry: r.io/x\nclusterHostAliases:\n  - ip: 10.0.0.1\n", []string{"values-t.yaml:3: clusterHostAliases[0]: needs both ip and hostnames"}},
		{"secrets_env without env_name", "registry: r.io/x\nsecrets_env:\n  token:\n    hint: ask\n", []string{"values-t.yaml:4: secrets_env.token: needs env_name"}},
		{"required not bool", "registry: r.io/x\nsecrets_env:\n  token:\n    env_name: T\n    required: maybe\n", []string{"values-t.yaml:5: secrets_env.token.required: must be true or false"}},
		{"several at once", "domain: 1\nnamespace: [a]\n", []string{"values-t.yaml:1: domain:", "values-t.yaml:2: namespace:", "registry: required key is missing"}},
		{"not yaml", "registry: [unclosed\n", []string{"values-t.yaml:1:11: not valid YAML: did not find expected ',' or ']'"}},
		{"not a map", "- a\n- b\n", []string{"values-t.yaml:1: (file): must be a map"}},
		{"empty file", "", []string{"values-t.yaml:1: registry: the file is empty"}},
		{"comments only", "# nothing yet\n", []string{"values-t.yaml:1: registry: the file is empty"}},
		// Issue 14, point 4: values that passed but sent images elsewhere.
		{"registry null", "registry: ~\n", []string{"values-t.yaml:1: registry: must be set, got nothing (~) (lain would push images to Docker Hub)"}},
		{"registry empty null", "registry:\n", []string{"values-t.yaml:1: registry: must be set, got nothing (lain would push images to Docker Hub)"}},
		{"registry with a scheme", "registry: https://harbor.example.com/team\n", []string{`values-t.yaml:1: registry: "https://harbor.example.com/team" has a scheme: docker names have none (write harbor.example.com/team)`}},
		{"registry with a space", "registry: harbor.example.com/my team\n", []string{`values-t.yaml:1: registry: "harbor.example.com/my team" contains a space`}},
		{"registry without a host", "registry: myteam\n", []string{`values-t.yaml:1: registry: "myteam" does not start with a registry host, so docker would push to Docker Hub`}},
		{"registry with capitals in the path", "registry: r.io/MyTeam\n", []string{`values-t.yaml:1: registry: "r.io/MyTeam": the path after the host must be lower-case`}},
		{"registry with a bad port", "registry: r.io:port/x\n", []string{`values-t.yaml:1: registry: "r.io:port" is not a registry host[:port]`}},
		{"internalRegistry bad", "registry: r.io/x\ninternalRegistry: http://r-vpc.io/x\n", []string{`values-t.yaml:2: internalRegistry: "http://r-vpc.io/x" has a scheme`}},
		{"misspelt registry keeps its did-you-mean", "regsitry: r.io/x\nnamespace: [a]\n", []string{
			`values-t.yaml:1: regsitry: unknown key, ignored (did you mean "registry"?)`,
			"values-t.yaml:1: registry: required key is missing (line 1 has regsitry: is it misspelt?)",
			"values-t.yaml:2: namespace: must be a string, got a list"}},
		{"secrets_env into a map", "registry: r.io/x\nsecrets_env:\n  pql_template: PQL\n", []string{"values-t.yaml:3: secrets_env.pql_template: pql_template is a map, but an environment variable can only fill a string key"}},
		{"secrets_env into a list", "registry: r.io/x\nsecrets_env:\n  clusterHostAliases: {env_name: H}\n", []string{"values-t.yaml:3: secrets_env.clusterHostAliases: clusterHostAliases is a list"}},
		{"secrets_env naming nothing", "registry: r.io/x\nsecrets_env:\n  harbor_token: ~\n", []string{"values-t.yaml:3: secrets_env.harbor_token: names no environment variable"}},
		{"alias of the wrong type", "registry: r.io/x\nx: &l [a]\nnamespace: *l\n", []string{"values-t.yaml:2: namespace: must be a string, got a list"}},
		{"merged key of the wrong type", "registry: r.io/x\nx: &b {namespace: 1}\n<<: *b\n", []string{"values-t.yaml:2: namespace: must be a string, got 1 (a number)"}},
		{"duplicate key", "registry: r.io/x\nregistry: r.io/y\n", []string{"values-t.yaml:2:1: registry: defined twice (first on line 1): keep one"}},
		// Point 5: messages.
		{"tab in indentation", "registry: r.io/x\nsecrets_env:\n\ttoken: T\n", []string{"values-t.yaml:3:1: a tab in the indentation: YAML indents with spaces only"}},
		{"invalid UTF-8", "registry: r.io/x\nextra_docs: caf\xe9\n", []string{"values-t.yaml:2:16: byte 0xE9 is not UTF-8"}},
		{"NUL byte", "registry: r.io/x\x00\n", []string{"values-t.yaml:1:17: a NUL byte"}},
		{"alias bomb", bomb(), []string{"aliases (*name) expand to far more values than the file holds"}},
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

// bomb is a billion laughs: nine levels of ten aliases.
func bomb() string {
	var b strings.Builder
	b.WriteString("registry: r.io/x\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s*l%d]\n", i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	return b.String()
}

// TestAliasesAndMergeKeysResolve: point 4 of issue 14, anchors are
// followed as YAML defines them, not rejected or ignored.
func TestAliasesAndMergeKeysResolve(t *testing.T) {
	cl, err := parse("t", "values-t.yaml", []byte("x-base: &base\n  registry: r.io/x\n  namespace: apps\nx-r: &r r-vpc.io/x\n<<: *base\ninternalRegistry: *r\nnamespace: mine\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := cl.Values
	if v.Registry != "r.io/x" || v.InternalRegistry != "r-vpc.io/x" || v.Namespace != "mine" {
		t.Fatalf("%+v", v)
	}
	if len(cl.Warnings) != 0 { // x-base and x-r hold anchors: no typos
		t.Fatalf("%v", cl.Warnings)
	}
}

func TestRegistryProblem(t *testing.T) {
	for _, ok := range []string{"harbor.example.com/myteam", "127.0.0.1:5000/lain", "localhost:5000", "docker.io/timfeirg", "r.io", "r.io/a/b-c_d.e", "[::1]:5000/x"} {
		if p := RegistryProblem(ok); p != "" {
			t.Errorf("%s: %s", ok, p)
		}
	}
	for _, bad := range []string{"", "https://r.io/x", "r.io/x y", "team", "r.io//x", "r.io/-x", "r.io/X", "r.io:/x", "r.io/x:tag", "r.io/x@sha256:00"} {
		if RegistryProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzRegistryProblem(f *testing.F) {
	for _, s := range []string{"harbor.example.com/myteam", "127.0.0.1:5000/lain", "https://r.io/x", "r.io/x y", "team", "", "r.io/", "[::1]:5000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if RegistryProblem(s) != "" {
			return
		}
		// Whatever is accepted makes image names that parse, on that host.
		host, _, _ := strings.Cut(s, "/")
		ref, err := name.ParseReference(s+"/app:1", name.StrictValidation)
		if err != nil {
			t.Fatalf("%q accepted, but %s/app:1 does not parse: %v", s, s, err)
		}
		want, _ := name.NewRegistry(host, name.StrictValidation)
		if ref.Context().RegistryStr() != want.RegistryStr() {
			t.Fatalf("%q accepted, but docker would push %s/app to %s", s, s, ref.Context().RegistryStr())
		}
	})
}

// FuzzClusterValues: no file panics or hangs, every problem is located in
// the file, and what loads has a registry that parses.
func FuzzClusterValues(f *testing.F) {
	for _, s := range []string{secretsYAML, "registry: ~\n", "registry: https://r.io/x\n", "regsitry: r.io/x\nnamespace: [a]\n",
		"x: &b {registry: r.io/x}\n<<: *b\n", "registry: r.io/x\nsecrets_env:\n  pql_template: P\n", "", "registry: r.io/x\n\tnamespace: a\n",
		"registry: r.io/x\x00", bomb(), "a: &a\n  b: *a\nregistry: r.io/x\n", "\ufeffregistry: r.io/x\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		cl, err := parse("t", "values-t.yaml", raw)
		if err != nil {
			var inv *Invalid
			if !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Fatalf("%v: no problems listed", err)
			}
			for _, p := range inv.Problems {
				if p.Line < 1 {
					t.Fatalf("%s: no line", p)
				}
			}
			return
		}
		if RegistryProblem(cl.Values.Registry) != "" {
			t.Fatalf("loaded with registry %q", cl.Values.Registry)
		}
	})
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

// TestAppOverrideProblemsNameTheAppFile: point 5 of issue 14, a type error
// in chart/values-<CLUSTER>.yaml names that file, its line and the key,
// never an internal copy or a Go type.
func TestAppOverrideProblemsNameTheAppFile(t *testing.T) {
	cl, _ := parse("prod", "values-prod.yaml", []byte("registry: r.io/x\n"))
	cases := []struct{ name, yaml, want string }{
		{"list for a map", "appname: shop\npql_template:\n  - a\n", "chart/values-prod.yaml:3: pql_template: must be a map, got a list"},
		{"number for a string", "registry: 5\n", "chart/values-prod.yaml:1: registry: must be a string, got 5 (a number) (quote it)"},
		{"registry that misroutes", "registry: ~\n", "chart/values-prod.yaml:1: registry: must be set, got nothing (~)"},
		{"syntax error", "a: [x\n", "chart/values-prod.yaml:1:4: not valid YAML: did not find expected ',' or ']'"},
		{"not a map", "- a\n", "chart/values-prod.yaml:1: (file): must be a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := t.TempDir()
			os.MkdirAll(filepath.Join(app, "chart"), 0o755)
			os.WriteFile(filepath.Join(app, "chart", "values-prod.yaml"), []byte(c.yaml), 0o644)
			_, err := Resolve(cl, app, envOf(nil))
			msg := clierr.Format(err)
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "unmarshal") || strings.Contains(msg, "map[string]") || !strings.Contains(msg, "next: fix the file, then run: lain lint") {
				t.Fatalf("want %q:\n%s", c.want, msg)
			}
		})
	}
	// Keys that are the app's own are not checked here.
	app := t.TempDir()
	os.MkdirAll(filepath.Join(app, "chart"), 0o755)
	os.WriteFile(filepath.Join(app, "chart", "values-prod.yaml"), []byte("deployments: {web: {replicaCount: 2}}\n"), 0o644)
	if _, err := Resolve(cl, app, envOf(nil)); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryFromSecretsEnvIsChecked(t *testing.T) {
	cl, err := parse("t", "values-t.yaml", []byte("registry: r.io/x\nsecrets_env:\n  registry: REG\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(cl, "", envOf(map[string]string{"REG": "https://r.io/y"}))
	if msg := clierr.Format(err); !strings.Contains(msg, `registry, read from $REG (secrets_env of values-t.yaml): "https://r.io/y" has a scheme`) {
		t.Fatal(msg)
	}
	cfg, err := Resolve(cl, "", envOf(map[string]string{"REG": "r.io/y"}))
	if err != nil || cfg.Values.Registry != "r.io/y" {
		t.Fatal(err)
	}
}

// TestEveryValuesFieldIsFilled: valuesFromMap fills fields by hand; a new
// field must be shown in example-values.yaml and reach the struct.
func TestEveryValuesFieldIsFilled(t *testing.T) {
	raw, _ := os.ReadFile("../../cluster_values/example-values.yaml")
	ex, err := parse("example", "example-values.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	rv := reflect.ValueOf(ex.Values)
	for i := 0; i < rv.NumField(); i++ {
		key := rv.Type().Field(i).Tag.Get("yaml")
		if rv.Field(i).IsZero() && ex.Map[key] != "" {
			t.Errorf("%s: %v in the file, zero in Values", key, ex.Map[key])
		}
	}
}
