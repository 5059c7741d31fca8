//go:build e2e

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clusterValuesWithPrometheus is a copy of the lab's cluster values dir
// whose prometheus line is replaced by line ("" drops it).
func clusterValuesWithPrometheus(t *testing.T, line string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Lab.ClusterValuesDir, "values-lab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, "prometheus:") {
			kept = append(kept, l)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "values-lab.yaml"), []byte(strings.Join(kept, "\n")+"\n"+line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A week of 400m of CPU for a Deployment of 3 replicas that requests 1000m
// each lists it with 1800m wasted and who deployed it; a single replica, and
// 2 replicas requesting within 300m of the top, are not listed.
func TestAdminListWaste(t *testing.T) {
	needMetricsLab(t)
	ns := Namespace(t)
	home := NewUserHome(t)
	app := uniqueApp("waste")
	if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Home: home, Env: []string{"CI=true"}}); r.Code != 0 {
		t.Fatalf("%s", r)
	}
	chart := filepath.Join(Lab.Repo, "lab", "demo-chart")
	// web: 3 x 1000m; idle: 1 replica, as wasteful (never listed)
	r := Run(t, "helm", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "install", app, chart, "-n", ns, "--set",
		"appname=" + app + ",registry=127.0.0.1:5000/lab,user=ann,deployments.web.replicaCount=3,deployments.web.resources.requests.cpu=1000m," +
			"deployments.idle.replicaCount=1,deployments.idle.resources.requests.cpu=1000m"}})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	// another release of the same app's web: 2 x 500m, 100m over its top
	fit := "fit" + strings.TrimPrefix(app, "waste")
	r = Run(t, "helm", Cmd{Args: []string{"--kubeconfig", Lab.Kubeconfig, "install", fit, chart, "-n", ns, "--set",
		"appname=" + app + ",releaseName=" + fit + ",registry=127.0.0.1:5000/lab,user=bob,deployments.web.replicaCount=2,deployments.web.resources.requests.cpu=500m"}})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	backfill(t, app, ns, time.Now().Add(-3*time.Hour))

	r = Lain(t, Cmd{Args: []string{"admin", "list-waste"}, Home: home, Env: []string{"CI=true"}})
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	var got []string
	for _, l := range lines {
		got = append(got, strings.Join(strings.Fields(l), " "))
	}
	want := []string{"NAMESPACE DEPLOYMENT REPLICAS CPU REQUEST CPU TOP WASTE DEPLOYED BY", ns + " " + app + "-web 3 1000m 400m 1800m ann"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("list-waste:\n%s\nwant:\n%s\nstderr:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), r.Stderr)
	}
	if strings.Contains(r.Stderr, "skipped") { // fit was measured, not skipped
		t.Errorf("a release was skipped:\n%s", r.Stderr)
	}
	if !strings.Contains(r.Stderr, "helm get values "+app+" -n "+ns+" -o json") {
		t.Errorf("the helm query is not printed:\n%s", r.Stderr)
	}

	// no prometheus in the cluster values: said, with the next step
	env := []string{"CI=true", "CLUSTER_VALUES_DIR=" + clusterValuesWithPrometheus(t, "")}
	r = Lain(t, Cmd{Args: []string{"admin", "list-waste"}, Home: home, Env: env})
	if r.Code == 0 || !strings.Contains(r.Stderr, "cluster lab has no prometheus in its cluster values") || !strings.Contains(r.Stderr, "add prometheus: <URL") {
		t.Errorf("without prometheus: %s", r)
	}

	// a stopped Prometheus: one clear error, quickly
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stopped := "http://" + l.Addr().String()
	l.Close()
	env = []string{"CI=true", "CLUSTER_VALUES_DIR=" + clusterValuesWithPrometheus(t, "prometheus: "+stopped)}
	began := time.Now()
	r = Lain(t, Cmd{Args: []string{"admin", "list-waste"}, Home: home, Env: env})
	if r.Code == 0 || strings.Count(r.Stderr, "Prometheus "+stopped+" is unreachable") != 1 || r.Stdout != "" {
		t.Errorf("with a stopped Prometheus: %s", r)
	}
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("took %v with a stopped Prometheus (cap 10 s)", took)
	}

	// one that accepts and never answers: one error, at the 10 s cap
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var held []net.Conn // open, unanswered, until the listener closes
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	url := "http://" + silent.Addr().String()
	env = []string{"CI=true", "CLUSTER_VALUES_DIR=" + clusterValuesWithPrometheus(t, "prometheus: "+url)}
	began = time.Now()
	r = Lain(t, Cmd{Args: []string{"admin", "list-waste"}, Home: home, Env: env})
	took := time.Since(began)
	if r.Code == 0 || strings.Count(r.Stderr, "Prometheus "+url+" did not answer in time") != 1 || r.Stdout != "" {
		t.Errorf("with a silent Prometheus: %s", r)
	}
	if took < 9*time.Second || took > 20*time.Second {
		t.Errorf("took %v with a silent Prometheus (cap 10 s)", took)
	}
}
