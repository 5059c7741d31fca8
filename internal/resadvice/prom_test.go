package resadvice

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProm answers the documented /api/v1/query and /api/v1/query_range
// JSON from canned data, and records what it was asked.
type fakeProm struct {
	mu     sync.Mutex
	asked  []map[string]string
	cpu    map[string][]float64 // proc -> per-step millicores
	memory map[string]float64   // proc -> bytes
	delay  time.Duration
	status string // "error" to answer with the API's error envelope
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	got := map[string]string{"path": r.URL.Path}
	for k := range r.PostForm {
		got[k] = r.PostForm.Get(k)
	}
	f.mu.Lock()
	f.asked = append(f.asked, got)
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if f.status == "error" {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected"}`)
		return
	}
	proc := procOf(got["query"])
	switch r.URL.Path {
	case "/api/v1/query":
		mem, ok := f.memory[proc]
		if !ok {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%s,"%s"]}]}}`, got["time"], strconv.FormatFloat(mem, 'f', -1, 64))
	case "/api/v1/query_range":
		start, _ := strconv.ParseFloat(got["start"], 64)
		step, _ := strconv.ParseFloat(got["step"], 64)
		var pts []string
		for i, v := range f.cpu[proc] {
			pts = append(pts, fmt.Sprintf(`[%.3f,"%s"]`, start+float64(i)*step, strconv.FormatFloat(v, 'f', -1, 64)))
		}
		result := "[]"
		if pts != nil {
			result = `[{"metric":{"container":"x"},"values":[` + strings.Join(pts, ",") + `]}]`
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":%s}}`, result)
	default:
		http.NotFound(w, r)
	}
}

// procOf finds the proc in a default-template query: pod=~"app-PROC-.+".
func procOf(q string) string {
	_, rest, _ := strings.Cut(q, `pod=~"app-`)
	p, _, _ := strings.Cut(rest, `-.+"`)
	return p
}

func serve(t *testing.T, f *fakeProm) string {
	s := httptest.NewServer(f)
	t.Cleanup(s.Close)
	return s.URL
}

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func TestAdviseAgainstPrometheusAPI(t *testing.T) {
	web := make([]float64, 1441)
	for i := range web {
		web[i] = 400 - float64(i%10) // 391..400: 90th percentile 400
	}
	f := &fakeProm{
		cpu:    map[string][]float64{"web": web, "idle": append(repeat(0, 1200), repeat(50, 241)...), "small": repeat(3, 100)},
		memory: map[string]float64{"web": 900 * mi, "idle": 100 * mi, "small": 1000},
	}
	a := &Advisor{Client: &Client{URL: serve(t, f)}, Templates: TemplatesFrom(nil), Range: "7d", Now: func() time.Time { return now }}
	procs := []Proc{
		{Name: "web", Kind: "deployments", Replicas: 1, Resources: Resources{RequestsCPU: "1", RequestsMemory: "256Mi", LimitsCPU: "500m", LimitsMemory: "1Gi"}},
		{Name: "idle", Kind: "deployments", Replicas: 1},
		{Name: "gone", Kind: "deployments", Replicas: 1},
		{Name: "small", Kind: "deployments", Replicas: 1, Resources: Resources{RequestsCPU: "5m", RequestsMemory: "10Mi", LimitsCPU: "1", LimitsMemory: "1Gi"}},
	}
	res, err := a.Advise(context.Background(), "app", procs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("got %d results", len(res))
	}
	w := res[0]
	if w.Status != Measured || w.Usage != (Usage{CPUTop: 400, MemoryTop: 900 * mi}) || w.Points != 1441 {
		t.Errorf("web: %+v", w)
	}
	want := []Change{
		{"limits.cpu", "500m", "1000m", "under 1000m"},
		{"requests.cpu", "1", "400m", "more than 300m off the CPU top 400m"},
		{"requests.memory", "256Mi", "900Mi", "outside the memory top 900Mi x/÷ 1.13"},
		{"limits.memory", "1Gi", "2250Mi", "memory top 900Mi x 2.5, more than 1Gi and x/÷ 1.13 away"},
	}
	if fmt.Sprint(w.Changes) != fmt.Sprint(want) {
		t.Errorf("web changes:\n got %v\nwant %v", w.Changes, want)
	}
	if res[1].Status != Thin || res[1].Zeros != 1200 || res[1].Changes != nil {
		t.Errorf("idle: %+v", res[1])
	}
	if res[2].Status != NoData {
		t.Errorf("gone: %+v", res[2])
	}
	// 1000 bytes of memory is raised to the 4Mi floor; 3m CPU to 5m
	if res[3].Status != Measured || res[3].Usage != (Usage{CPUTop: 5, MemoryTop: 4 * mi}) || len(res[3].Changes) != 0 {
		t.Errorf("small: %+v", res[3])
	}
	// the queries: the memory quantile is an instant query at now; CPU a
	// range query over the last 7d with a step keeping 1,440 points
	q := f.asked[0]
	if q["path"] != "/api/v1/query" || q["time"] != "1796126400.000" ||
		q["query"] != `max(quantile_over_time(0.95, container_memory_working_set_bytes{container="web",pod=~"app-web-.+"}[7d]))` {
		t.Errorf("memory query: %v", q)
	}
	q = f.asked[1]
	if q["path"] != "/api/v1/query_range" || q["step"] != "420" || q["end"] != "1796126400.000" || q["start"] != "1795521600.000" ||
		q["query"] != `max(rate(container_cpu_usage_seconds_total{container="web",pod=~"app-web-.+"}[5m])) * 1000` {
		t.Errorf("cpu query: %v", q)
	}
	// no CPU question for a proc without memory data
	if len(f.asked) != 7 {
		t.Errorf("asked %d times, want 7: %v", len(f.asked), f.asked)
	}
}

