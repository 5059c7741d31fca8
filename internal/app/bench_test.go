package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadValuesFile: ns/key stays flat from 1k to 100k keys in one
// map (issue 14: yaml.v3's Decode made it quadratic, 30 s at 40k keys).
func BenchmarkReadValuesFile(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		var sb strings.Builder
		sb.WriteString("appname: bench\nenv:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&sb, "  KEY_%d: v%d\n", i, i)
		}
		p := filepath.Join(b.TempDir(), "values.yaml")
		os.WriteFile(p, []byte(sb.String()), 0o644)
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := ReadValuesFile(p, "values.yaml"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}
