package chart_test

// The golden comparison of a rich app written for the original lain
// (testdata/cases/original: every key of lain's reference, section 4, on
// the original's example cluster values), object by object: the set of
// objects, then each object against testdata/golden/original.yaml, then the
// facts a running app depends on.

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/chart/charttest"
)

// originalObjects is every object the original app renders, by Kind/name.
var originalObjects = []string{
	"CronJob/mall-daily",
	"Deployment/mall-admin", "Deployment/mall-web", "Deployment/mall-worker",
	"HorizontalPodAutoscaler/mall-web",
	"Ingress/example-net-mall-web", "Ingress/mall-admin-test-example-com-mall-admin",
	"Ingress/mall-example-org-mall-web", "Ingress/mall-test-example-com-mall-web",
	"Job/mall-migration",
	"NetworkPolicy/mall",
	"PersistentVolumeClaim/mall-juicefs-pvc",
	"Pod/mall-simple-test",
	"Service/mall-admin", "Service/mall-cache", "Service/mall-web",
	"StatefulSet/mall-cache",
}

// originalFacts are what the app relies on, object by object (paths as
// get reads them).
var originalFacts = map[string]map[string]any{
	"Service/mall-web":   {"spec.type": "NodePort", "spec.ports.0.port": 31871, "spec.ports.0.targetPort": 5000, "spec.ports.0.nodePort": 31871},
	"Service/mall-admin": {"spec.type": "NodePort", "spec.ports.0.port": 31872, "spec.ports.0.targetPort": 31872},
	"Service/mall-cache": {"spec.clusterIP": "None", "spec.ports.0.port": 80, "spec.ports.0.targetPort": 6379},
	"Ingress/mall-test-example-com-mall-web": {"spec.rules.0.host": "mall.test.example.com",
		"spec.rules.0.http.paths.0.backend.service.name": "mall-web", "spec.rules.0.http.paths.0.backend.service.port.number": 31871,
		"spec.tls.0.hosts.0": "*.test.example.com", "spec.tls.0.hosts.1": "test.example.com", "spec.tls.0.secretName": "test-example-com",
		"spec.ingressClassName": nil},
	"Ingress/mall-admin-test-example-com-mall-admin": {"spec.rules.0.http.paths.0.path": "/admin",
		"spec.rules.0.http.paths.0.backend.service.port.number": 31872, "spec.tls.0.secretName": "test-example-com"},
	"Ingress/mall-example-org-mall-web": {"spec.tls.0.hosts.0": "*.example.org", "spec.tls.0.hosts.1": "example.org", "spec.tls.0.secretName": "example-org"},
	"Ingress/example-net-mall-web":      {"spec.tls.0.hosts.0": "example.net", "spec.tls.0.hosts.1": "*.example.net", "spec.tls.0.secretName": "example-net"},
	"Deployment/mall-web": {"spec.replicas": nil, "spec.template.spec.serviceAccountName": "mall-web-sa",
		"spec.template.spec.terminationGracePeriodSeconds":              100,
		"spec.template.spec.containers.0.name":                          "web",
		"spec.template.spec.containers.0.image":                         "registry.in.example.com/team/mall:" + testTag,
		"spec.template.spec.containers.0.imagePullPolicy":               "Always",
		"spec.template.spec.containers.0.readinessProbe.httpGet.path":   "/my-healthcheck-api",
		"spec.template.spec.containers.0.livenessProbe.exec.command.1":  "/tmp/healthy",
		"spec.template.spec.containers.0.startupProbe.failureThreshold": 30,
		"spec.template.spec.initContainers.0.imagePullPolicy":           "Always",
		"spec.template.spec.initContainers.0.resources.limits.memory":   "2Gi",
		"spec.template.spec.initContainers.0.volumeMounts.0.name":       "secret",
		"spec.template.spec.volumes.0.name":                             "jfs-backup-dir",
		"spec.template.spec.volumes.1.secret.secretName":                "mall-secret",
		"spec.template.spec.volumes.2.persistentVolumeClaim.claimName":  "mall-juicefs-pvc",
		"spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.key": "mall-web"},
	"Deployment/mall-worker": {"spec.replicas": 1, "spec.template.spec.serviceAccountName": "mall-sa",
		"spec.template.spec.terminationGracePeriodSeconds": 30,
		"spec.template.spec.containers.0.name":             "worker",
		"spec.template.spec.containers.0.image":            "registry.in.example.com/team/mall:1600000000-pinned",
		"spec.template.spec.containers.0.imagePullPolicy":  "IfNotPresent",
		"spec.template.spec.containers.0.workingDir":       nil},
	"StatefulSet/mall-cache": {"spec.serviceName": "mall-cache", "spec.template.spec.containers.0.name": "cache",
		"spec.template.spec.containers.0.image": "redis:7", "spec.template.spec.containers.0.imagePullPolicy": "Always"},
	"HorizontalPodAutoscaler/mall-web": {"spec.scaleTargetRef.name": "mall-web", "spec.minReplicas": 2, "spec.maxReplicas": 10,
		"spec.behavior.scaleUp.stabilizationWindowSeconds": 120},
	"Job/mall-migration": {"spec.backoffLimit": 0, "spec.activeDeadlineSeconds": 3600, "spec.ttlSecondsAfterFinished": 86400,
		"spec.template.spec.containers.0.name": "migration", "spec.template.spec.containers.0.imagePullPolicy": "Always",
		"spec.template.spec.containers.0.resources.requests.cpu": "500m", "spec.template.spec.restartPolicy": "Never"},
	"CronJob/mall-daily": {"spec.schedule": "0 17 * * *", "spec.startingDeadlineSeconds": 300, "spec.concurrencyPolicy": "Replace",
		"spec.successfulJobsHistoryLimit": 1, "spec.jobTemplate.spec.backoffLimit": 0,
		"spec.jobTemplate.spec.template.spec.containers.0.name":            "daily",
		"spec.jobTemplate.spec.template.spec.containers.0.imagePullPolicy": "IfNotPresent"},
	"Pod/mall-simple-test": {"spec.containers.0.name": "simple-test", "spec.containers.0.image": "docker.io/timfeirg/lain:latest",
		"spec.containers.0.imagePullPolicy": "Always", "spec.restartPolicy": "Never"},
	"PersistentVolumeClaim/mall-juicefs-pvc": {"spec.storageClassName": "juicefs-sc"},
	"NetworkPolicy/mall":                     {"spec.policyTypes.0": "Ingress"},
}

