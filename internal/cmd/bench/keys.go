package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/clusterconfig"
)

// keyCounts are the sizes of one map the readers are timed at.
var keyCounts = []int{1_000, 3_000, 10_000, 30_000, 100_000}

// maxPerKeyGrowth: time per key at the largest size over time per key at
// the smallest. Linear reading keeps it near 1; yaml.v3's pairwise
// duplicate check made it about 100 at 100k keys.
const maxPerKeyGrowth = 2.0

// reader is one way lain reads a user's YAML, timed on a file whose
// biggest map has n keys.
type reader struct {
	name  string
	write func(dir string, n int) error
	read  func(dir string) error
}

var readers = []reader{
	{"lain lint: values.yaml, n env keys", writeApp("env", func(i int) string { return fmt.Sprintf("  KEY_%d: v%d\n", i, i) }), lintValues},
	{"completion: n proc names", writeApp("deployments", func(i int) string { return fmt.Sprintf("  p%d: {}\n", i) }), procNames},
	{"cluster values: n pql_template keys", writeCluster, loadCluster},
}

func writeApp(mapKey string, line func(int) string) func(string, int) error {
	return func(dir string, n int) error {
		var b strings.Builder
		b.WriteString("appname: bench\n" + mapKey + ":\n")
		for i := 0; i < n; i++ {
			b.WriteString(line(i))
		}
		os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
		return os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte(b.String()), 0o644)
	}
}

func lintValues(dir string) error {
	a, err := app.Load(dir)
	if err != nil {
		return err
	}
	ps := appvalues.Check(appvalues.Input{Files: []appvalues.File{{Name: a.Values.Name, Root: a.Values.Root}}})
	if errs := appvalues.Errors(ps); len(errs) > 0 {
		return fmt.Errorf("%s", errs[0])
	}
	return nil
}

func procNames(dir string) error {
	if len(app.ProcNames(dir, "")) == 0 {
		return fmt.Errorf("no procs read")
	}
	return nil
}

func writeCluster(dir string, n int) error {
	var b strings.Builder
	b.WriteString("registry: r.example.com/team\npql_template:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  q%d: 'rate(x[1m])'\n", i)
	}
	return os.WriteFile(filepath.Join(dir, "values-bench.yaml"), []byte(b.String()), 0o644)
}

func loadCluster(dir string) error {
	_, err := clusterconfig.Source{FS: os.DirFS(dir), Dir: dir}.Load("bench")
	return err
}

// timeReaders prints, for each reader, a table of keys, time and time per
// key, and fails when time per key grows more than maxPerKeyGrowth.
func timeReaders(tmp string) (failed bool, err error) {
	for _, r := range readers {
		fmt.Printf("\n%s\n%10s %12s %12s\n", r.name, "keys", "time", "time/key")
		var first, last float64
		for _, n := range keyCounts {
			dir := filepath.Join(tmp, fmt.Sprintf("keys-%d", n))
			os.RemoveAll(dir)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return false, err
			}
			if err := r.write(dir, n); err != nil {
				return false, err
			}
			d, err := fastest(func() error { return r.read(dir) })
			if err != nil {
				return false, fmt.Errorf("%s at %d keys: %w", r.name, n, err)
			}
			perKey := float64(d) / float64(n)
			if first == 0 {
				first = perKey
			}
			last = perKey
			fmt.Printf("%10d %12s %10.0fns\n", n, d.Round(10*time.Microsecond), perKey)
		}
		verdict := "flat"
		if last > maxPerKeyGrowth*first {
			verdict, failed = "OVER BUDGET: reading is not linear", true
		}
		fmt.Printf("time/key at %d keys is %.2fx that at %d (budget %.0fx): %s\n", keyCounts[len(keyCounts)-1], last/first, keyCounts[0], maxPerKeyGrowth, verdict)
	}
	return failed, nil
}

// fastest runs f until it has taken half a second (at least 3 times) and
// returns its fastest run, in CPU time of this process: on a shared
// machine, wall time punishes long runs, which other processes interrupt
// more often than short ones. The garbage collector is off while f runs:
// it never starts on the small heaps of 1k keys, so it would add a cost to
// large files only that is not the reading's (it is linear too).
func fastest(f func() error) (time.Duration, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var best, total time.Duration
	for i := 0; i < 3 || total < 500*time.Millisecond; i++ {
		runtime.GC()
		start := cpuTime()
		if err := f(); err != nil {
			return 0, err
		}
		d := cpuTime() - start
		total += d
		if best == 0 || d < best {
			best = d
		}
	}
	return best, nil
}
