package resadvice

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/lain-cli/lain/internal/app"
)

// Timeout caps all of the advice's questions to Prometheus together: a slow
// or unreachable server must not hold lint up.
const Timeout = 10 * time.Second

// Proc is one long-running proc (deployments, statefulSets) and what its
// values ask for.
type Proc struct {
	Name, Kind string
	Replicas   int
	Resources  Resources
}

// Status says whether a proc had data to advise from.
type Status int

const (
	// Measured: there is advice (maybe none needed).
	Measured Status = iota
	// NoData: Prometheus has no memory figure for the proc.
	NoData
	// Thin: over 70 % of the CPU points are zero.
	Thin
)

// Result is the advice for one proc.
type Result struct {
	Proc    Proc
	Status  Status
	Usage   Usage
	Points  int // CPU points
	Zeros   int // of which zero
	Changes []Change
}

// Advisor asks one Prometheus about an app's procs.
type Advisor struct {
	Client    *Client
	Templates Templates
	Range     string // prometheus_query_range, e.g. 7d
	Now       func() time.Time
	Timeout   time.Duration // 0: the package's Timeout
}

// Advise measures each proc and applies the rules. It stops at the first
// error: a Prometheus that fails for one proc fails for all.
func (a *Advisor) Advise(ctx context.Context, appname string, procs []Proc) ([]Result, error) {
	rng, err := ParseRange(a.Range)
	if err != nil {
		return nil, err
	}
	limit := a.Timeout
	if limit == 0 {
		limit = Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	end := a.Now()
	var out []Result
	for _, p := range procs {
		vars := map[string]string{"appname": appname, "proc_name": p.Name, "range": a.Range}
		r := Result{Proc: p}
		mem, err := a.memoryTop(ctx, vars, end)
		if err != nil {
			return nil, err
		}
		if mem == 0 {
			r.Status = NoData
			out = append(out, r)
			continue
		}
		cpu, err := a.cpuPoints(ctx, vars, end.Add(-rng), end, Step(rng))
		if err != nil {
			return nil, err
		}
		top, zeros, thin := CPUTop(cpu)
		r.Usage = Usage{CPUTop: top, MemoryTop: max(mem, MinMemoryTop)}
		r.Points, r.Zeros = len(cpu), zeros
		if thin {
			r.Status = Thin
		} else {
			r.Changes = Rules(p.Resources, p.Replicas, r.Usage)
		}
		out = append(out, r)
	}
	return out, nil
}

// memoryTop is the memory_quantile query's value in bytes (truncated, as
// the original did); 0 when there is none.
func (a *Advisor) memoryTop(ctx context.Context, vars map[string]string, at time.Time) (int64, error) {
	q, err := Expand("pql_template.memory_quantile", a.Templates.MemoryQuantile, vars)
	if err != nil {
		return 0, err
	}
	res, err := a.Client.Query(ctx, q, at)
	if err != nil || len(res) == 0 || len(res[0].Points) == 0 {
		return 0, err
	}
	v := res[0].Points[0].V
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, nil // a broken figure is no figure
	}
	return int64(v), nil
}

// cpuPoints are the cpu query's values (millicores) of its first series.
func (a *Advisor) cpuPoints(ctx context.Context, vars map[string]string, start, end time.Time, step time.Duration) ([]float64, error) {
	q, err := Expand("pql_template.cpu", a.Templates.CPU, vars)
	if err != nil {
		return nil, err
	}
	res, err := a.Client.QueryRange(ctx, q, start, end, step)
	if err != nil || len(res) == 0 {
		return nil, err
	}
	vals := make([]float64, 0, len(res[0].Points))
	for _, p := range res[0].Points {
		// NaN and Inf (a counter reset mid-window, a division by zero in
		// a team's template) say nothing about usage: left out
		if !math.IsNaN(p.V) && !math.IsInf(p.V, 0) {
			vals = append(vals, max(p.V, 0))
		}
	}
	return vals, nil
}

// ProcsFrom lists the long-running procs of merged values (deployments,
// then statefulSets, by name) with their replicas and resources. Jobs and
// cronjobs are left out: they run now and then, so their usage is mostly
// zero and says little about what a run needs.
func ProcsFrom(merged map[string]any) []Proc {
	var out []Proc
	for _, p := range app.Procs(merged) {
		if p.Kind != "deployments" && p.Kind != "statefulSets" {
			continue
		}
		kind, _ := merged[p.Kind].(map[string]any)
		v, _ := kind[p.Name].(map[string]any)
		res, _ := v["resources"].(map[string]any)
		req, _ := res["requests"].(map[string]any)
		lim, _ := res["limits"].(map[string]any)
		out = append(out, Proc{Name: p.Name, Kind: p.Kind, Replicas: replicas(v["replicaCount"]), Resources: Resources{
			RequestsCPU: scalar(req["cpu"]), RequestsMemory: scalar(req["memory"]),
			LimitsCPU: scalar(lim["cpu"]), LimitsMemory: scalar(lim["memory"]),
		}})
	}
	return out
}

func replicas(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 1
}

func scalar(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	case float64:
		return strconv.FormatFloat(s, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
