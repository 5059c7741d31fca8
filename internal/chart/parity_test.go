package chart_test

// One table test per rule of the issue "an app written for the original
// lain deploys unchanged" (lain's reference, section 5): each case renders
// an app with the real helm, as lain template does, and checks the parsed
// objects.

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/lain-cli/lain/internal/chart/charttest"
)

// clusterTest is the original's example cluster values (values-test.yaml).
const clusterTest = `registry: registry.example.com/team
domain: test.example.com
ingressClass: lain-internal
externalIngressClass: lain-external
clusterIssuer: dnspod-issuer
`

const res = `
    resources: {requests: {cpu: 10m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}`

type ruleCase struct {
	name    string
	values  string // after "appname: mall\n"
	cluster string // default clusterTest
	check   func(t *testing.T, o objects)
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	helm := charttest.Tool(t, "helm")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cluster := c.cluster
			if cluster == "" {
				cluster = clusterTest
			}
			c.check(t, renderApp(t, helm, "appname: mall\n"+c.values, cluster))
		})
	}
}

// want fails the test when obj's path is not v (numbers compare as ints).
func want(t *testing.T, obj map[string]any, path string, v any) {
	t.Helper()
	if got := get(obj, path); fmt.Sprint(got) != fmt.Sprint(v) {
		t.Errorf("%s/%s: %s = %v, want %v", obj["kind"], get(obj, "metadata.name"), path, got, v)
	}
}

func TestRuleServicePorts(t *testing.T) {
	runRules(t, []ruleCase{
		{"containerPort only: port 80", "deployments:\n  web:\n    containerPort: 5000" + res + "\n", "", func(t *testing.T, o objects) {
			s := o.must(t, "Service/mall-web")
			want(t, s, "spec.type", "ClusterIP")
			want(t, s, "spec.ports.0.port", 80)
			want(t, s, "spec.ports.0.targetPort", 5000)
			want(t, s, "spec.ports.0.nodePort", nil)
		}},
		{"nodePort and containerPort: port is the nodePort", "deployments:\n  web:\n    containerPort: 5000\n    nodePort: 32001" + res + "\n", "", func(t *testing.T, o objects) {
			s := o.must(t, "Service/mall-web")
			want(t, s, "spec.type", "NodePort")
			want(t, s, "spec.ports.0.port", 32001)
			want(t, s, "spec.ports.0.targetPort", 5000)
			want(t, s, "spec.ports.0.nodePort", 32001)
		}},
		{"nodePort only gets a Service forwarding to it", "deployments:\n  web:\n    nodePort: 32001" + res + "\n", "", func(t *testing.T, o objects) {
			s := o.must(t, "Service/mall-web")
			want(t, s, "spec.ports.0.port", 32001)
			want(t, s, "spec.ports.0.targetPort", 32001)
			want(t, s, "spec.ports.0.protocol", "TCP")
		}},
		{"UDP", "deployments:\n  dns:\n    containerPort: 53\n    protocol: UDP" + res + "\n", "", func(t *testing.T, o objects) {
			want(t, o.must(t, "Service/mall-dns"), "spec.ports.0.protocol", "UDP")
		}},
		{"no port, no Service", "deployments:\n  worker:\n    command: [w]" + res + "\n", "", func(t *testing.T, o objects) {
			if _, ok := o["Service/mall-worker"]; ok {
				t.Error("a proc without ports got a Service")
			}
		}},
		{"ingress backends use the Service port", "deployments:\n  web:\n    containerPort: 5000" + res + "\n  admin:\n    nodePort: 32002" + res +
			"\ningresses:\n  - {host: mall, deployName: web, paths: [/]}\n  - {host: admin, deployName: admin, paths: [/]}\n", "", func(t *testing.T, o objects) {
			backends := map[string]string{"Ingress/mall-test-example-com-mall-web": "mall-web:80", "Ingress/admin-test-example-com-mall-admin": "mall-admin:32002"}
			for ing, backend := range backends {
				svc := get(o.must(t, ing), "spec.rules.0.http.paths.0.backend.service")
				if got := fmt.Sprintf("%v:%v", get(svc, "name"), get(svc, "port.number")); got != backend {
					t.Errorf("%s: backend %s, want %s", ing, got, backend)
				}
			}
		}},
		{"statefulSet: headless, same ports", "statefulSets:\n  cache:\n    containerPort: 6379\n    nodePort: 32003" + res + "\n", "", func(t *testing.T, o objects) {
			h := o.must(t, "Service/mall-cache")
			want(t, h, "spec.clusterIP", "None")
			want(t, h, "spec.ports.0.port", 32003)
			want(t, h, "spec.ports.0.targetPort", 6379)
			n := o.must(t, "Service/mall-cache-nodeport")
			want(t, n, "spec.type", "NodePort")
			want(t, n, "spec.ports.0.nodePort", 32003)
		}},
	})
}

