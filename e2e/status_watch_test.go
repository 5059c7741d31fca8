//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A full-screen lain status left open for a minute costs the API server one
// list plus one watch per kind (issue 18), and stays live: a scaled
// deployment shows at once, and killing the kubectl of a watch only
// restarts that watch. A kubectl first on PATH logs every run of lain's
// (each --raw run is one request) before running the real one.
func TestStatusFullScreenWatches(t *testing.T) {
	a := newLiveApp(t, "")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")
	realKubectl, err := lookPath("kubectl")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	runs := filepath.Join(bin, "runs.log")
	if err := os.WriteFile(filepath.Join(bin, "kubectl"), []byte("#!/bin/sh\necho \"$*\" >> "+runs+"\nexec "+realKubectl+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range labEnv("", nil) {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			a.extraLainEnv = []string{"PATH=" + bin + ":" + p}
		}
	}
	before := apiserverRequests(t)
	start := time.Now()
	s := startInTmux(t, a, "status")
	s.waitFor(screenPodRow)

	// Live: a third pod appears without waiting for a refresh.
	Kubectl(t, a.ns, "scale", "deployment/hello-web", "--replicas=3")
	rows := func(n int) *regexp.Regexp {
		return regexp.MustCompile(fmt.Sprintf(`deployment hello-web: %d/%d ready`, n, n))
	}
	s.waitFor(rows(3))

	// Kill the kubectl that watches the pods: the view keeps what it saw,
	// starts the watch again, and follows the next change.
	out, _ := exec.Command("pgrep", "-f", "kubectl get --raw /api/v1/namespaces/"+a.ns+"/pods.*watch=1").Output()
	pids := strings.Fields(string(out))
	if len(pids) != 1 {
		t.Fatalf("want one kubectl watching the pods, found %q", pids)
	}
	pid, _ := strconv.Atoi(pids[0])
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
	Kubectl(t, a.ns, "scale", "deployment/hello-web", "--replicas=1")
	scr := s.waitFor(rows(1))
	if strings.Contains(scr, "could not read the app") {
		t.Errorf("the view lost the app:\n%s", scr)
	}

	if d := time.Minute - time.Since(start); d > 0 {
		time.Sleep(d)
	}
	s.keys("q")
	s.exited("0")
	after := apiserverRequests(t)
	t.Logf("API server, all clients, in %s: %s", time.Since(start).Round(time.Second), after.minus(before))

	lists, watches := map[string]int{}, map[string]int{}
	f, err := os.Open(runs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var other []string
	for sc.Scan() {
		l := sc.Text()
		if raw, ok := strings.CutPrefix(l, "get --raw "); ok {
			path, query, _ := strings.Cut(raw, "?")
			kind := path[strings.LastIndex(path, "/")+1:]
			if strings.Contains(query, "watch=1") {
				watches[kind]++
			} else {
				lists[kind]++
			}
			continue
		}
		other = append(other, l)
	}
	t.Logf("lain's kubectl runs in a minute: lists %v, watches %v, other %q", lists, watches, other)
	for _, kind := range []string{"deployments", "statefulsets", "cronjobs", "jobs", "pods", "ingresses"} {
		want := 1
		if kind == "pods" {
			want = 2 // again after the kill
		}
		if lists[kind] != want || watches[kind] != want {
			t.Errorf("%s: %d lists and %d watches, want %d of each", kind, lists[kind], watches[kind], want)
		}
	}
	// kubectl top every 30 s; a healthy app has no diagnoses to read.
	if len(other) > 3 {
		t.Errorf("more than kubectl top every 30 s: %q", other)
	}
}

// requestCounts are apiserver_request_total by verb and resource.
type requestCounts map[string]float64

var requestMetric = regexp.MustCompile(`^apiserver_request_total\{(.*)\} ([0-9.e+]+)$`)

func apiserverRequests(t *testing.T) requestCounts {
	t.Helper()
	r := Kubectl(t, "", "get", "--raw", "/metrics")
	out := requestCounts{}
	for _, l := range strings.Split(r.Stdout, "\n") {
		m := requestMetric.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		labels := map[string]string{}
		for _, kv := range strings.Split(m[1], ",") {
			k, v, _ := strings.Cut(kv, "=")
			labels[k] = strings.Trim(v, `"`)
		}
		if labels["verb"] != "LIST" && labels["verb"] != "WATCH" {
			continue
		}
		n, _ := strconv.ParseFloat(m[2], 64)
		out[labels["verb"]+" "+labels["resource"]] += n
	}
	return out
}

func (c requestCounts) minus(before requestCounts) string {
	var parts []string
	for _, k := range []string{"LIST pods", "WATCH pods", "LIST deployments", "WATCH deployments", "LIST events", "LIST ingresses"} {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, c[k]-before[k]))
	}
	return strings.Join(parts, ", ")
}
