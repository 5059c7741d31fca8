package resadvice

import (
	"strings"
	"testing"
)

func sample() []Result {
	web := Proc{Name: "web", Kind: "deployments", Replicas: 1, Resources: Resources{RequestsCPU: "1", RequestsMemory: "256Mi", LimitsCPU: "500m", LimitsMemory: "1Gi"}}
	u := Usage{CPUTop: 400, MemoryTop: 900 * mi}
	return []Result{
		{Proc: web, Usage: u, Points: 1441, Changes: Rules(web.Resources, 1, u)},
		{Proc: Proc{Name: "idle", Kind: "deployments"}, Status: Thin, Points: 1441, Zeros: 1200},
		{Proc: Proc{Name: "db", Kind: "statefulSets"}, Status: NoData},
	}
}

func TestWriteLint(t *testing.T) {
	var b strings.Builder
	WriteLint(&b, Source{URL: "http://p:9090", Range: "7d"}, sample(), "chart/values-lab.yaml")
	want := `advice: deployments.web over the last 7d: CPU top 400m (90th percentile of 1441 points), memory top 900Mi (pql_template.memory_quantile)
  limits.cpu: 500m -> 1000m (under 1000m)
  requests.cpu: 1 -> 400m (more than 300m off the CPU top 400m)
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
advice: deployments.idle: the data is too thin: 1200 of 1441 CPU points are 0m, over 70%; no advice
advice: statefulSets.db: Prometheus has no memory figures for it over the last 7d; no advice
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteTableAndFragment(t *testing.T) {
	var b strings.Builder
	WriteTable(&b, sample())
	want := `PROC  CPU TOP   MEMORY TOP  REQUESTS CPU  REQUESTS MEMORY  LIMITS CPU     LIMITS MEMORY
web   400m      900Mi       1 -> 400m     256Mi -> 900Mi   500m -> 1000m  1Gi -> 2250Mi
idle  too thin
db    no data
idle: too thin: 1200 of 1441 CPU points are 0m, over 70%; no advice
`
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteFragment(&b, "lab", Source{URL: "http://p:9090", Range: "7d"}, sample())
	want = `# chart/values-lab.yaml: resources advised from Prometheus (http://p:9090) over the last 7d
deployments:
  web:
    resources:
      requests:
        cpu: 400m
        memory: 900Mi
      limits:
        cpu: 1000m
        memory: 2250Mi
# deployments.idle: too thin (1200 of 1441 CPU points are 0m, over 70%)
# statefulSets.db: no data
`
	if b.String() != want {
		t.Errorf("fragment:\n%s\nwant:\n%s", b.String(), want)
	}
}