func tls(o objects, t *testing.T, key string) any {
	t.Helper()
	return get(o.must(t, key), "spec.tls")
}

func wantTLS(t *testing.T, got any, hosts []string, secret string) {
	t.Helper()
	var entry map[string]any = map[string]any{"secretName": secret}
	if hosts != nil {
		hs := make([]any, len(hosts))
		for i, h := range hosts {
			hs[i] = h
		}
		entry["hosts"] = hs
	}
	if !reflect.DeepEqual(got, []any{entry}) {
		t.Errorf("tls = %v, want [%v]", got, entry)
	}
}

func TestRuleTLS(t *testing.T) {
	web := "deployments:\n  web:\n    containerPort: 5000" + res + "\n"
	runRules(t, []ruleCase{
		{"short host: the cluster domain's wildcard", web + "ingresses:\n  - {host: mall, deployName: web}\n", "", func(t *testing.T, o objects) {
			key := "Ingress/mall-test-example-com-mall-web"
			wantTLS(t, tls(o, t, key), []string{"*.test.example.com", "test.example.com"}, "test-example-com")
			if a := get(o.must(t, key), "metadata.annotations").(map[string]any); a["cert-manager.io/cluster-issuer"] != "dnspod-issuer" {
				t.Errorf("annotations %v", a)
			}
		}},
		{"full host: its parent's wildcard", web + "ingresses:\n  - {host: mall.apps.example.com, deployName: web}\nexternalIngresses:\n  - {host: shop.example.org, deployName: web}\n", "", func(t *testing.T, o objects) {
			wantTLS(t, tls(o, t, "Ingress/mall-apps-example-com-mall-web"), []string{"*.apps.example.com", "apps.example.com"}, "apps-example-com")
			wantTLS(t, tls(o, t, "Ingress/shop-example-org-mall-web"), []string{"*.example.org", "example.org"}, "example-org")
		}},
		{"two-label host is its own parent", web + "externalIngresses:\n  - {host: example.org, deployName: web}\n", "", func(t *testing.T, o objects) {
			wantTLS(t, tls(o, t, "Ingress/example-org-mall-web"), []string{"example.org", "*.example.org"}, "example-org")
		}},
		{"ingressTLSSecretName: one secret, no hosts", web + "ingresses:\n  - {host: mall, deployName: web}\nexternalIngresses:\n  - {host: shop.example.org, deployName: web}\n",
			clusterTest + "ingressTLSSecretName: wildcard-test\nexternalIngressTLSSecretName: wildcard-public\n", func(t *testing.T, o objects) {
				wantTLS(t, tls(o, t, "Ingress/mall-test-example-com-mall-web"), nil, "wildcard-test")
				wantTLS(t, tls(o, t, "Ingress/shop-example-org-mall-web"), nil, "wildcard-public")
			}},
		{"hostCertificate: a certificate for that host only", web + "ingresses:\n  - {host: mall, deployName: web, hostCertificate: true}\n  - {host: other, deployName: web}\n", "", func(t *testing.T, o objects) {
			wantTLS(t, tls(o, t, "Ingress/mall-test-example-com-mall-web"), []string{"mall.test.example.com"}, "mall-test-example-com-tls")
			wantTLS(t, tls(o, t, "Ingress/other-test-example-com-mall-web"), []string{"*.test.example.com", "test.example.com"}, "test-example-com")
		}},
		{"no clusterIssuer, no TLS", web + "ingresses:\n  - {host: mall, deployName: web}\n", "registry: r.example.com/x\ndomain: test.example.com\n", func(t *testing.T, o objects) {
			i := o.must(t, "Ingress/mall-test-example-com-mall-web")
			want(t, i, "spec.tls", nil)
			want(t, i, "metadata.annotations", nil)
		}},
	})
}

