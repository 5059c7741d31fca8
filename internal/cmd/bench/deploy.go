package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The deploy table (`make bench DEPLOY=1`, issue 18 point 1): a no-op
// `lain deploy` (lint on) against the bare `helm upgrade --install` it
// prints, and a changed `lain deploy --wait` against helm upgrade plus
// `kubectl rollout status`, interleaved in one run on the lab, in a
// namespace of its own that is deleted afterwards.

const (
	deployApp        = "lain-bench"
	deployMaxRatio   = 1.3                    // no-op deploy / bare helm upgrade
	deployMaxOverown = 500 * time.Millisecond // lain's own time over a rollout
)

func runDeployBench(lain string, runs int) error {
	lainAbs, err := filepath.Abs(lain)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "lain-bench-deploy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ns := fmt.Sprintf("lain-bench-deploy-%d", os.Getpid())
	home, appDir, err := deploySetup(lainAbs, dir, ns)
	defer exec.Command("kubectl", "--kubeconfig", os.Getenv("LAB_KUBECONFIG"), "delete", "namespace", ns, "--wait=false").Run()
	if err != nil {
		return err
	}
	upgrade, err := printedUpgrade(lainAbs, appDir, home, dir)
	if err != nil {
		return err
	}
	var lainNoop, helmNoop, lainWait, helmWait []time.Duration
	var rssNoop, rssWait []int64
	for i := 0; i < runs; i++ {
		d, rss, _, err := timeCmd(appDir, home, lainAbs, []string{"deploy"})
		if err != nil {
			return fmt.Errorf("lain deploy: %w", err)
		}
		lainNoop, rssNoop = append(lainNoop, d), append(rssNoop, rss)
		if d, _, _, err = timeCmd(appDir, home, "helm", upgrade); err != nil {
			return fmt.Errorf("helm %s: %w", strings.Join(upgrade, " "), err)
		}
		helmNoop = append(helmNoop, d)
		// A changed deploy: a new env value rolls the pods.
		set := fmt.Sprintf("deployments.web.env.BENCH_RUN=l%d", i)
		if d, rss, _, err = timeCmd(appDir, home, lainAbs, []string{"deploy", "--wait", "--set", set}); err != nil {
			return fmt.Errorf("lain deploy --wait: %w", err)
		}
		lainWait, rssWait = append(lainWait, d), append(rssWait, rss)
		set = fmt.Sprintf("deployments.web.env.BENCH_RUN=h%d", i)
		start := time.Now()
		if _, _, _, err = timeCmd(appDir, home, "helm", append(append([]string{}, upgrade...), "--set", set)); err == nil {
			_, _, _, err = timeCmd(appDir, home, "kubectl", []string{"rollout", "status", "deployment/" + deployApp + "-web", "--timeout=300s"})
		}
		if err != nil {
			return fmt.Errorf("helm upgrade + rollout status: %w", err)
		}
		helmWait = append(helmWait, time.Since(start))
	}
	ln, hn, lw, hw := median(lainNoop), median(helmNoop), median(lainWait), median(helmWait)
	ratio, own := float64(ln)/float64(hn), lw-hw
	fmt.Printf("\ndeploy: app %s in namespace %s; median of %d runs\n", deployApp, ns, runs)
	fmt.Printf("%-30s %9s %9s %9s %9s %s\n", "probe", "lain", "helm", "judged", "peak RSS", "budget")
	failed := false
	verdict := fmt.Sprintf("<= %.1fx", deployMaxRatio)
	if ratio > deployMaxRatio {
		verdict += "  OVER BUDGET"
		failed = true
	}
	fmt.Printf("%-30s %9s %9s %8.2fx %5.1f MiB %s\n", "lain deploy (no-op)", ln.Round(time.Millisecond), hn.Round(time.Millisecond),
		ratio, float64(medianInt(rssNoop))/1024, verdict)
	verdict = fmt.Sprintf("<= +%s", deployMaxOverown)
	if own > deployMaxOverown {
		verdict += "  OVER BUDGET"
		failed = true
	}
	fmt.Printf("%-30s %9s %9s %+8.2fs %5.1f MiB %s\n", "lain deploy --wait (changed)", lw.Round(time.Millisecond), hw.Round(time.Millisecond),
		own.Seconds(), float64(medianInt(rssWait))/1024, verdict)
	fmt.Println("helm: the helm upgrade --install lain prints; with --wait, then kubectl rollout status")
	if failed {
		return fmt.Errorf("deploy: over budget (lain -v deploy shows each call lain makes and its time)")
	}
	return nil
}

// deploySetup makes the namespace, a HOME whose kubeconfig points at it,
// and an app (examples/hello renamed) built, pushed and deployed once.
func deploySetup(lain, dir, ns string) (home, appDir string, err error) {
	kc := os.Getenv("LAB_KUBECONFIG")
	if kc == "" {
		return "", "", fmt.Errorf(`LAB_KUBECONFIG is unset: run under eval "$(scripts/lab env)" with the lab up`)
	}
	if out, err := exec.Command("kubectl", "--kubeconfig", kc, "create", "namespace", ns).CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("kubectl create namespace %s: %v\n%s", ns, err, out)
	}
	if home, appDir, err = labApp(kc, dir, deployApp, ns); err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(filepath.Join(appDir, "www"), 0o755); err != nil {
		return "", "", err
	}
	for _, args := range [][]string{{"use", "lab"}, {"init", "--yes"}, {"build", "--push"}, {"deploy", "--wait"}} {
		if _, _, _, err := timeCmd(appDir, home, lain, args); err != nil {
			return "", "", fmt.Errorf("lain %s: %w", strings.Join(args, " "), err)
		}
	}
	return home, appDir, nil
}

// printedUpgrade is the helm upgrade --install line lain deploy prints,
// with a lasting copy of the cluster values file (lain's is removed when
// it exits).
func printedUpgrade(lain, appDir, home, dir string) ([]string, error) {
	cmd := exec.Command(lain, "deploy")
	cmd.Dir, cmd.Env = appDir, scaleEnv(home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("lain deploy: %v\n%s", err, tail(out))
	}
	for _, line := range strings.Split(string(out), "\n") {
		rest, ok := strings.CutPrefix(line, "$ helm upgrade ")
		if !ok {
			continue
		}
		args := []string{"upgrade"}
		for _, f := range strings.Fields(rest) {
			f = strings.Trim(f, "'")
			if strings.Contains(f, "lain-cluster-lab-") {
				cv := filepath.Join(dir, "cluster-values.yaml")
				if err := os.WriteFile(cv, clusterValues(), 0o600); err != nil {
					return nil, err
				}
				f = cv
			}
			args = append(args, f)
		}
		return args, nil
	}
	return nil, fmt.Errorf("lain deploy printed no helm upgrade line:\n%s", tail(out))
}

func clusterValues() []byte {
	b, _ := os.ReadFile(filepath.Join(os.Getenv("CLUSTER_VALUES_DIR"), "values-lab.yaml"))
	return b
}
