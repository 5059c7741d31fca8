package kube

import (
	"strconv"
	"strings"
)

// memoryBytes reads a memory quantity (512Mi, 1Gi, 1G, 1000000): how
// Kubernetes writes them. ok is false for anything else.
func memoryBytes(q string) (v float64, ok bool) {
	q = strings.TrimSpace(q)
	mult := 1.0
	for _, s := range []struct {
		suffix string
		mult   float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50}, {"Ei", 1 << 60},
		{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}} {
		if n, found := strings.CutSuffix(q, s.suffix); found {
			q, mult = n, s.mult
			break
		}
	}
	n, err := strconv.ParseFloat(q, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n * mult, true
}

// ValidMemory reports whether q is a memory quantity lain understands.
func ValidMemory(q string) bool {
	_, ok := memoryBytes(q)
	return ok
}
