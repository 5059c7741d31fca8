package resadvice

import (
	"reflect"
	"testing"
)

const mi = 1 << 20

// TestRules is the original's thresholds, each on both sides of its edge.
func TestRules(t *testing.T) {
	fine := Resources{RequestsCPU: "400m", RequestsMemory: "900Mi", LimitsCPU: "1000m", LimitsMemory: "2250Mi"}
	with := func(f func(*Resources)) Resources { r := fine; f(&r); return r }
	use := Usage{CPUTop: 400, MemoryTop: 900 * mi}
	cases := []struct {
		name     string
		res      Resources
		replicas int
		use      Usage
		want     map[string]string // key -> suggested
	}{
		{"all within", fine, 1, use, nil},
		{"cpu limits 999m", with(func(r *Resources) { r.LimitsCPU = "999m" }), 1, use, map[string]string{"limits.cpu": "1000m"}},
		{"cpu limits 0.5", with(func(r *Resources) { r.LimitsCPU = "0.5" }), 1, use, map[string]string{"limits.cpu": "1000m"}},
		{"cpu limits 1", with(func(r *Resources) { r.LimitsCPU = "1" }), 1, use, nil},
		{"cpu limits unset: no limit is not under 1000m", with(func(r *Resources) { r.LimitsCPU = "" }), 1, use, nil},
		{"cpu requests top+300 ok", with(func(r *Resources) { r.RequestsCPU = "700m" }), 1, use, nil},
		{"cpu requests top+301", with(func(r *Resources) { r.RequestsCPU = "701m" }), 1, use, map[string]string{"requests.cpu": "400m"}},
		{"cpu requests top-300 ok", with(func(r *Resources) { r.RequestsCPU = "100m" }), 1, use, nil},
		{"cpu requests top-301", with(func(r *Resources) { r.RequestsCPU = "99m" }), 1, use, map[string]string{"requests.cpu": "400m"}},
		{"cpu requests unset", with(func(r *Resources) { r.RequestsCPU = "" }), 1, use, map[string]string{"requests.cpu": "400m"}},
		// 900Mi x 1.13 = 1017Mi (1016.99...Mi in floating point, as in
		// the original's Python), 900Mi / 1.13 = 796.5Mi
		{"memory requests 1016Mi ok", with(func(r *Resources) { r.RequestsMemory = "1016Mi" }), 1, use, nil},
		{"memory requests 1017Mi: float math as the original", with(func(r *Resources) { r.RequestsMemory = "1017Mi" }), 1, use, map[string]string{"requests.memory": "900Mi"}},
		{"memory requests 1018Mi", with(func(r *Resources) { r.RequestsMemory = "1018Mi" }), 1, use, map[string]string{"requests.memory": "900Mi"}},
		{"memory requests 797Mi ok", with(func(r *Resources) { r.RequestsMemory = "797Mi" }), 1, use, nil},
		{"memory requests 796Mi", with(func(r *Resources) { r.RequestsMemory = "796Mi" }), 1, use, map[string]string{"requests.memory": "900Mi"}},
		{"poor: top and requests under 256Mi", Resources{RequestsCPU: "5m", RequestsMemory: "20Mi", LimitsCPU: "1", LimitsMemory: "400Mi"}, 1,
			Usage{CPUTop: 5, MemoryTop: 200 * mi}, nil},
		{"not poor: requests at 256Mi", Resources{RequestsCPU: "5m", RequestsMemory: "256Mi", LimitsCPU: "1", LimitsMemory: "500Mi"}, 1,
			Usage{CPUTop: 5, MemoryTop: 200 * mi}, map[string]string{"requests.memory": "200Mi"}},
		// limits: 900Mi x 2.5 = 2250Mi; within 1Gi -> nothing
		{"memory limits within 1Gi", with(func(r *Resources) { r.LimitsMemory = "1227Mi" }), 1, use, nil},
		{"memory limits 1Gi off but within 1.13", with(func(r *Resources) { r.LimitsMemory = "3274Mi" }), 5, Usage{CPUTop: 400, MemoryTop: 900 * mi}, map[string]string{"limits.memory": "2250Mi"}},
		{"memory limits far below", with(func(r *Resources) { r.LimitsMemory = "1Gi" }), 1, use, map[string]string{"limits.memory": "2250Mi"}},
		{"memory limits unset", with(func(r *Resources) { r.LimitsMemory = "" }), 1, use, map[string]string{"limits.memory": "2250Mi"}},
		// 6 replicas: 900Mi x 1.3 = 1170Mi, margin 50Mi
		{"6 replicas: 1170Mi+49Mi ok", with(func(r *Resources) { r.LimitsMemory = "1219Mi" }), 6, use, nil},
		{"6 replicas: 2250Mi too much", fine, 6, use, map[string]string{"limits.memory": "1170Mi"}},
		{"6 replicas: 1170Mi+60Mi within 1.13", with(func(r *Resources) { r.LimitsMemory = "1230Mi" }), 6, use, nil},
		{"6 replicas: 1170Mi+200Mi", with(func(r *Resources) { r.LimitsMemory = "1370Mi" }), 6, use, map[string]string{"limits.memory": "1170Mi"}},
		{"5 replicas keep 2.5", fine, 5, use, nil},
		{"decimal and plain quantities", Resources{RequestsCPU: "0.4", RequestsMemory: "943718400", LimitsCPU: "2", LimitsMemory: "2359296000"}, 1, use, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := map[string]string{}
			for _, ch := range Rules(c.res, c.replicas, c.use) {
				got[ch.Key] = ch.Suggested
			}
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Rules = %v, want %v", got, c.want)
			}
		})
	}
}

func TestFormatMemory(t *testing.T) {
	for in, want := range map[float64]string{900 * mi: "900Mi", 900*mi + 1: "901Mi", 2.5 * 900 * mi: "2250Mi", 4 * mi: "4Mi", 1.3 * 900 * mi: "1170Mi"} {
		if got := FormatMemory(in); got != want {
			t.Errorf("FormatMemory(%v) = %s, want %s", in, got, want)
		}
	}
}

// TestCPUTop checks against Python's int(statistics.quantiles(map(ceil, d), n=10)[-1]).
func TestCPUTop(t *testing.T) {
	seq := make([]float64, 1441)
	for i := range seq {
		seq[i] = float64(i + 1)
	}
	cases := []struct {
		name  string
		in    []float64
		top   int64
		zeros int
		thin  bool
	}{
		{"1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 9, 0, false},
		{"steady 400", repeat(400, 100), 400, 0, false},
		{"two points extrapolate", []float64{3, 7}, 9, 0, false},
		{"rounded up first", []float64{0.2, 1.5, 2.0, 9.9, 10.1}, 11, 0, false},
		{"1..1441", seq, 1297, 0, false},
		{"at least 5m", []float64{1, 1, 1, 2}, 5, 0, false},
		{"no points", nil, 5, 0, false},
		{"one point", []float64{800}, 5, 0, false},
		{"70% zeros is enough", append(repeat(0, 70), repeat(100, 30)...), 100, 70, false},
		{"71% zeros is thin", append(repeat(0, 71), repeat(100, 29)...), 100, 71, true},
		{"tiny values round up to 1, not zero", repeat(0.001, 10), 5, 0, false},
	}
	for _, c := range cases {
		top, zeros, thin := CPUTop(c.in)
		if top != c.top || zeros != c.zeros || thin != c.thin {
			t.Errorf("%s: CPUTop = %d, %d, %v; want %d, %d, %v", c.name, top, zeros, thin, c.top, c.zeros, c.thin)
		}
	}
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