func TestOriginalAppObjectByObject(t *testing.T) {
	helm := charttest.Tool(t, "helm")
	r := render(t, helm, goldenCase{"original", "test", false})
	got := parseObjects(t, r.manifests)
	if keys := got.keys(); !reflect.DeepEqual(keys, originalObjects) {
		t.Fatalf("objects:\n  %s\nwant\n  %s", strings.Join(keys, "\n  "), strings.Join(originalObjects, "\n  "))
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", "original.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for key, wantObj := range parseObjects(t, golden) {
		if d := diff(key, wantObj, got[key]); d != "" {
			t.Errorf("differs from testdata/golden/original.yaml: %s", d)
		}
	}
	for key, facts := range originalFacts {
		obj := got.must(t, key)
		for path, v := range facts {
			want(t, obj, path, v)
		}
	}
	// Every container gets the injected variables and the app's env, the
	// proc's winning; the annotations and hooks are the app's.
	web := podSpec(got["Deployment/mall-web"])
	env := map[string]any{}
	for _, e := range get(web, "containers.0.env").([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)] = m["value"]
	}
	for k, v := range map[string]any{"LAIN_CLUSTER": "test", "IMAGE_TAG": testTag, "AUTH_TYPE": "basic", "WORKERS": "4", "FOO": "BAR"} {
		if env[k] != v {
			t.Errorf("web env %s = %v, want %v", k, env[k], v)
		}
	}
	if _, ok := env["K8S_NAMESPACE"]; !ok {
		t.Error("web env has no K8S_NAMESPACE")
	}
	hooks := get(got["Job/mall-migration"], "metadata.annotations").(map[string]any)
	if hooks["helm.sh/hook"] != "post-install,pre-upgrade" || hooks["helm.sh/hook-delete-policy"] != "before-hook-creation" {
		t.Errorf("job hooks %v", hooks)
	}
	test := get(got["Pod/mall-simple-test"], "metadata.annotations").(map[string]any)
	if test["helm.sh/hook"] != "test" {
		t.Errorf("test hooks %v", test)
	}
	ann := get(got["Ingress/mall-test-example-com-mall-web"], "metadata.annotations").(map[string]any)
	for k, v := range map[string]string{"kubernetes.io/ingress.class": "lain-internal", "cert-manager.io/cluster-issuer": "cert-manager-webhook-dnspod-cluster-issuer", "nginx.ingress.kubernetes.io/force-ssl-redirect": "true"} {
		if ann[k] != v {
			t.Errorf("ingress annotation %s = %v, want %s", k, ann[k], v)
		}
	}
	if a := get(got["Ingress/mall-admin-test-example-com-mall-admin"], "metadata.annotations").(map[string]any); a["kubernetes.io/ingress.class"] != "lain-admin" {
		t.Errorf("per-ingress class: %v", a)
	}
	if a := get(got["Ingress/mall-example-org-mall-web"], "metadata.annotations").(map[string]any); a["kubernetes.io/ingress.class"] != "lain-external" || a["nginx.ingress.kubernetes.io/proxy-body-size"] != "10m" {
		t.Errorf("external ingress annotations: %v", a)
	}
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}

func itoa(i int) string { return fmt.Sprint(i) }

// diff names the first path where two objects differ ("" when equal).
func diff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path + ": got " + short(got)
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := diff(path+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path + ": got " + short(got) + ", want " + short(want)
		}
		for i := range w {
			if d := diff(path+"."+itoa(i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return path + ": got " + short(got) + ", want " + short(want)
	}
	return ""
}
