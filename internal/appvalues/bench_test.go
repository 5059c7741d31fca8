package appvalues

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/yamldoc"
)

// BenchmarkCheck: ns/key stays flat, for keys lint knows (env) and keys it
// does not (each gets a did-you-mean search).
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct {
		name string
		line func(int) string
	}{
		{"env", func(i int) string { return fmt.Sprintf("env:\n  K%d: v\n", i) }},
		{"unknown", func(i int) string { return fmt.Sprintf("unknown_%d: x\n", i) }},
	} {
		for _, n := range []int{1_000, 10_000} {
			var sb strings.Builder
			sb.WriteString("appname: shop\n")
			if c.name == "env" {
				sb.WriteString("env:\n")
				for i := 0; i < n; i++ {
					fmt.Fprintf(&sb, "  K%d: v\n", i)
				}
			} else {
				for i := 0; i < n; i++ {
					sb.WriteString(c.line(i))
				}
			}
			d, err := yamldoc.Parse("values.yaml", []byte(sb.String()))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/keys=%d", c.name, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					Check(Input{Files: []File{{Name: "values.yaml", Root: d.Root}}})
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
			})
		}
	}
}
