package commands

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
)

// promStub answers the Prometheus API: the memory quantile is 900Mi, the
// CPU a steady 500m over 1,441 steps.
func promStub(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/query":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"943718400"]}]}}`)
		case "/api/v1/query_range":
			pts := strings.Repeat(`[1,"500"],`, 1440) + `[1,"500"]`
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, pts)
		}
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func lintWithProm(t *testing.T, url string) *lintEnv {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues, "chart/values-test.yaml": "prometheus: " + url + "\n"})
	e.opts.HTTP, e.opts.Now = http.DefaultClient, time.Now
	return e
}

func TestLintPrintsResourceAdvice(t *testing.T) {
	e := lintWithProm(t, promStub(t))
	if err := runLint(context.Background(), e.opts); err != nil {
		t.Fatal(clierr.Format(err))
	}
	want := `advice: deployments.web over the last 7d: CPU top 500m (90th percentile of 1441 points), memory top 900Mi (pql_template.memory_quantile)
  requests.cpu: 100m -> 500m (more than 300m off the CPU top 500m)
  requests.memory: 128Mi -> 900Mi (outside the memory top 900Mi x/÷ 1.13)
  limits.memory: (unset) -> 2250Mi (memory top 900Mi x 2.5, more than 1Gi and x/÷ 1.13 away)
  paste under deployments.web in chart/values-test.yaml:
    resources:
      requests:
        cpu: 500m
        memory: 900Mi
      limits:
        memory: 2250Mi
lint: shop is ready to deploy to test
`
	if !strings.HasSuffix(e.errOut.String(), want) {
		t.Errorf("stderr:\n%s\nwant it to end with:\n%s", e.errOut.String(), want)
	}
}

func TestLintGoesOnWhenPrometheusIsDown(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close()
	e := lintWithProm(t, url)
	if err := runLint(context.Background(), e.opts); err != nil {
		t.Fatal(clierr.Format(err))
	}
	got := e.errOut.String()
	if strings.Count(got, "note: no resource advice: Prometheus "+url+" is unreachable") != 1 || !strings.HasSuffix(got, "lint: shop is ready to deploy to test\n") {
		t.Error(got)
	}
	e.opts.Simple = true
	e.errOut.Reset()
	runLint(context.Background(), e.opts)
	if strings.Contains(e.errOut.String(), "advice") {
		t.Errorf("--simple asked Prometheus: %s", e.errOut.String())
	}
}

func TestLintResourcesTableAndYAML(t *testing.T) {
	e := lintWithProm(t, promStub(t))
	e.opts.Resources, e.opts.Output = true, "table"
	if err := runResourceAdvice(context.Background(), e.opts); err != nil {
		t.Fatal(clierr.Format(err))
	}
	if got := e.out.String(); !strings.Contains(got, "web   500m     900Mi       100m -> 500m  128Mi -> 900Mi   (unset) ok  (unset) -> 2250Mi") {
		t.Errorf("table:\n%s", got)
	}
	if len(e.rec.Lines) != 0 {
		t.Errorf("--resources ran %v", e.rec.Lines)
	}
	e.out.Reset()
	e.opts.Output = "yaml"
	runResourceAdvice(context.Background(), e.opts)
	if got := e.out.String(); !strings.Contains(got, "deployments:\n  web:\n    resources:\n      requests:\n        cpu: 500m\n") {
		t.Errorf("yaml:\n%s", got)
	}
	e.opts.Output = "json"
	if got := clierr.Format(runResourceAdvice(context.Background(), e.opts)); !strings.Contains(got, `--output "json"`) {
		t.Error(got)
	}
}

func TestLintResourcesWithoutPrometheus(t *testing.T) {
	e := newLintEnv(t, map[string]string{"chart/values.yaml": shopValues})
	e.opts.Resources, e.opts.Output = true, "table"
	got := clierr.Format(runResourceAdvice(context.Background(), e.opts))
	if !strings.Contains(got, "cluster test has no prometheus in its cluster values") {
		t.Error(got)
	}
}