func TestRuleIngressClass(t *testing.T) {
	web := "deployments:\n  web:\n    containerPort: 5000" + res + "\n" +
		"ingresses:\n  - {host: mall, deployName: web}\n  - {host: ops, deployName: web, ingressClass: lain-ops}\n" +
		"externalIngresses:\n  - {host: mall.example.org, deployName: web}\n"
	classOf := func(t *testing.T, o objects, key string) (annotation, field any) {
		t.Helper()
		i := o.must(t, key)
		a, _ := get(i, "metadata.annotations").(map[string]any)
		return a["kubernetes.io/ingress.class"], get(i, "spec.ingressClassName")
	}
	runRules(t, []ruleCase{
		{"annotation by default", web, "", func(t *testing.T, o objects) {
			for key, class := range map[string]string{"Ingress/mall-test-example-com-mall-web": "lain-internal", "Ingress/ops-test-example-com-mall-web": "lain-ops", "Ingress/mall-example-org-mall-web": "lain-external"} {
				if a, f := classOf(t, o, key); a != class || f != nil {
					t.Errorf("%s: annotation %v, ingressClassName %v; want annotation %s", key, a, f, class)
				}
			}
		}},
		{"ingressClassName when the cluster supports it", web, clusterTest + "supportsIngressClassName: true\n", func(t *testing.T, o objects) {
			for key, class := range map[string]string{"Ingress/mall-test-example-com-mall-web": "lain-internal", "Ingress/ops-test-example-com-mall-web": "lain-ops", "Ingress/mall-example-org-mall-web": "lain-external"} {
				if a, f := classOf(t, o, key); a != nil || f != class {
					t.Errorf("%s: annotation %v, ingressClassName %v; want ingressClassName %s", key, a, f, class)
				}
			}
		}},
		{"no class in the cluster values, none written", web, "registry: r.example.com/x\ndomain: test.example.com\n", func(t *testing.T, o objects) {
			if a, f := classOf(t, o, "Ingress/mall-test-example-com-mall-web"); a != nil || f != nil {
				t.Errorf("annotation %v, ingressClassName %v", a, f)
			}
		}},
	})
}

func TestRulePods(t *testing.T) {
	all := "deployments:\n  web:\n    containerPort: 5000" + res + "\n    initContainers:\n      - {name: init, command: [true]}\n" +
		"statefulSets:\n  cache:\n    command: [c]" + res + "\n" +
		"jobs:\n  migrate:\n    command: [m]\n" +
		"cronjobs:\n  daily:\n    schedule: \"0 1 * * *\"\n    command: [d]" + res + "\n" +
		"tests:\n  smoke:\n    command: [s]\n"
	kinds := map[string]string{"Deployment/mall-web": "web", "StatefulSet/mall-cache": "cache", "Job/mall-migrate": "migrate", "CronJob/mall-daily": "daily", "Pod/mall-smoke": "smoke"}
	runRules(t, []ruleCase{
		{"containers are named after the proc", all, "", func(t *testing.T, o objects) {
			for key, proc := range kinds {
				want(t, map[string]any{"kind": key, "spec": podSpec(o.must(t, key))}, "spec.containers.0.name", proc)
			}
		}},
		{"imagePullPolicy: Always, IfNotPresent for cronjobs", all, "", func(t *testing.T, o objects) {
			for key := range kinds {
				policy := "Always"
				if key == "CronJob/mall-daily" {
					policy = "IfNotPresent"
				}
				want(t, map[string]any{"kind": key, "spec": podSpec(o.must(t, key))}, "spec.containers.0.imagePullPolicy", policy)
			}
			want(t, map[string]any{"kind": "init", "spec": podSpec(o.must(t, "Deployment/mall-web"))}, "spec.initContainers.0.imagePullPolicy", "Always")
		}},
		{"imagePullPolicy per proc", "deployments:\n  web:\n    imagePullPolicy: IfNotPresent" + res + "\ncronjobs:\n  daily:\n    schedule: \"0 1 * * *\"\n    imagePullPolicy: Always\n", "", func(t *testing.T, o objects) {
			want(t, map[string]any{"spec": podSpec(o.must(t, "Deployment/mall-web"))}, "spec.containers.0.imagePullPolicy", "IfNotPresent")
			want(t, map[string]any{"spec": podSpec(o.must(t, "CronJob/mall-daily"))}, "spec.containers.0.imagePullPolicy", "Always")
		}},
		{"serviceAccountName: proc, then cluster, then default", "deployments:\n  web:\n    serviceAccountName: web-sa" + res + "\n  worker:\n    command: [w]" + res + "\n", "", func(t *testing.T, o objects) {
			want(t, map[string]any{"spec": podSpec(o.must(t, "Deployment/mall-web"))}, "spec.serviceAccountName", "web-sa")
			want(t, map[string]any{"spec": podSpec(o.must(t, "Deployment/mall-worker"))}, "spec.serviceAccountName", "default")
		}},
		{"serviceAccountName from the cluster values", "deployments:\n  worker:\n    command: [w]" + res + "\n", clusterTest + "serviceAccountName: team-sa\n", func(t *testing.T, o objects) {
			want(t, map[string]any{"spec": podSpec(o.must(t, "Deployment/mall-worker"))}, "spec.serviceAccountName", "team-sa")
		}},
		{"terminationGracePeriodSeconds 100", all, "", func(t *testing.T, o objects) {
			for key := range kinds {
				want(t, map[string]any{"kind": key, "spec": podSpec(o.must(t, key))}, "spec.terminationGracePeriodSeconds", 100)
			}
		}},
		{"the secret volume is named secret; a mount without name uses it", "volumeMounts:\n  - {mountPath: /lain/app/deploy/topsecret.txt, subPath: topsecret.txt}\n" +
			"deployments:\n  web:\n    volumeMounts:\n      - {mountPath: /etc/mall}" + res + "\n", "", func(t *testing.T, o objects) {
			spec := podSpec(o.must(t, "Deployment/mall-web"))
			wantMounts := []any{
				map[string]any{"name": "secret", "mountPath": "/lain/app/deploy/topsecret.txt", "subPath": "topsecret.txt"},
				map[string]any{"name": "secret", "mountPath": "/etc/mall"}, // the whole Secret as a directory
			}
			if got := get(spec, "containers.0.volumeMounts"); !reflect.DeepEqual(got, wantMounts) {
				t.Errorf("volumeMounts %v", got)
			}
			wantVols := []any{map[string]any{"name": "secret", "secret": map[string]any{"secretName": "mall-secret"}}}
			if got := spec["volumes"]; !reflect.DeepEqual(got, wantVols) {
				t.Errorf("volumes %v", got)
			}
		}},
	})
}

