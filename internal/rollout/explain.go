package rollout

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/internal/runner"
)

// LogLines is how many of a failed pod's last log lines are printed.
const LogLines = 20

// Explain prints what went wrong with a pod (its recent events and last
// log lines) and returns the error to stop with.
func Explain(ctx context.Context, r runner.Runner, w io.Writer, f Failure) *clierr.Error {
	fmt.Fprintf(w, "\npod %s (proc %s) cannot start: %s", f.Pod, f.Proc, f.Reason)
	if f.Message != "" {
		fmt.Fprintf(w, ": %s", f.Message)
	}
	fmt.Fprintln(w)
	if ev := Events(ctx, r, f.Pod, 10); len(ev) > 0 {
		fmt.Fprintf(w, "recent events of %s:\n", f.Pod)
		for _, e := range ev {
			fmt.Fprintln(w, "  "+e)
		}
	}
	if logs := Logs(ctx, r, f.Pod, f.Container, f.Crashed, LogLines); logs != "" {
		fmt.Fprintf(w, "last log lines of %s:\n", f.Pod)
		for _, l := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
			fmt.Fprintln(w, "  "+l)
		}
	}
	return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("deploy failed: pod %s is in %s", f.Pod, f.Reason), nextFor(f))
}

func nextFor(f Failure) string {
	switch f.Reason {
	case "ImagePullBackOff", "ErrImagePull", "InvalidImageName":
		return "lain version   # lists the images in the registry; lain build --push, then: lain deploy (or lain rollback)"
	case "CreateContainerConfigError":
		return "lain env show   # a Secret or key the pod needs is missing; or: lain rollback"
	case "Unschedulable":
		return "kubectl describe pod " + f.Pod + "   # lower resources.requests, or: lain rollback"
	case "OOMKilled":
		return "raise resources.limits.memory of " + f.Proc + ", then lain deploy; or: lain rollback"
	}
	return "lain logs " + f.Proc + "   # then fix and deploy again, or: lain rollback"
}

// Events are the last n events of a pod, oldest first, as
// "<type> <reason>: <message>" lines (internal/kube reads them).
func Events(ctx context.Context, r runner.Runner, pod string, n int) []string {
	evs, err := kube.New(r).Events(ctx, "Pod", []string{pod}, n)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range evs[pod] {
		s := fmt.Sprintf("%s %s: %s", e.Type, e.Reason, e.Message)
		if e.Count > 1 {
			s += fmt.Sprintf(" (x%d)", e.Count)
		}
		out = append(out, s)
	}
	return out
}

// Logs are a container's last n log lines (of its previous run when it
// crashed, falling back to the current one); "" when there are none.
func Logs(ctx context.Context, r runner.Runner, pod, container string, previous bool, n int) string {
	c := kube.New(r)
	if previous {
		if lines, err := c.LastLogLines(ctx, pod, container, n, true); err == nil && len(lines) > 0 {
			return strings.Join(lines, "\n")
		}
	}
	lines, err := c.LastLogLines(ctx, pod, container, n, false)
	if err != nil {
		return ""
	}
	return strings.Join(lines, "\n")
}
