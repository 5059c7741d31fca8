package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The scale table (`make bench SCALE=1`): lain's cluster commands against
// the kubectl commands that list the same thing, on the lab's scale fixture
// (scripts/lab scale-fixture up). Both sides run interleaved in one run, so
// the ratio is what is judged; absolute times are for reading growth.

// FixtureNS is the namespace of the fixture's apps (scripts/lab
// SCALE_NS_PREFIX-apps); -scale-ns picks another.
const FixtureNS = "lain-scale-apps"

type scaleRow struct {
	name        string
	lain        []string // lain args, run in the app dir
	kubectl     [][]string
	firstLine   bool          // time lain to its first stdout line
	anyExit     bool          // its exit code reports the cluster (admin status), not a failure
	maxRatio    float64       // 0: no ratio budget
	maxAbs      time.Duration // 0: no absolute budget
	answer      string        // count the runs whose stdout holds this (a completion that answered)
	lainT, kubT []time.Duration
	rssKiB      []int64
	answered    int
}

func runScale(lain string, runs int, app, ns string) error {
	lainAbs, err := filepath.Abs(lain)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "lain-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	home, appDir, err := scaleSetup(lainAbs, dir, app, ns)
	if err != nil {
		return err
	}
	pods, err := countPods(home, "-n", ns, "-l", "app.kubernetes.io/name="+app)
	if err != nil {
		return err
	}
	all, err := countPods(home, "-A")
	if err != nil {
		return err
	}
	sel := "app.kubernetes.io/name=" + app
	rows := []*scaleRow{
		{name: "lain status -s", lain: []string{"status", "-s"}, maxRatio: 1.5,
			kubectl: [][]string{{"get", "pods", "-l", sel}, {"get", "events"}}},
		{name: "lain wait (settled)", lain: []string{"wait"},
			kubectl: [][]string{{"get", "pods", "-l", sel}}},
		{name: "lain logs web, 1st line", lain: []string{"logs", "web", "--follow=false"}, firstLine: true,
			kubectl: [][]string{{"logs", "deployment/" + app + "-web", "--tail=1"}}},
		{name: `complete proc names`, lain: []string{"__complete", "logs", ""}, maxAbs: 300 * time.Millisecond,
			kubectl: [][]string{{"get", "deployments,statefulsets", "-l", sel, "-o", "name"}}},
		// 300 ms to ask the cluster, then nothing; lain's own start (the
		// row above, ~30-70 ms) and slack on top.
		{name: `complete pod names`, lain: []string{"__complete", "x", ""}, maxAbs: 450 * time.Millisecond, answer: "\tpod, ready ",
			kubectl: [][]string{{"get", "pods", "-l", sel, "-o", "name"}}},
		{name: "lain admin status -s", lain: []string{"admin", "status", "-s"}, anyExit: true,
			kubectl: [][]string{{"get", "pods", "-A"}, {"get", "events", "-A"}}},
	}
	for i := 0; i < runs; i++ {
		for _, r := range rows {
			d, rss, out, err := timeLain(lainAbs, appDir, home, r.lain, r.firstLine)
			if r.answer != "" && strings.Contains(out, r.answer) {
				r.answered++
			}
			var exit *exec.ExitError
			if r.anyExit && errors.As(err, &exit) {
				err = nil
			}
			if err != nil {
				return fmt.Errorf("lain %s: %w", strings.Join(r.lain, " "), err)
			}
			r.lainT, r.rssKiB = append(r.lainT, d), append(r.rssKiB, rss)
			var kt time.Duration
			for _, k := range r.kubectl {
				d, _, _, err := timeCmd(appDir, home, "kubectl", k)
				if err != nil {
					return fmt.Errorf("kubectl %s: %w", strings.Join(k, " "), err)
				}
				kt += d
			}
			r.kubT = append(r.kubT, kt)
		}
	}
	inNS, err := countPods(home, "-n", ns)
	if err != nil {
		return err
	}
	fmt.Printf("\nscale: app %s has %d pods in %s (%d in all there); %d pods in all namespaces; median of %d runs\n", app, pods, ns, inNS, all, runs)
	fmt.Printf("%-26s %9s %9s %7s %9s %s\n", "probe", "lain", "kubectl", "ratio", "peak RSS", "budget")
	failed := false
	for _, r := range rows {
		l, k := median(r.lainT), median(r.kubT)
		ratio := float64(l) / float64(k)
		verdict := ""
		if r.maxRatio > 0 {
			verdict = fmt.Sprintf("<= %.1fx", r.maxRatio)
			if ratio > r.maxRatio {
				verdict += "  OVER BUDGET"
				failed = true
			}
		}
		if r.maxAbs > 0 {
			verdict = fmt.Sprintf("<= %s", r.maxAbs)
			if l > r.maxAbs {
				verdict += "  OVER BUDGET"
				failed = true
			}
		}
		if r.answer != "" {
			verdict += fmt.Sprintf("  (answered in %d of %d runs, else nothing)", r.answered, len(r.lainT))
		}
		fmt.Printf("%-26s %9s %9s %6.2fx %5.1f MiB %s\n", r.name, l.Round(time.Millisecond), k.Round(time.Millisecond),
			ratio, float64(medianInt(r.rssKiB))/1024, verdict)
	}
	if failed {
		return fmt.Errorf("scale: over budget (see docs/performance.md; lain -v shows the calls lain makes and their times)")
	}
	return nil
}

