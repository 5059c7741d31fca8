package resadvice

import (
	"math"
	"slices"
)

// MinCPUTop is the smallest CPU top, in millicores.
const MinCPUTop = 5

// ThinShare is the share of zero points above which the CPU data is too
// thin to advise from (a proc idle most of the range, or a gap in the data).
const ThinShare = 0.7

// CPUTop is the CPU top of a proc from its per-step CPU in millicores, as
// the original computed it: each value rounded up, then the 90th percentile
// (the last of Python's statistics.quantiles(n=10), "exclusive" method),
// truncated, at least 5m. thin is true when over 70 % of the values are
// zero; zeros is how many are.
func CPUTop(millicores []float64) (top int64, zeros int, thin bool) {
	vals := make([]float64, len(millicores))
	for i, v := range millicores {
		vals[i] = math.Ceil(v)
		if vals[i] == 0 {
			zeros++
		}
	}
	if len(vals) == 0 {
		return MinCPUTop, 0, false
	}
	thin = float64(zeros)/float64(len(vals)) > ThinShare
	top = MinCPUTop
	if len(vals) >= 2 {
		top = int64(ninetiethPercentile(vals))
	}
	return max(top, MinCPUTop), zeros, thin
}

// ninetiethPercentile is Python's statistics.quantiles(data, n=10)[-1]
// with the default exclusive method: the cut point at 9*(N+1)/10 in the
// sorted data, interpolated linearly (extrapolated at the ends).
func ninetiethPercentile(vals []float64) float64 {
	data := append([]float64(nil), vals...)
	slices.Sort(data)
	const n, i = 10, 9
	ld := len(data)
	m := ld + 1
	j := i * m / n
	j = min(max(j, 1), ld-1)
	delta := i*m - j*n
	return (data[j-1]*float64(n-delta) + data[j]*float64(delta)) / n
}
