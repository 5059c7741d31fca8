package admin

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

	"github.com/lain-cli/lain/internal/resadvice"
	"github.com/lain-cli/lain/internal/runner"
)

// wasteProm answers /api/v1/query (memory) and /api/v1/query_range (CPU)
// as Prometheus documents them, a constant CPU per container, and records
// the range queries' steps.
type wasteProm struct {
	mu    sync.Mutex
	cpu   map[string]float64 // <app>-<proc> -> millicores; absent: no data
	steps map[string]string  // <app>-<proc> -> step asked
}

func (f *wasteProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	// The default PromQL selects pods <app>-<proc>-...: key on that.
	_, rest, _ := strings.Cut(r.PostForm.Get("query"), `pod=~"`)
	container, _, _ := strings.Cut(rest, `-.+"`)
	mc, ok := f.cpu[container]
	w.Header().Set("Content-Type", "application/json")
	switch {
	case !ok:
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
	case r.URL.Path == "/api/v1/query":
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%s,"%d"]}]}}`, r.PostForm.Get("time"), 300<<20)
	case r.URL.Path == "/api/v1/query_range":
		f.mu.Lock()
		f.steps[container] = r.PostForm.Get("step")
		f.mu.Unlock()
		start, _ := strconv.ParseFloat(r.PostForm.Get("start"), 64)
		var pts []string
		for i := 0; i < 20; i++ {
			pts = append(pts, fmt.Sprintf(`[%.3f,"%g"]`, start+float64(i)*60, mc))
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, strings.Join(pts, ","))
	default:
		http.NotFound(w, r)
	}
}

func TestMeasureWasteSelectsAndSorts(t *testing.T) {
	f := &wasteProm{steps: map[string]string{}, cpu: map[string]float64{
		"shop-web": 399.5, "big-api": 99.2, "shop-fit": 400, "shop-edge": 400, "shop-under": 900,
	}}
	s := httptest.NewServer(f)
	defer s.Close()
	cands := []Waste{
		{Namespace: "a", Name: "shop-web", Release: "shop", App: "shop", Proc: "web", Replicas: 3, RequestCPU: "1000m"},
		{Namespace: "b", Name: "big-api", Release: "big", App: "big", Proc: "api", Replicas: 2, RequestCPU: "2"},
		{Namespace: "a", Name: "shop-fit", Release: "shop", App: "shop", Proc: "fit", Replicas: 4, RequestCPU: "500m"},
		{Namespace: "a", Name: "shop-edge", Release: "shop", App: "shop", Proc: "edge", Replicas: 9, RequestCPU: "700m"}, // exactly 300m over: fits
		{Namespace: "a", Name: "shop-under", Release: "shop", App: "shop", Proc: "under", Replicas: 2, RequestCPU: "100m"},
		{Namespace: "a", Name: "shop-gone", Release: "shop", App: "shop", Proc: "gone", Replicas: 5, RequestCPU: "4"},
	}
	values := func(w Waste) map[string]any {
		if w.Namespace == "b" {
			return map[string]any{"prometheus_query_range": "12h"}
		}
		return nil
	}
	p := Prometheus{Client: &resadvice.Client{URL: s.URL}, Templates: resadvice.TemplatesFrom(nil), Now: func() time.Time { return time.Unix(1796126400, 0) }}
	waste, skipped, err := MeasureWaste(context.Background(), p, cands, values)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range waste {
		got = append(got, fmt.Sprintf("%s/%s %dx%s top %dm waste %dm", w.Namespace, w.Name, w.Replicas, w.RequestCPU, w.CPUTop, w.Millicores()))
	}
	want := []string{"b/big-api 2x2 top 100m waste 3800m", "a/shop-web 3x1000m top 400m waste 1800m"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("waste:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(skipped) != 1 || skipped[0].Name != "shop-gone" || !strings.Contains(skipped[0].Why, "no data") {
		t.Errorf("skipped: %+v", skipped)
	}
	// the release's prometheus_query_range, as lint uses it: 12h / 1440
	if f.steps["big-api"] != "30" || f.steps["shop-web"] != "420" {
		t.Errorf("steps: %v", f.steps)
	}
}

func TestMeasureWasteUnreachable(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close()
	cands := []Waste{{Namespace: "a", Name: "x-web", Release: "x", App: "x", Proc: "web", Replicas: 2, RequestCPU: "1"}}
	p := Prometheus{Client: &resadvice.Client{URL: url}, Templates: resadvice.TemplatesFrom(nil), Now: time.Now}
	_, _, err := MeasureWaste(context.Background(), p, append(cands, cands...), func(Waste) map[string]any { return nil })
	var u *resadvice.UnreachableError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "is unreachable") {
		t.Errorf("err = %v", err)
	}
}

func TestWasteCandidates(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("kubectl get deployments --all-namespaces", `{"items":[
{"metadata":{"name":"shop-web","namespace":"a","labels":{"app.kubernetes.io/name":"shop"},"annotations":{"meta.helm.sh/release-name":"shop"}},
 "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"sidecar","resources":{"requests":{"cpu":"50m"}}},{"name":"web","resources":{"requests":{"cpu":"1"}}}]}}}},
{"metadata":{"name":"shop-solo","namespace":"a","labels":{"app.kubernetes.io/name":"shop"},"annotations":{"meta.helm.sh/release-name":"shop"}},
 "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"solo","resources":{"requests":{"cpu":"1"}}}]}}}},
{"metadata":{"name":"loose","namespace":"a"},
 "spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"main","resources":{"requests":{"cpu":"1"}}}]}}}},
{"metadata":{"name":"free-web","namespace":"b","annotations":{"meta.helm.sh/release-name":"free"}},
 "spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"web"}]}}}},
{"metadata":{"name":"canary-web","namespace":"b","annotations":{"meta.helm.sh/release-name":"canary"}},
 "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"main","resources":{"requests":{"cpu":"300m"}}}]}}}}
]}`, 0)
	got, err := Kubectl{Runner: rec}.WasteCandidates(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	want := []Waste{
		{Namespace: "a", Name: "shop-web", Release: "shop", App: "shop", Proc: "web", Replicas: 3, RequestCPU: "1"},
		{Namespace: "b", Name: "canary-web", Release: "canary", App: "canary", Proc: "web", Replicas: 2, RequestCPU: "300m"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("candidates:\n%+v\nwant:\n%+v", got, want)
	}
}
