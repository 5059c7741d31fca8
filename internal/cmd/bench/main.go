// Command bench measures lain against the performance budget in
// DEVELOPERS.md, beside an empty Go program timed in the same run (these
// machines are noisy, so only ratios are judged), and times the readers of
// users' YAML from 1k to 100k keys in one map: time per key must stay flat.
// `make bench` runs it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

type probe struct {
	name   string
	args   []string
	budget float64 // max ratio to the empty program's median; 0 = none
	times  []time.Duration
	rssKiB []int64
}

func main() {
	lain := flag.String("lain", "bin/lain", "the lain binary to measure")
	runs := flag.Int("runs", 31, "runs of each start-up probe (the median is reported); 0 skips the start-up table")
	maxRSS := flag.Int64("max-rss-mib", 30, "peak RSS budget of `lain --help`, MiB")
	scale := flag.Bool("scale", false, "also measure the cluster commands on the lab's scale fixture (scripts/lab scale-fixture up)")
	scaleRuns := flag.Int("scale-runs", 5, "runs of each scale probe")
	scaleApp := flag.String("scale-app", "app0", "the fixture app the per-app probes use")
	deploy := flag.Bool("deploy", false, "also measure lain deploy against the helm upgrade it prints, on the lab (a namespace of its own)")
	scaleNS := flag.String("scale-ns", FixtureNS, "the namespace of that app")
	flag.Parse()
	var err error
	if *runs > 0 {
		err = run(*lain, *runs, *maxRSS)
	}
	if *scale {
		// Measured even when the start-up table failed: both are reported.
		if serr := runScale(*lain, *scaleRuns, *scaleApp, *scaleNS); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	if *deploy {
		if derr := runDeployBench(*lain, *scaleRuns); derr != nil {
			err = errors.Join(err, derr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(lain string, runs int, maxRSS int64) error {
	dir, err := os.MkdirTemp("", "lain-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	empty, err := buildEmpty(dir)
	if err != nil {
		return err
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	probes := []*probe{
		{name: "empty Go program", args: []string{empty}},
		{name: "lain --help", args: []string{lain, "--help"}, budget: 4},
		{name: `lain __complete use ""`, args: []string{lain, "__complete", "use", ""}, budget: 5},
	}
	// Interleave the probes so that machine noise hits them alike.
	for i := 0; i < runs; i++ {
		for _, p := range probes {
			d, rss, err := measure(p.args, home)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			p.times = append(p.times, d)
			p.rssKiB = append(p.rssKiB, rss)
		}
	}
	base := median(probes[0].times)
	failed := false
	fmt.Printf("%-26s %10s %7s %9s %s\n", "probe", "median", "ratio", "peak RSS", "budget")
	for _, p := range probes {
		m := median(p.times)
		ratio := float64(m) / float64(base)
		rss := medianInt(p.rssKiB)
		verdict := ""
		if p.budget > 0 {
			verdict = fmt.Sprintf("<= %.0fx", p.budget)
			if ratio > p.budget {
				verdict += "  OVER BUDGET"
				failed = true
			}
		}
		fmt.Printf("%-26s %10s %6.2fx %6.1f MiB %s\n", p.name, m.Round(10*time.Microsecond), ratio, float64(rss)/1024, verdict)
	}
	if help := medianInt(probes[1].rssKiB); help > maxRSS*1024 {
		fmt.Printf("lain --help peak RSS %.1f MiB is OVER the %d MiB budget\n", float64(help)/1024, maxRSS)
		failed = true
	}
	slow, err := timeReaders(dir)
	if err != nil {
		return err
	}
	if failed || slow {
		return fmt.Errorf("over the performance budget (see DEVELOPERS.md)")
	}
	fmt.Println("within budget")
	return nil
}

func buildEmpty(dir string) (string, error) {
	src := filepath.Join(dir, "empty")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module empty\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	out := filepath.Join(dir, "empty-bin")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the empty program: %v\n%s", err, b)
	}
	return out, nil
}

func measure(args []string, home string) (time.Duration, int64, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	return d, peakRSSKiB(cmd.ProcessState), nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianInt(xs []int64) int64 {
	s := append([]int64{}, xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
