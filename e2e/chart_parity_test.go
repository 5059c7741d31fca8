//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// TestChartParityOnTheLab deploys the rich app written for the original
// lain (internal/chart/testdata/cases/original: every values key, nodePort
// procs, internal and external ingresses) with the original's kind of
// cluster values (ingressClass, externalIngressClass, clusterIssuer), and
// checks the Services and Ingresses the API server stored: ports, classes,
// the shared wildcard certificates.
func TestChartParityOnTheLab(t *testing.T) {
	b := make([]byte, 3)
	rand.Read(b)
	name := "mall-" + hex.EncodeToString(b)
	ns, home := Namespace(t), NewUserHome(t)

	// The lab's cluster values plus what a team of the original lain had.
	lab, err := os.ReadFile(filepath.Join(Lab.ClusterValuesDir, "values-lab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cvDir := t.TempDir()
	WriteFiles(t, cvDir, map[string]string{"values-lab.yaml": string(lab) + `
serviceAccountName: mall-sa
ingressClass: lain-internal
externalIngressClass: lain-external
clusterIssuer: cert-manager-webhook-dnspod-cluster-issuer
`})
	env := []string{"CLUSTER_VALUES_DIR=" + cvDir}

	values, err := os.ReadFile(filepath.Join(Lab.Repo, "internal", "chart", "testdata", "cases", "original", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	renamed := regexp.MustCompile(`(?m)^(appname|releaseName): mall$`).ReplaceAllString(string(values), "$1: "+name)
	dir := filepath.Join(t.TempDir(), name)
	WriteFiles(t, dir, map[string]string{
		"chart/values.yaml": renamed,
		// Unbound claims keep pods from scheduling in the lab; the claim
		// itself is still created.
		"chart/values-lab.yaml": "deployments:\n  web:\n    volumeMounts: []\n",
	})
	lain := func(args ...string) Result {
		t.Helper()
		r := Lain(t, Cmd{Args: args, Dir: dir, Home: home, Env: env, Timeout: 4 * time.Minute})
		if r.Code != 0 {
			t.Fatalf("lain %v: %s", args, r)
		}
		return r
	}
	lain("use", "lab")
	lain("init", "--template-only")
	for _, sa := range []string{"mall-sa", "mall-web-sa"} {
		MustKubectl(t, ns, "create", "serviceaccount", sa)
	}
	img := Lab.Registry + "/" + name + ":latest"
	MustRun(t, "docker", "tag", Lab.BaseImage, img)
	MustRun(t, "docker", "push", img)
	lain("deploy")

	type port struct {
		Port       int    `json:"port"`
		TargetPort int    `json:"targetPort"`
		NodePort   int    `json:"nodePort"`
		Protocol   string `json:"protocol"`
	}
	type service struct {
		Spec struct {
			Type      string `json:"type"`
			ClusterIP string `json:"clusterIP"`
			Ports     []port `json:"ports"`
		} `json:"spec"`
	}
	services := map[string]struct {
		typ   string
		ports []port
	}{
		name + "-web":   {"NodePort", []port{{31871, 5000, 31871, "TCP"}}},
		name + "-admin": {"NodePort", []port{{31872, 31872, 31872, "TCP"}}},
		name + "-cache": {"ClusterIP", []port{{80, 6379, 0, "TCP"}}},
	}
	for svcName, w := range services {
		var svc service // fresh: Unmarshal reuses what it decodes into
		if err := json.Unmarshal([]byte(MustKubectl(t, ns, "get", "service", svcName, "-o", "json")), &svc); err != nil {
			t.Fatal(err)
		}
		if svc.Spec.Type != w.typ || !reflect.DeepEqual(svc.Spec.Ports, w.ports) {
			t.Errorf("service %s: %s %+v, want %s %+v", svcName, svc.Spec.Type, svc.Spec.Ports, w.typ, w.ports)
		}
	}
	if Kubectl(t, ns, "get", "service", name+"-worker").Code == 0 {
		t.Error("the worker, which has no port, got a Service")
	}

	type tls struct {
		Hosts      []string `json:"hosts"`
		SecretName string   `json:"secretName"`
	}
	type ingress struct {
		Metadata struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
		Spec struct {
			IngressClassName *string `json:"ingressClassName"`
			TLS              []tls   `json:"tls"`
			Rules            []struct {
				Host string `json:"host"`
				HTTP struct {
					Paths []struct {
						Path    string `json:"path"`
						Backend struct {
							Service struct {
								Name string `json:"name"`
								Port struct {
									Number int `json:"number"`
								} `json:"port"`
							} `json:"service"`
						} `json:"backend"`
					} `json:"paths"`
				} `json:"http"`
			} `json:"rules"`
		} `json:"spec"`
	}
	ingresses := map[string]struct {
		host, class, backend string
		port                 int
		tls                  tls
	}{
		"mall-lab-local-" + name + "-web":                {"mall.lab.local", "lain-internal", name + "-web", 31871, tls{[]string{"*.lab.local", "lab.local"}, "lab-local"}},
		"mall-admin-test-example-com-" + name + "-admin": {"mall-admin.test.example.com", "lain-admin", name + "-admin", 31872, tls{[]string{"*.test.example.com", "test.example.com"}, "test-example-com"}},
		"mall-example-org-" + name + "-web":              {"mall.example.org", "lain-external", name + "-web", 31871, tls{[]string{"*.example.org", "example.org"}, "example-org"}},
		"example-net-" + name + "-web":                   {"example.net", "lain-external", name + "-web", 31871, tls{[]string{"example.net", "*.example.net"}, "example-net"}},
	}
	for ingName, w := range ingresses {
		var ing ingress
		if err := json.Unmarshal([]byte(MustKubectl(t, ns, "get", "ingress", ingName, "-o", "json")), &ing); err != nil {
			t.Fatal(err)
		}
		a := ing.Metadata.Annotations
		if a["kubernetes.io/ingress.class"] != w.class || ing.Spec.IngressClassName != nil || a["cert-manager.io/cluster-issuer"] != "cert-manager-webhook-dnspod-cluster-issuer" {
			t.Errorf("ingress %s: annotations %v, ingressClassName %v; want class %s", ingName, a, ing.Spec.IngressClassName, w.class)
		}
		if !reflect.DeepEqual(ing.Spec.TLS, []tls{w.tls}) {
			t.Errorf("ingress %s: tls %+v, want %+v", ingName, ing.Spec.TLS, w.tls)
		}
		if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != w.host || len(ing.Spec.Rules[0].HTTP.Paths) != 1 {
			t.Errorf("ingress %s: rules %+v", ingName, ing.Spec.Rules)
			continue
		}
		be := ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service
		if be.Name != w.backend || be.Port.Number != w.port {
			t.Errorf("ingress %s: backend %s:%d, want %s:%d", ingName, be.Name, be.Port.Number, w.backend, w.port)
		}
	}

	// The containers keep the proc's name (kubectl logs -c web).
	if c := MustKubectl(t, ns, "get", "deployment", name+"-web", "-o", "jsonpath={.spec.template.spec.containers[0].name}"); c != "web" {
		t.Errorf("web's container is %q", c)
	}
	if p := MustKubectl(t, ns, "get", "cronjob", name+"-daily", "-o", "jsonpath={.spec.startingDeadlineSeconds} {.spec.concurrencyPolicy}"); p != "300 Replace" {
		t.Errorf("cronjob: %q", p)
	}
	if h := MustKubectl(t, ns, "get", "hpa", name+"-web", "-o", "jsonpath={.spec.behavior.scaleUp.stabilizationWindowSeconds}"); h != "120" {
		t.Errorf("hpa scaleUp window %q", h)
	}
}
