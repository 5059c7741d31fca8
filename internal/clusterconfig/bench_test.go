package clusterconfig

import (
	"fmt"
	"strings"
	"testing"
)

func clusterFileWithKeys(n int) []byte {
	var b strings.Builder
	b.WriteString("registry: r.example.com/team\npql_template:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  q%d: 'rate(x[1m])'\n", i)
	}
	return []byte(b.String())
}

// BenchmarkParse: ns/op divided by keys stays flat (issue 14: yaml.v3's
// Decode made it quadratic).
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		raw := clusterFileWithKeys(n)
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := parse("b", "values-b.yaml", raw); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}
