package resadvice

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The original's thresholds (lain_cli/lint.py).
const (
	// CPULimitFloor: CPU limits under it are raised to it, in millicores.
	CPULimitFloor = 1000
	// CPURequestSlack: CPU requests further than this from the CPU top
	// (millicores) are advised to the top.
	CPURequestSlack = 300
	// MemoryForgiving: memory within top x/÷ this is close enough.
	MemoryForgiving = 1.13
	// PoorMemory: a proc using and requesting less memory than this is
	// left alone.
	PoorMemory = 256 << 20
	// MinMemoryTop: no container lives on less (the original's floor).
	MinMemoryTop = 4 << 20
	// ManyReplicas: above this many replicas, memory limits are kept
	// tighter (1.3 x top, 50Mi margin) than the usual 2.5 x top, 1Gi margin.
	ManyReplicas = 5
)

// Resources are a proc's requests and limits as its values write them ("" when unset).
type Resources struct{ RequestsCPU, RequestsMemory, LimitsCPU, LimitsMemory string }

// Usage is what a proc used over the range.
type Usage struct {
	CPUTop    int64 // millicores
	MemoryTop int64 // bytes
}

// Change is one piece of advice: what to write at Key instead of Current.
type Change struct {
	Key       string // requests.cpu, requests.memory, limits.cpu, limits.memory
	Current   string // as written; "" when unset
	Suggested string
	Why       string
}

// Rules compares a proc's resources with its usage, as the original did:
// CPU limits under 1000m; CPU requests more than 300m off the CPU top;
// memory requests outside the memory top x/÷ 1.13 (unless both are under
// 256Mi); memory limits against the memory top x 2.5 (x 1.3 with more than
// 5 replicas), unless within 1Gi (50Mi) of it or within x/÷ 1.13.
func Rules(res Resources, replicas int, u Usage) []Change {
	var out []Change
	if cpu, ok := CPUMillicores(res.LimitsCPU); ok && cpu < CPULimitFloor {
		out = append(out, Change{"limits.cpu", res.LimitsCPU, fmt.Sprintf("%dm", CPULimitFloor), fmt.Sprintf("under %dm", CPULimitFloor)})
	}
	top := u.CPUTop
	if cpu, ok := CPUMillicores(res.RequestsCPU); !ok || cpu < float64(top-CPURequestSlack) || cpu > float64(top+CPURequestSlack) {
		out = append(out, Change{"requests.cpu", res.RequestsCPU, fmt.Sprintf("%dm", top), fmt.Sprintf("more than %dm off the CPU top %dm", CPURequestSlack, top)})
	}
	mem := float64(u.MemoryTop)
	req, ok := MemoryBytes(res.RequestsMemory)
	poor := ok && mem < PoorMemory && req < PoorMemory
	if !poor && (!ok || mem*MemoryForgiving < req || mem/MemoryForgiving > req) {
		out = append(out, Change{"requests.memory", res.RequestsMemory, FormatMemory(mem), fmt.Sprintf("outside the memory top %s x/÷ %v", FormatMemory(mem), MemoryForgiving)})
	}
	factor, margin, marginText := 2.5, float64(1<<30), "1Gi"
	if replicas > ManyReplicas {
		factor, margin, marginText = 1.3, 50<<20, "50Mi"
	}
	want := mem * factor
	limit, ok := MemoryBytes(res.LimitsMemory)
	if !ok || math.Abs(want-limit) >= margin && (want*MemoryForgiving < limit || want/MemoryForgiving > limit) {
		out = append(out, Change{"limits.memory", res.LimitsMemory, FormatMemory(want),
			fmt.Sprintf("memory top %s x %v, more than %s and x/÷ %v away", FormatMemory(mem), factor, marginText, MemoryForgiving)})
	}
	return out
}

// FormatMemory writes bytes as the original did: whole Mi, rounded up.
func FormatMemory(b float64) string {
	return strconv.FormatFloat(math.Ceil(b/(1<<20)), 'f', -1, 64) + "Mi"
}

// CPUMillicores reads a CPU quantity (500m, 1, 0.5, 1.5) in millicores.
func CPUMillicores(q string) (float64, bool) {
	n, mult, ok := quantity(q)
	// scale the unit first: 700m is 700, not 0.7 * 1000 = 700.0000000000001
	return n * (mult * 1000), ok
}

// MemoryBytes reads a memory quantity (512Mi, 1Gi, 1G, 1000000) in bytes,
// as Kubernetes does.
func MemoryBytes(q string) (float64, bool) {
	n, mult, ok := quantity(q)
	return n * mult, ok
}

var suffixes = []struct {
	s string
	m float64
}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50}, {"Ei", 1 << 60},
	{"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}}

// quantity reads a Kubernetes quantity as a number and its unit's
// multiplier; ok is false for "" and anything else it cannot read.
func quantity(q string) (n, mult float64, ok bool) {
	q = strings.TrimSpace(q)
	mult = 1.0
	for _, s := range suffixes {
		if n, found := strings.CutSuffix(q, s.s); found {
			q, mult = n, s.m
			break
		}
	}
	n, err := strconv.ParseFloat(q, 64)
	if err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, 0, false
	}
	return n, mult, true
}
