package appvalues

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/yamldoc"
)

// parse makes a File from YAML text, as app.ReadValuesFile would.
func parse(t *testing.T, name, text string, cluster bool) File {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	f := File{Name: name, Cluster: cluster}
	if len(doc.Content) > 0 {
		f.Root = doc.Content[0]
	}
	return f
}

const web = `appname: shop
deployments:
  web:
    containerPort: 8080
`

// TestBrokenValuesFiles: each broken file gives exactly these lines, as
// lain lint prints them (warnings included, marked).
func TestBrokenValuesFiles(t *testing.T) {
	cases := []struct {
		name, values, cluster string // cluster: chart/values-prod.yaml
		domain                string
		want                  []string
	}{
		{name: "unknown key with did-you-mean", values: web + "    replicaCont: 2\n",
			want: []string{`chart/values.yaml:5: deployments.web.replicaCont: unknown key (did you mean "replicaCount"?)`}},
		{name: "unknown top-level key", values: web + "colour: blue\n",
			want: []string{`chart/values.yaml:5: colour: unknown key (lain's chart does not read it)`}},
		{name: "key of another proc kind", values: "appname: shop\ncronjobs:\n  c:\n    schedule: '@daily'\n    strategy: {}\n",
			want: []string{`chart/values.yaml:5: cronjobs.c.strategy: unknown key (only deployments have strategy)`}},
		{name: "memory with lower-case m", values: web + "    resources:\n      limits:\n        memory: 256m\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.limits.memory: 256m is 0.256 bytes: m means thousandths (write 256Mi)`}},
		{name: "memory that does not parse", values: web + "    resources:\n      requests:\n        memory: 256mb\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.requests.memory: "256mb" is not a quantity (write 256Mi)`}},
		{name: "memory without a unit", values: web + "    resources:\n      requests:\n        memory: 512\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.requests.memory: 512 is 512 bytes, too little for any process (write 512Mi)`}},
		{name: "cpu that does not parse", values: web + "    resources:\n      requests:\n        cpu: half\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.requests.cpu: "half" is not a quantity (write 500m for half a core, or 1 for one core)`}},
		{name: "cpu in mega", values: web + "    resources:\n      limits:\n        cpu: 500M\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.limits.cpu: 500M is 500000000 cores (write 500m for thousandths of a core)`}},
		{name: "request above limit", values: web + "    resources:\n      requests: {memory: 1Gi}\n      limits: {memory: 512Mi}\n",
			want: []string{`chart/values.yaml:6: deployments.web.resources.requests.memory: 1Gi is more than the limit 512Mi (Kubernetes refuses a request above its limit)`}},
		{name: "copy item neither a path nor {src, dest}", values: web + "build: {base: alpine}\nrelease:\n  copy:\n    - /lain/app/run.sh\n    - {src: /lain/app/dist, dest: /srv}\n    - 5\n",
			want: []string{`chart/values.yaml:10: release.copy[2]: must be a src (a string) or a map with src, got 5 (a number)`}},
		{name: "a Job's limit on a test pod", values: web + "tests:\n  smoke:\n    command: [true]\n    backoffLimit: 2\n",
			want: []string{`chart/values.yaml:8: tests.smoke.backoffLimit: has no effect: tests run as Pods (helm test), not Jobs (remove it) [warning]`}},
		{name: "port out of range", values: "appname: shop\ndeployments:\n  web:\n    containerPort: 70000\n",
			want: []string{`chart/values.yaml:4: deployments.web.containerPort: 70000 is not a port (1-65535)`}},
		{name: "nodePort outside its range", values: web + "    nodePort: 8080\n",
			want: []string{`chart/values.yaml:5: deployments.web.nodePort: 8080 is outside the NodePort range (30000-32767)`}},
		// The original lain's rule: the Service forwards to the nodePort itself.
		{name: "nodePort alone routes", values: "appname: shop\ndeployments:\n  web:\n    nodePort: 30080\ningresses:\n  - host: shop\n    deployName: web\n", domain: "lab.local"},
		{name: "deployName names no proc", values: web + "ingresses:\n  - host: shop\n    deployName: wbe\n", domain: "lab.local",
			want: []string{`chart/values.yaml:7: ingresses[0].deployName: "wbe" names no deployment or statefulSet (did you mean "web"?)`}},
		{name: "deployName without a port", values: web + "  worker: {}\ningresses:\n  - host: shop\n    deployName: worker\n", domain: "lab.local",
			want: []string{`chart/values.yaml:8: ingresses[0].deployName: deployments.worker has no containerPort to route to (add containerPort to deployments.worker)`}},
		{name: "duplicate ingress hosts", values: web + "ingresses:\n  - host: shop\n    deployName: web\n  - host: shop.lab.local\n    deployName: web\n", domain: "lab.local",
			want: []string{`chart/values.yaml:8: ingresses[1].host: shop.lab.local/ is already routed by ingresses[0] (line 6) (change the host or the paths of one of them)`}},
		{name: "same host, other paths is fine", values: web + "ingresses:\n  - {host: shop, deployName: web, paths: [/]}\n  - {host: shop, deployName: web, paths: [/api]}\n", domain: "lab.local"},
		{name: "host without a dot on a cluster without a domain", values: web + "ingresses:\n  - host: shop\n    deployName: web\n",
			want: []string{`chart/values.yaml:6: ingresses[0].host: "shop" has no dot and cluster prod has no domain (write the full host name, e.g. shop.example.com)`}},
		{name: "proc name not a DNS label", values: "appname: shop\ndeployments:\n  Web_1:\n    containerPort: 80\n",
			want: []string{`chart/values.yaml:3: deployments.Web_1: "Web_1" is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)`}},
		{name: "proc name taken by another kind", values: web + "jobs:\n  web:\n    command: [migrate]\n",
			want: []string{`chart/values.yaml:6: jobs.web: the name web is taken by deployments.web (line 3) (names are <release>-<proc> for every kind: rename one)`}},
		{name: "image tag that cannot exist", values: web + "    imageTag: 'v1:2'\n",
			want: []string{`chart/values.yaml:5: deployments.web.imageTag: "v1:2" cannot be an image tag (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-')`}},
		{name: "build overridden in cluster values", values: web, cluster: "build:\n  base: python:3.12\n",
			want: []string{`chart/values-prod.yaml:1: build: set in cluster values, but an image is built once for every cluster (move it to chart/values.yaml) [warning]`}},
		{name: "a problem in cluster values points there", values: web, cluster: "deployments:\n  web:\n    replicaCount: many\n",
			want: []string{`chart/values-prod.yaml:3: deployments.web.replicaCount: must be a whole number, got "many" (a string)`}},
		{name: "null in cluster values deletes", values: web + "  worker:\n    replicaCount: x\n", cluster: "deployments:\n  worker: null\n"},
		{name: "number in quotes", values: web + "    replicaCount: \"2\"\n",
			want: []string{`chart/values.yaml:5: deployments.web.replicaCount: must be a whole number, got "2" (a string) (remove the quotes)`}},
		{name: "command as a line", values: web + "    command: gunicorn app:app\n",
			want: []string{`chart/values.yaml:5: deployments.web.command: must be a list, got "gunicorn app:app" (a string) (exec form: ["gunicorn", "app:app"]; for a shell: ["sh", "-c", "..."])`}},
		{name: "appname missing", values: "deployments:\n  web: {}\n",
			want: []string{`chart/values.yaml:1: appname: required key is missing (add appname: myapp)`}},
		{name: "appname invalid", values: "appname: My_Shop\n",
			want: []string{`chart/values.yaml:1: appname: "My_Shop" is not a valid app name (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 53 characters; e.g. "my-shop")`}},
		{name: "cronjob without schedule", values: "appname: shop\ncronjobs:\n  nightly:\n    command: [x]\n",
			want: []string{`chart/values.yaml:3: cronjobs.nightly.schedule: required key is missing (add schedule: "*/10 * * * *")`}},
		{name: "bad schedule", values: "appname: shop\ncronjobs:\n  nightly:\n    schedule: every night\n",
			want: []string{`chart/values.yaml:4: cronjobs.nightly.schedule: "every night" is not a cron schedule (five fields: minute hour day-of-month month day-of-week, e.g. "*/10 * * * *")`}},
		{name: "env that helm reads otherwise", values: "appname: shop\nenv:\n  DEBUG: yes\n  MODE: 0755\n  NAME: shop\n",
			want: []string{`chart/values.yaml:3: env.DEBUG: helm reads yes as true (quote it: "yes") [warning]`, `chart/values.yaml:4: env.MODE: helm reads 0755 as 493 (quote it: "0755") [warning]`}},
		{name: "env value that is a map", values: "appname: shop\nenv:\n  DB:\n    host: x\n",
			want: []string{`chart/values.yaml:3: env.DB: must be a single value, got a map`}},
		{name: "canaryGroup not in canaryGroups", values: web + "canaryGroups:\n  internal: {a: b}\ncanaryGroup: intenral\n",
			want: []string{`chart/values.yaml:7: canaryGroup: "intenral" is not in canaryGroups (did you mean "internal"?)`}},
		{name: "enum with did-you-mean", values: web + "    imagePullPolicy: always\n",
			want: []string{`chart/values.yaml:5: deployments.web.imagePullPolicy: must be one of Always, IfNotPresent, Never, got "always" (did you mean "Always"?)`}},
		{name: "nodes and nodeAffinity", values: web + "    nodes: [a]\n    affinity:\n      nodeAffinity: {}\n",
			want: []string{`chart/values.yaml:5: deployments.web.nodes: and affinity.nodeAffinity both place the pods (keep one: nodes replaces affinity.nodeAffinity)`}},
		{name: "hpa without maxReplicas and cpu", values: web + "    hpa:\n      minReplicas: 2\n",
			want: []string{`chart/values.yaml:5: deployments.web.hpa.maxReplicas: required key is missing (add maxReplicas: 5)`, `chart/values.yaml:5: deployments.web.hpa: scales on CPU use, but the proc requests no cpu (add resources.requests.cpu, or hpa.metrics) [warning]`}},
		{name: "several at once, in line order", values: "appname: shop\ndeployments:\n  web:\n    containerPort: 0\n    replicaCount: -1\nfoo: 1\n",
			want: []string{
				`chart/values.yaml:4: deployments.web.containerPort: 0 is not a port (1-65535)`,
				`chart/values.yaml:5: deployments.web.replicaCount: -1 is out of range (0-2147483647)`,
				`chart/values.yaml:6: foo: unknown key (lain's chart does not read it)`,
			}},
		// Issue 14, point 5: Kubernetes refuses negative quantities.
		{name: "negative cpu", values: web + "    resources:\n      requests:\n        cpu: -1\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.requests.cpu: -1 is negative: Kubernetes refuses a negative quantity`}},
		{name: "negative cpu in thousandths", values: web + "    resources:\n      limits:\n        cpu: -500m\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.limits.cpu: -500m is negative: Kubernetes refuses a negative quantity`}},
		{name: "negative memory", values: web + "    resources:\n      limits:\n        memory: -256Mi\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.limits.memory: -256Mi is negative: Kubernetes refuses a negative quantity`}},
		{name: "negative memory as a number", values: web + "    resources:\n      requests:\n        memory: -1.5\n",
			want: []string{`chart/values.yaml:7: deployments.web.resources.requests.memory: -1.5 is negative: Kubernetes refuses a negative quantity`}},
		{name: "a key merged from an anchor in a cluster file", values: web, cluster: "x: &w {replicaCount: many}\ndeployments:\n  web:\n    <<: *w\n",
			want: []string{`chart/values-prod.yaml:1: deployments.web.replicaCount: must be a whole number, got "many" (a string)`, `chart/values-prod.yaml:1: x: unknown key (lain's chart does not read it)`}},
		{name: "empty file", values: "",
			want: []string{`chart/values.yaml:1: appname: the file is empty (lain init writes one to start from)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Cluster: "prod", Domain: c.domain, Files: []File{parse(t, "chart/values.yaml", c.values, false)}}
			if c.cluster != "" {
				in.Files = append(in.Files, parse(t, "chart/values-prod.yaml", c.cluster, true))
			}
			var got []string
			for _, p := range Check(in) {
				s := p.String()
				if p.Warning {
					s += " [warning]"
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

func TestClusterAndTemplateKeysAreAllowed(t *testing.T) {
	in := Input{
		Files:        []File{parse(t, "chart/values.yaml", web+"registry: r.example.com/x\nmyFeature: true\n", false)},
		ClusterKeys:  []string{"registry"},
		TemplateKeys: []string{"myFeature"},
	}
	if ps := Check(in); len(ps) != 0 {
		t.Fatalf("%v", ps)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	values := `appname: shop
x-defaults: &defaults
  replicaCount: 2
  resources: {requests: {memory: 128Mi}}
deployments:
  web:
    <<: *defaults
    containerPort: 80
  worker: *defaults
`
	var got []string
	for _, p := range Check(Input{Files: []File{parse(t, "chart/values.yaml", values, false)}, TemplateKeys: []string{"x-defaults"}}) {
		got = append(got, p.String())
	}
	if len(got) != 0 {
		t.Fatalf("%q", got)
	}
}

func TestSingleValueChecks(t *testing.T) {
	if got := CPUProblem("-2"); got != "-2 is negative: Kubernetes refuses a negative quantity" {
		t.Error(got)
	}
	if CPUProblem("100m") != "" || MemoryProblem("256Mi") != "" || ScheduleProblem("@hourly") != "" {
		t.Fatal("valid values rejected")
	}
	if got := MemoryProblem("256m"); got != "256m is 0.256 bytes: m means thousandths (write 256Mi)" {
		t.Error(got)
	}
	if got := CPUProblem("1Gi"); got != "1Gi is 1073741824 cores (write 1m for thousandths of a core)" {
		t.Error(got)
	}
}

func TestAppnames(t *testing.T) {
	for name, ok := range map[string]bool{"shop": true, "shop-2": true, "2shop": false, "Shop": false, "shop-": false, strings.Repeat("a", 54): false} {
		if ValidAppname(name) != ok {
			t.Errorf("%q: want %v", name, ok)
		}
	}
	for in, want := range map[string]string{"My_Shop": "my-shop", "42-things": "things", "___": "", "web.app": "web-app"} {
		if got := SuggestAppname(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

// FuzzQuantities: no quantity panics, and whatever passes is not negative.
func FuzzQuantities(f *testing.F) {
	for _, s := range []string{"100m", "256Mi", "-1", "-500m", "1e3", "256m", "0.5", "1Gi", ".5", "+1", "1E", "9e999", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, problem := range []func(string) string{CPUProblem, MemoryProblem} {
			if problem(s) == "" {
				if v, _, _, ok := parseQuantity(s); ok && v < 0 {
					t.Fatalf("%q passes but is negative", s)
				}
			}
		}
	})
}

// FuzzCheck: the values checker never panics or hangs on what the reader
// accepts (a values file, then a cluster file over it), and every problem
// is located.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{web, web + "    resources:\n      requests: {cpu: -1, memory: -1Mi}\n",
		"appname: shop\nx: &d {replicaCount: 2}\ndeployments:\n  web:\n    <<: *d\n  worker: *d\n",
		"appname: shop\ndeployments:\n  web:\n    nodePort: 30080\ningresses:\n  - {host: a, deployName: web}\n",
		"appname: shop\ncronjobs:\n  c: {schedule: x}\njobs:\n  c: {}\n", "deployments: ~\n", "- a\n"} {
		f.Add([]byte(s), []byte("deployments:\n  web: {replicaCount: 1}\n"))
	}
	f.Fuzz(func(t *testing.T, values, cluster []byte) {
		var in Input
		for i, raw := range [][]byte{values, cluster} {
			d, err := yamldoc.Parse("f.yaml", raw)
			if err != nil || (d.Root != nil && d.Map() == nil) {
				return
			}
			in.Files = append(in.Files, File{Name: []string{"values.yaml", "values-c.yaml"}[i], Root: d.Root, Cluster: i == 1})
		}
		for _, p := range Check(in) {
			if p.File == "" || p.Line < 1 {
				t.Fatalf("unlocated: %s", p)
			}
		}
	})
}