func TestAdviseSlowPrometheusIsCut(t *testing.T) {
	f := &fakeProm{delay: 5 * time.Second}
	a := &Advisor{Client: &Client{URL: serve(t, f)}, Templates: TemplatesFrom(nil), Range: "7d", Now: time.Now, Timeout: 200 * time.Millisecond}
	start := time.Now()
	_, err := a.Advise(context.Background(), "app", []Proc{{Name: "web"}, {Name: "worker"}})
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v, over the cap", d)
	}
	if len(f.asked) != 1 {
		t.Errorf("asked %d times after the first failure", len(f.asked))
	}
}

func TestAdviseUnreachableAndErrors(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close()
	a := &Advisor{Client: &Client{URL: url}, Templates: TemplatesFrom(nil), Range: "7d", Now: time.Now}
	_, err := a.Advise(context.Background(), "app", []Proc{{Name: "web"}})
	if !strings.Contains(fmt.Sprint(err), "is unreachable") {
		t.Errorf("closed port: %v", err)
	}
	a.Client.URL = serve(t, &fakeProm{status: "error"})
	_, err = a.Advise(context.Background(), "app", []Proc{{Name: "web"}})
	if got := fmt.Sprint(err); !strings.HasSuffix(got, ": bad_data: 1:5: parse error: unexpected") {
		t.Errorf("API error: %v", got)
	}
	a.Client.URL = serve(t, &fakeProm{}) + "/not-prometheus"
	_, err = a.Advise(context.Background(), "app", []Proc{{Name: "web"}})
	if got := fmt.Sprint(err); !strings.Contains(got, "not the API's JSON") {
		t.Errorf("not Prometheus: %v", got)
	}
	a.Range = "a week"
	if _, err := a.Advise(context.Background(), "app", nil); !strings.Contains(fmt.Sprint(err), `"a week" is not a time range`) {
		t.Errorf("bad range: %v", err)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"appname": "shop", "proc_name": "web", "range": "7d"}
	cases := map[string]string{
		`rate(x{{container="{appname}-{proc_name}"}}[{range}])`:            `rate(x{container="shop-web"}[7d])`,
		`rate(x{container="{{ .appname }}-{{ .proc_name }}"}[{{.range}}])`: `rate(x{container="shop-web"}[7d])`,
		`{unknown}`: "error: t: unknown placeholder {unknown}",
		`x{a="b"}`:  "error: t: unknown placeholder {a=\"b\"}",
		`up{`:       "error: t: a { at offset 2 is never closed",
		`x{{a="b"}`: "error: t: a } at offset 8 closes nothing",
		`plain up`:  "plain up",
	}
	for in, want := range cases {
		got, err := Expand("t", in, vars)
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRangeAndStep(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 420 * time.Second, "2d": 120 * time.Second, "1h": 2 * time.Second, "10m": time.Second, "1w": 420 * time.Second} {
		r, err := ParseRange(in)
		if err != nil || Step(r) != want {
			t.Errorf("%s: step %v, %v; want %v", in, Step(r), err, want)
		}
	}
	for _, bad := range []string{"", "7", "d", "0d", "-1d", "7x", "1.5d"} {
		if _, err := ParseRange(bad); err == nil {
			t.Errorf("ParseRange(%q) passed", bad)
		}
	}
}

// Prometheus answers NaN and Inf for broken arithmetic: such points are
// left out, and a broken memory figure is no data.
func TestAdviseIgnoresNaNAndInf(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/query", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		v := "943718400"
		if strings.Contains(r.PostForm.Get("query"), "app-nan") {
			v = "NaN"
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"%s"]}]}}`, v)
	})
	mux.HandleFunc("/api/v1/query_range", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"],[2,"+Inf"],[3,"400"],[4,"400"],[5,"-Inf"],[6,"400"]]}]}}`)
	})
	s := httptest.NewServer(mux)
	defer s.Close()
	a := &Advisor{Client: &Client{URL: s.URL}, Templates: TemplatesFrom(nil), Range: "7d", Now: time.Now}
	res, err := a.Advise(context.Background(), "app", []Proc{{Name: "web"}, {Name: "nan"}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != Measured || res[0].Usage.CPUTop != 400 || res[0].Points != 3 {
		t.Errorf("web: %+v", res[0])
	}
	if res[1].Status != NoData {
		t.Errorf("nan: %+v", res[1])
	}
}

// A hosted Prometheus behind basic auth has its password in the URL: no
// message prints it (unreachable, not Prometheus, not a URL at all).
func TestMessagesNeverPrintThePassword(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	closed := strings.Replace(s.URL, "http://", "http://admin:SEKRITP@", 1)
	s.Close()
	not := strings.Replace(serve(t, &fakeProm{}), "http://", "http://admin:SEKRITP@", 1) + "/not-prometheus"
	for _, u := range []string{closed, not, "http://admin:SEKRITP@127.0.0.1:9090/%zz"} {
		a := &Advisor{Client: &Client{URL: u}, Templates: TemplatesFrom(nil), Range: "7d", Now: time.Now}
		_, err := a.Advise(context.Background(), "app", []Proc{{Name: "web"}})
		if err == nil || strings.Contains(err.Error(), "SEKRIT") {
			t.Errorf("%s: %v", u, err)
		}
	}
	var b strings.Builder
	WriteFragment(&b, "prod", Source{URL: closed, Range: "7d"}, nil)
	if strings.Contains(b.String(), "SEKRIT") {
		t.Error(b.String())
	}
}
