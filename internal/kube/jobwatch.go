package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lain-cli/lain/internal/runner"
)

// Watch is how WatchJob follows a Job.
type Watch struct {
	App string
	// Say receives what happens to the Job (pod started, finished), for
	// stderr.
	Say io.Writer
	// Poll is the time between two looks at the Job (default 1s).
	Poll time.Duration
	// Grace is how long the log stream may go on after the Job finished
	// before it is cut (default 3s; some kubelets never close it).
	Grace time.Duration
	// Sleep waits between polls (time.Sleep-like, honouring ctx); tests
	// make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

// WatchJob waits for the Job name to finish while its pod's log streams to
// the runner's output, then returns the Job's final state. ctx bounds the
// wait (the caller sets the timeout).
func (c *Client) WatchJob(ctx context.Context, name string, w Watch) (*JobState, error) {
	if w.Poll == 0 {
		w.Poll = time.Second
	}
	if w.Grace == 0 {
		w.Grace = 3 * time.Second
	}
	if w.Sleep == nil {
		w.Sleep = sleepCtx
	}
	logCtx, cancelLogs := context.WithCancel(ctx)
	defer cancelLogs()
	var (
		streamed   = map[string]bool{}
		streamDone chan struct{}
		lastStatus = map[string]string{}
	)
	for {
		st, err := c.Job(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, p := range st.Pods {
			if s := p.Status(); lastStatus[p.Name] != s {
				lastStatus[p.Name] = s
				fmt.Fprintf(w.Say, "job %s: pod %s %s\n", name, p.Name, s)
			}
			if streamed[p.Name] || p.Phase == "Pending" {
				continue
			}
			streamed[p.Name] = true
			finished := p.Phase == "Succeeded" || p.Phase == "Failed"
			container := p.MainContainer(w.App)
			if finished {
				// Nothing more will come: print what there is and move on.
				c.streamLogs(ctx, p.Name, container, false)
				continue
			}
			done := make(chan struct{})
			streamDone = done
			go func(pod string) {
				defer close(done)
				c.streamLogs(logCtx, pod, container, true)
			}(p.Name)
		}
		if st.Done {
			if streamDone != nil {
				select {
				case <-streamDone:
				case <-time.After(w.Grace):
					cancelLogs()
					<-streamDone
				}
			}
			return st, nil
		}
		if err := w.Sleep(ctx, w.Poll); err != nil {
			return st, err
		}
	}
}

// streamLogs prints a container's log to the runner's output (the user's
// stdout), following it when follow is set.
func (c *Client) streamLogs(ctx context.Context, pod, container string, follow bool) {
	args := []string{"logs", pod, "-c", container}
	if follow {
		args = append(args, "-f")
	}
	_, err := c.Runner.Run(ctx, runner.Cmd{Name: "kubectl", Args: args})
	_ = err // the log is a courtesy: the Job's state decides the outcome
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// IsTimeout reports whether err is the watch running out of time.
func IsTimeout(err error) bool { return errors.Is(err, context.DeadlineExceeded) }
