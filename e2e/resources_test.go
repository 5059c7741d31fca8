//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"
)

// labPrometheus is the lab's Prometheus (scripts/lab up; lab/versions.env).
const labPrometheus = "http://127.0.0.1:9090"

// needMetricsLab skips (fails under CI) when the lab runs without its
// metrics components.
func needMetricsLab(t *testing.T) {
	t.Helper()
	resp, err := http.Get(labPrometheus + "/-/ready")
	if err != nil {
		testenv.Missing(t, "the lab's Prometheus does not answer (scripts/lab up starts it): "+err.Error())
		return
	}
	resp.Body.Close()
	if r := KubectlQuiet(t, "", "get", "--raw", "/apis/metrics.k8s.io/v1beta1"); r.Code != 0 {
		testenv.Missing(t, "the lab has no metrics API (scripts/lab up registers metrics-server): "+r.Stderr)
	}
}

// adviceApp writes an app named name (unique, so its containers' series
// are its own in the shared Prometheus) with procs web and idle, sized
// badly on purpose, and lain's chart; HOME has run `lain use lab`.
func adviceApp(t *testing.T, name, clusterValues string) (dir, home string) {
	t.Helper()
	dir, home = NewAppDir(t), NewUserHome(t)
	if r := LainArgs(t, "", home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	WriteFiles(t, dir, map[string]string{
		"chart/values.yaml": `appname: ` + name + `
build:
  base: 127.0.0.1:5000/lab/busybox:latest
deployments:
  web:
    command: ["httpd", "-f", "-p", "8080"]
    containerPort: 8080
    resources:
      requests: {cpu: 50m, memory: 256Mi}
      limits: {cpu: 500m, memory: 1Gi}
  idle:
    command: ["sleep", "3600"]
    resources:
      requests: {cpu: 10m, memory: 64Mi}
      limits: {cpu: 1000m, memory: 256Mi}
`,
		"chart/values-lab.yaml": clusterValues,
	})
	if r := LainArgs(t, dir, home, "init", "--yes"); r.Code != 0 {
		t.Fatalf("lain init --yes: %s", r)
	}
	return dir, home
}

// backfill writes a week of kubelet-style usage for the app's procs, as
// OpenMetrics, and turns it into blocks in the lab Prometheus's data dir
// with promtool (Prometheus loads new blocks within a minute):
//   - web: 399.5m of CPU (ceil: 400m) but 99.5m at night (00:00-06:00),
//     memory 800Mi with 900Mi in the busiest 10 % of the time (its 95th
//     percentile is 900Mi);
//   - idle: 50m of CPU during 6 minutes of each hour (rate 0 the rest:
//     too thin), memory 50Mi.
//
// It ends 3 hours ago, before anything the lab's Prometheus scraped live.
func backfill(t *testing.T, app, ns string, end time.Time) {
	t.Helper()
	start := end.Add(-7*24*time.Hour - 10*time.Minute)
	var cpu, mem strings.Builder
	cpu.WriteString("# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed by the container in core-seconds\n# TYPE container_cpu_usage_seconds_total counter\n")
	mem.WriteString("# HELP container_memory_working_set_bytes Current working set of the container in bytes\n# TYPE container_memory_working_set_bytes gauge\n")
	// Labelled as the kubelet labels the chart's pods: the container is the
	// proc, the pod <app>-<proc>-...; web-x (a proc whose name extends web's,
	// busy) must never count as web.
	for _, proc := range []string{"web", "idle", "web-x"} {
		labels := fmt.Sprintf(`{container="%s",namespace="%s",pod="%s-%s-6d4cf56db6-x7k2p"}`, proc, ns, app, proc)
		total := 0.0
		for i, ts := 0, start; !ts.After(end); i, ts = i+1, ts.Add(time.Minute) {
			var cores, bytes float64
			switch proc {
			case "web":
				cores, bytes = 0.3995, 800<<20
				if ts.UTC().Hour() < 6 {
					cores = 0.0995
				}
				if i%10 == 0 {
					bytes = 900 << 20
				}
			case "web-x":
				cores, bytes = 3, 4<<30
			case "idle":
				bytes = 50 << 20
				if ts.UTC().Minute() < 6 {
					cores = 0.05
				}
			}
			total += cores * 60
			fmt.Fprintf(&cpu, "container_cpu_usage_seconds_total%s %s %d\n", labels, strconv.FormatFloat(total, 'f', -1, 64), ts.Unix())
			fmt.Fprintf(&mem, "container_memory_working_set_bytes%s %s %d\n", labels, strconv.FormatFloat(bytes, 'f', -1, 64), ts.Unix())
		}
	}
	file := filepath.Join(t.TempDir(), "usage.om")
	if err := os.WriteFile(file, []byte(cpu.String()+mem.String()+"# EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(Lab.Dir, "prometheus", "data")
	began := time.Now()
	if r := Run(t, "promtool", Cmd{Args: []string{"tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", file, data}}); r.Code != 0 {
		t.Fatalf("promtool: %s", r)
	}
	t.Logf("backfilled a week (%d samples) in %v", 3*2*int(end.Sub(start)/time.Minute), time.Since(began).Round(time.Millisecond))
	// Prometheus picks new blocks up on its next reload (every minute).
	Eventually(t, 150*time.Second, "Prometheus to load the backfilled blocks", func() error {
		q := url.Values{"query": {fmt.Sprintf(`count(container_memory_working_set_bytes{pod=~"%s-.*"})`, app)}, "time": {strconv.FormatInt(end.Add(-time.Hour).Unix(), 10)}}
		resp, err := http.Get(labPrometheus + "/api/v1/query?" + q.Encode())
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var body struct {
			Data struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return err
		}
		if len(body.Data.Result) == 0 || body.Data.Result[0].Value[1] != "3" {
			return fmt.Errorf("not yet: %+v", body.Data.Result)
		}
		return nil
	})
}

var adviceHead = regexp.MustCompile(`advice: deployments\.web over the last 7d: CPU top 400m \(90th percentile of (\d+) points\), memory top 900Mi \(pql_template\.memory_quantile\)\n`)

// A week of a proc's usage, backfilled into the lab's Prometheus, sizes it
// exactly as the original lain did; a mostly idle proc's data is too thin.
func TestResourceAdviceFromAWeekOfUsage(t *testing.T) {
	needMetricsLab(t)
	app := uniqueApp("adv")
	dir, home := adviceApp(t, app, "")
	backfill(t, app, Namespace(t), time.Now().Add(-3*time.Hour))

	r := LainArgs(t, dir, home, "lint")
	if r.Code != 0 {
		t.Fatalf("lint: %s", r)
	}
	m := adviceHead.FindStringSubmatch(r.Stderr)
	if m == nil {
		t.Fatalf("no advice for web:\n%s", r.Stderr)
	}
	// the week has 1,441 steps of 7 min; the last 3 hours have no data
	if n, _ := strconv.Atoi(m[1]); n < 1400 || n > 1441 {
		t.Errorf("%s points, want about 1,415", m[1])
	}
	wantAll(t, r.Stderr, `  limits.cpu: 500m -> 1000m (under 1000m)
  requests.cpu: 50m -> 400m (more than 300m off the CPU top 400m)
  requests.memory: 256Mi -> 900Mi (outside the memory top 900Mi x/÷ 1.13)
  limits.memory: 1Gi -> 2250Mi (memory top 900Mi x 2.5, more than 1Gi and x/÷ 1.13 away)
  paste under deployments.web in chart/values-lab.yaml:
    resources:
      requests:
        cpu: 400m
        memory: 900Mi
      limits:
        cpu: 1000m
        memory: 2250Mi
`, "lint: "+app+" is ready to deploy to lab\n")
	thin := regexp.MustCompile(`advice: deployments\.idle: the data is too thin: (\d+) of (\d+) CPU points are 0m, over 70%; no advice\n`).FindStringSubmatch(r.Stderr)
	if thin == nil {
		t.Fatalf("idle is not too thin:\n%s", r.Stderr)
	}
	if z, n := atoi(thin[1]), atoi(thin[2]); float64(z)/float64(n) < 0.75 {
		t.Errorf("idle: %d of %d zero points", z, n)
	}

	r = LainArgs(t, dir, home, "lint", "--resources")
	if r.Code != 0 {
		t.Fatalf("lint --resources: %s", r)
	}
	wantAll(t, r.Stdout, "PROC  CPU TOP", "idle  too thin\n")
	if !regexp.MustCompile(`(?m)^web +400m +900Mi +50m -> 400m +256Mi -> 900Mi +500m -> 1000m +1Gi -> 2250Mi$`).MatchString(r.Stdout) {
		t.Errorf("no advice row for web:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stderr, "helm template") {
		t.Errorf("--resources ran the checks:\n%s", r.Stderr)
	}
	r = LainArgs(t, dir, home, "lint", "--resources", "-o", "yaml")
	wantAll(t, r.Stdout, "# chart/values-lab.yaml: resources advised from Prometheus (http://127.0.0.1:9090) over the last 7d\n"+
		"deployments:\n  web:\n    resources:\n      requests:\n        cpu: 400m\n        memory: 900Mi\n      limits:\n        cpu: 1000m\n        memory: 2250Mi\n")
	// the fragment is valid values: merged in, lint has nothing left to say about web
	WriteFiles(t, dir, map[string]string{"chart/values-lab.yaml": r.Stdout})
	r = LainArgs(t, dir, home, "lint")
	if r.Code != 0 || !strings.Contains(r.Stderr, "over the last 7d: CPU top 400m") || !strings.Contains(r.Stderr, "  resources fit: nothing to change\n") {
		t.Errorf("lint after pasting the advice: %s", r)
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// A Prometheus that is stopped, or that accepts and never answers, costs
// lint one line (within the 10 s cap) and never its exit code.
func TestResourceAdviceWithoutPrometheus(t *testing.T) {
	stopped, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stoppedURL := "http://" + stopped.Addr().String()
	stopped.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	held := make(chan net.Conn, 100)
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	go func() { // accept, never answer
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c:
			default:
				c.Close()
			}
		}
	}()
	for _, c := range []struct{ name, url, line string }{
		{"stopped", stoppedURL, "note: no resource advice: Prometheus " + stoppedURL + " is unreachable: "},
		{"silent", "http://" + silent.Addr().String(), "note: no resource advice: Prometheus http://" + silent.Addr().String() + " did not answer in time\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, home := adviceApp(t, "hello", "prometheus: "+c.url+"\n")
			began := time.Now()
			r := LainArgs(t, dir, home, "lint")
			took := time.Since(began)
			if r.Code != 0 || strings.Count(r.Stderr, "note: no resource advice") != 1 || !strings.Contains(r.Stderr, c.line) ||
				!strings.HasSuffix(r.Stderr, "lint: hello is ready to deploy to lab\n") {
				t.Errorf("lint: %s", r)
			}
			if took > 20*time.Second {
				t.Errorf("lint took %v with a %s Prometheus (cap 10 s)", took, c.name)
			}
			t.Logf("lint with a %s Prometheus: %v", c.name, took.Round(time.Millisecond))
			r = LainArgs(t, dir, home, "lint", "--resources")
			if r.Code == 0 || !strings.Contains(r.Stderr, "no resource advice: Prometheus") {
				t.Errorf("lint --resources: %s", r)
			}
		})
	}
}

// kwok simulates the usage its annotations give a pod; the lab's
// metrics-server serves it to kubectl top and lain status, which shows it
// against requests and limits and warns above 90 % of the memory limit.
func TestTopAndStatusShowSimulatedUsage(t *testing.T) {
	needMetricsLab(t)
	a := &liveApp{t: t, dir: NewAppDir(t), home: NewUserHome(t), ns: Namespace(t)}
	if r := LainArgs(t, "", a.home, "use", "lab"); r.Code != 0 {
		t.Fatalf("lain use lab: %s", r)
	}
	WriteFiles(t, a.dir, map[string]string{"chart/values.yaml": `appname: hello
deployments:
  web:
    replicaCount: 2
    command: ["httpd", "-f", "-p", "8080"]
    containerPort: 8080
    podAnnotations:
      lain-lab/usage-cpu: 400m
      lain-lab/usage-memory: 900Mi
    resources:
      requests: {cpu: 500m, memory: 512Mi}
      limits: {cpu: "1", memory: 960Mi}
`, "chart/values-lab.yaml": "{}\n"})
	a.must("init", "--yes")
	a.install(true)
	a.waitPods("app.kubernetes.io/instance=hello-web", 2, "Running")

	row := regexp.MustCompile(`(?m)^(hello-web-\S+)\s+(\d+)m\s+(\d+)Mi\s*$`)
	var top string
	Eventually(t, 150*time.Second, "kubectl top pod to show both pods", func() error {
		top = KubectlQuiet(t, a.ns, "top", "pod", "-l", "app.kubernetes.io/instance=hello-web", "--no-headers").Stdout
		if len(row.FindAllString(top, -1)) != 2 {
			return fmt.Errorf("kubectl top pod:\n%s", top)
		}
		return nil
	})
	for _, m := range row.FindAllStringSubmatch(top, -1) {
		// memory is a gauge (exact); CPU is a rate over two scrapes
		if cpu := atoi(m[2]); cpu < 390 || cpu > 410 || m[3] != "900" {
			t.Errorf("kubectl top: %s: %sm %sMi, want 400m 900Mi", m[1], m[2], m[3])
		}
	}
	var r Result
	status := regexp.MustCompile(`(?m)^  hello-web-\S+ +Running +1/1 +0 +\S+ +lab-node +(\d+)m \(500m/1\) +900Mi \(512Mi/960Mi\)$`)
	Eventually(t, 60*time.Second, "lain status -s to show the usage", func() error {
		r = Lain(t, Cmd{Args: []string{"status", "-s"}, Dir: a.dir, Home: a.home, Quiet: true})
		if len(status.FindAllString(r.Stdout, -1)) != 2 {
			return fmt.Errorf("%s", r)
		}
		return nil
	})
	wantAll(t, r.Stdout, "CPU (REQ/LIMIT)", "MEMORY (REQ/LIMIT)",
		"% of its limit 960Mi: past the limit it is OOMKilled (raise resources.limits.memory; lain lint --resources suggests one)")
	if n := strings.Count(r.Stdout, "warning: hello-web-"); n != 2 {
		t.Errorf("want a memory warning per pod (900Mi of 960Mi), got %d:\n%s", n, r.Stdout)
	}
	if r.Code != 0 {
		t.Errorf("a warning is not unhealthy: %s", r)
	}
}