// TestRuleVolumes: claims are mounted by their name, in the pods that
// mount them; a volume the app declares itself is never doubled.
func TestRuleVolumes(t *testing.T) {
	runRules(t, []ruleCase{
		{"a claim mounted by name gets its volume, only where mounted", "persistentVolumeClaims:\n  data: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n" +
			"deployments:\n  web:\n    volumeMounts: [{name: data, mountPath: /data}]" + res + "\n  worker:\n    command: [w]" + res + "\n", "", func(t *testing.T, o objects) {
			o.must(t, "PersistentVolumeClaim/mall-data")
			want := []any{map[string]any{"name": "data", "persistentVolumeClaim": map[string]any{"claimName": "mall-data"}}}
			if got := podSpec(o.must(t, "Deployment/mall-web"))["volumes"]; !reflect.DeepEqual(got, want) {
				t.Errorf("web volumes %v", got)
			}
			if got := podSpec(o.must(t, "Deployment/mall-worker"))["volumes"]; got != nil {
				t.Errorf("worker volumes %v", got)
			}
		}},
		{"the app's own volume named secret is not doubled", "volumes:\n  - {name: secret, secret: {secretName: shared-files}}\nvolumeMounts:\n  - {mountPath: /etc/shared}\n" +
			"deployments:\n  web:\n    command: [w]" + res + "\n", "", func(t *testing.T, o objects) {
			want := []any{map[string]any{"name": "secret", "secret": map[string]any{"secretName": "shared-files"}}}
			if got := podSpec(o.must(t, "Deployment/mall-web"))["volumes"]; !reflect.DeepEqual(got, want) {
				t.Errorf("volumes %v", got)
			}
		}},
	})
}

func TestRuleCronJobsAndHPA(t *testing.T) {
	runRules(t, []ruleCase{
		{"cronjob defaults", "cronjobs:\n  daily:\n    schedule: \"0 1 * * *\"\n    command: [d]\n", "", func(t *testing.T, o objects) {
			c := o.must(t, "CronJob/mall-daily")
			want(t, c, "spec.startingDeadlineSeconds", 300)
			want(t, c, "spec.concurrencyPolicy", "Replace")
		}},
		{"cronjob concurrencyPolicy given", "cronjobs:\n  daily:\n    schedule: \"0 1 * * *\"\n    concurrencyPolicy: Forbid\n", "", func(t *testing.T, o objects) {
			want(t, o.must(t, "CronJob/mall-daily"), "spec.concurrencyPolicy", "Forbid")
		}},
		{"hpa named <appname>-<proc>, scaleUp waits 120s", "deployments:\n  web:\n    replicaCount: 2\n    hpa: {maxReplicas: 5}" + res + "\n", "", func(t *testing.T, o objects) {
			h := o.must(t, "HorizontalPodAutoscaler/mall-web")
			want(t, h, "spec.scaleTargetRef.name", "mall-web")
			want(t, h, "spec.minReplicas", 2)
			if b := get(h, "spec.behavior"); !reflect.DeepEqual(b, map[string]any{"scaleUp": map[string]any{"stabilizationWindowSeconds": 120}}) {
				t.Errorf("behavior %v", b)
			}
		}},
		{"hpa.behavior given replaces the default", "deployments:\n  web:\n    hpa:\n      maxReplicas: 5\n      behavior: {scaleDown: {stabilizationWindowSeconds: 60}}" + res + "\n", "", func(t *testing.T, o objects) {
			if b := get(o.must(t, "HorizontalPodAutoscaler/mall-web"), "spec.behavior"); !reflect.DeepEqual(b, map[string]any{"scaleDown": map[string]any{"stabilizationWindowSeconds": 60}}) {
				t.Errorf("behavior %v", b)
			}
		}},
	})
}
