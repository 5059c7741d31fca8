package rollout

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lain-cli/lain/internal/kube"
)

// Hook watch timing: a deploy whose hooks end quickly never pays a look.
const (
	HookPatience = 5 * time.Second
	HookEvery    = 3 * time.Second
)

// HookWatch follows the pods of a release's hook jobs while helm upgrade
// runs them. helm waits for a hook silently until its --timeout: a job
// whose pod cannot start (an image that cannot be pulled, a missing
// Secret key, no node with room) would cost the whole timeout before the
// user hears of it. After Patience, it looks every Every and prints each
// such pod once, as soon as it is seen.
type HookWatch struct {
	Client  *kube.Client
	Out     io.Writer
	Release string
	Jobs    []string      // the hook jobs' names
	Timeout time.Duration // helm's --timeout, for the notice

	Patience, Every time.Duration // default HookPatience, HookEvery

	mu   sync.Mutex
	seen *Failure
}

// Start watches until the returned stop is called (when helm returns);
// stop waits for the watch to end.
func (h *HookWatch) Start(ctx context.Context) (stop func()) {
	if len(h.Jobs) == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.run(ctx)
	}()
	return func() { cancel(); <-done }
}

// Failure is the last hook pod seen that cannot start (nil: none).
func (h *HookWatch) Failure() *Failure {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen
}

func (h *HookWatch) run(ctx context.Context) {
	patience, every := h.Patience, h.Every
	if patience == 0 {
		patience = HookPatience
	}
	if every == 0 {
		every = HookEvery
	}
	told := map[string]bool{} // pod + reason
	wait := patience
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = every
		pods, err := h.Client.ReadPods(ctx, h.selector(), every)
		if err != nil {
			continue // a look that fails says nothing; helm's own error will
		}
		for _, p := range pods {
			if p.Deleting {
				continue // the last deploy's hook, being replaced (before-hook-creation)
			}
			f := podFailure(p, h.Release)
			if f == nil || told[p.Name+" "+f.Reason] || ctx.Err() != nil {
				continue
			}
			told[p.Name+" "+f.Reason] = true
			h.mu.Lock()
			h.seen = f
			h.mu.Unlock()
			h.tell(p, f)
		}
	}
}

// selector matches the pods of the release's hook jobs (the Job controller
// labels its pods with job-name).
func (h *HookWatch) selector() string {
	jobs := append([]string(nil), h.Jobs...)
	sort.Strings(jobs)
	return Selector(h.Release) + ",job-name in (" + strings.Join(jobs, ",") + ")"
}

func (h *HookWatch) tell(p kube.Pod, f *Failure) {
	what := f.Reason
	if f.Message != "" {
		what += ": " + f.Message
	}
	fmt.Fprintf(h.Out, "lain: helm is waiting for hook job %s, whose pod %s cannot start: %s\n", p.Labels["job-name"], p.Name, what)
	fmt.Fprintf(h.Out, "  helm fails the deploy when its --timeout (%s) runs out; to look now: kubectl describe pod %s\n", h.Timeout, p.Name)
}