// scaleSetup makes a user HOME whose kubeconfig points at the fixture's
// namespace (lain use lab) and an app dir for app (examples/hello renamed).
func scaleSetup(lain, dir, app, ns string) (home, appDir string, err error) {
	kc := os.Getenv("LAB_KUBECONFIG")
	if kc == "" {
		return "", "", fmt.Errorf(`LAB_KUBECONFIG is unset: run under eval "$(scripts/lab env)" with the scale fixture up (scripts/lab scale-fixture up)`)
	}
	if home, appDir, err = labApp(kc, dir, app, ns); err != nil {
		return "", "", err
	}
	for _, args := range [][]string{{"use", "lab"}, {"init", "--yes"}} {
		cmd := exec.Command(lain, args...)
		cmd.Dir, cmd.Env = appDir, scaleEnv(home)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("lain %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return home, appDir, nil
}

// labApp writes, under dir, a HOME whose copy of the lab's kubeconfig kc
// points at namespace ns, and an app dir for app (examples/hello's values
// renamed): what a user of one app on the lab has.
func labApp(kc, dir, app, ns string) (home, appDir string, err error) {
	data, err := os.ReadFile(kc)
	if err != nil {
		return "", "", err
	}
	cfg := strings.Replace(string(data), "\n    namespace: default\n", "\n    namespace: "+ns+"\n", 1)
	home = filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(home, ".kube", "kubeconfig-lab"), []byte(cfg), 0o600); err != nil {
		return "", "", err
	}
	appDir = filepath.Join(dir, app)
	if err := os.MkdirAll(filepath.Join(appDir, "chart"), 0o755); err != nil {
		return "", "", err
	}
	src, err := os.ReadFile("examples/hello/chart/values.yaml")
	if err != nil {
		return "", "", err
	}
	vals := strings.Replace(string(src), "appname: hello", "appname: "+app, 1)
	if err := os.WriteFile(filepath.Join(appDir, "chart", "values.yaml"), []byte(vals), 0o644); err != nil {
		return "", "", err
	}
	return home, appDir, nil
}

func scaleEnv(home string) []string {
	env := []string{"HOME=" + home, "KUBECONFIG=" + filepath.Join(home, ".kube", "kubeconfig-lab")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "KUBECONFIG=") {
			env = append(env, kv)
		}
	}
	return env
}

func countPods(home string, args ...string) (int, error) {
	cmd := exec.Command("kubectl", append([]string{"get", "pods", "--no-headers", "-o", "name"}, args...)...)
	cmd.Env = scaleEnv(home)
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("counting pods: %w", err)
	}
	return strings.Count(string(out), "\n"), nil
}

// timeCmd runs a command to its end: its time, peak RSS and output.
func timeCmd(dir, home, name string, args []string) (time.Duration, int64, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, scaleEnv(home)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, "", err
	}
	hwm := watchHWM(cmd.Process.Pid)
	err := cmd.Wait()
	d, peak := time.Since(start), hwm()
	if err != nil {
		return d, peak, out.String(), fmt.Errorf("%w\n%s", err, tail([]byte(out.String())))
	}
	return d, peak, out.String(), nil
}

// watchHWM samples the process's own peak RSS (VmHWM in /proc, Linux)
// until it exits: the rusage of a finished child is the largest of it and
// the tools it ran (kubectl), which hides lain's own. Elsewhere it is 0.
func watchHWM(pid int) func() int64 {
	var peak int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					var kib int64
					if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kib); err == nil && kib > peak {
						peak = kib
					}
				}
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() int64 { close(done); <-stopped; return peak }
}

// timeLain times lain to exit, or to its first stdout line (then stops it).
func timeLain(lain, dir, home string, args []string, firstLine bool) (time.Duration, int64, string, error) {
	if !firstLine {
		return timeCmd(dir, home, lain, args)
	}
	cmd := exec.Command(lain, args...)
	cmd.Dir, cmd.Env = dir, scaleEnv(home)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, "", err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, "", err
	}
	hwm := watchHWM(cmd.Process.Pid)
	sc := bufio.NewScanner(out)
	got := sc.Scan()
	d := time.Since(start)
	peak := hwm()
	cmd.Process.Kill()
	cmd.Wait()
	if !got {
		return 0, 0, "", fmt.Errorf("no line on stdout")
	}
	return d, peak, sc.Text(), nil
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
