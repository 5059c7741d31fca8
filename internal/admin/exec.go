package admin

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/lain-cli/lain/internal/runner"
)

// ExecTarget is the pod a command runs in for one Deployment.
type ExecTarget struct {
	Deployment, Namespace, Pod string
}

// OnePodPerDeployment picks, for each Deployment, its first running pod
// that is not unhealthy (pods are read sorted by name).
func OnePodPerDeployment(pods []Pod) []ExecTarget {
	seen := map[string]bool{}
	var out []ExecTarget
	for _, p := range pods {
		if p.OwnerKind != "ReplicaSet" || p.Phase != "Running" || p.Reason != "" {
			continue
		}
		deploy := p.OwnerName
		if i := strings.LastIndex(deploy, "-"); i > 0 {
			deploy = deploy[:i] // <deployment>-<pod-template-hash>
		}
		key := p.Namespace + "/" + deploy
		if !seen[key] {
			seen[key] = true
			out = append(out, ExecTarget{Deployment: deploy, Namespace: p.Namespace, Pod: p.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Deployment < out[j].Deployment })
	return out
}

// ExecResult is how the command ended in one pod.
type ExecResult struct {
	ExecTarget
	Stdout, Stderr string
	Err            error
	DryRun         bool // only printed (--dry-run)
}

// MaxParallelExec bounds how many pods run the command at once.
const MaxParallelExec = 4

// ExecAll runs command in each target (kubectl exec, printed; under
// --dry-run only printed), at most MaxParallelExec at once, and returns
// the results in the targets' order.
func ExecAll(ctx context.Context, r runner.Runner, targets []ExecTarget, command []string) []ExecResult {
	out := make([]ExecResult, len(targets))
	sem := make(chan struct{}, MaxParallelExec)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := append([]string{"exec", t.Pod, "-n", t.Namespace, "--"}, command...)
			res, err := r.Run(ctx, runner.Cmd{Name: "kubectl", Args: args, Capture: true, Mutates: true})
			out[i] = ExecResult{ExecTarget: t, Stdout: string(res.Stdout), Stderr: string(res.Stderr), Err: err, DryRun: res.DryRun}
		}()
	}
	wg.Wait()
	return out
}
