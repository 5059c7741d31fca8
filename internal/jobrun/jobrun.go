// Package jobrun follows a Kubernetes Job that lain created (lain job,
// lain create-job): its log until it ends and its exit code, or a command
// run interactively in its pod.
package jobrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/kube"
)

// Run is one Job lain created.
type Run struct {
	Kube    *kube.Client
	App     string // the app's name (its main container)
	Name    string // the Job's
	ErrOut  io.Writer
	In      io.Reader // the user's terminal, for Interactive
	Timeout time.Duration
	// Poll is the time between looks at the Job (0: a second).
	Poll time.Duration
	// AskError explains a query the cluster did not answer.
	AskError func(error) error
}

func (j Run) say(format string, args ...any) {
	fmt.Fprintf(j.ErrOut, format+"\n", args...)
}

// PrintFollowUp says how to follow the Job without lain.
func (j Run) PrintFollowUp() {
	j.say("job %s created; follow it with:\n  kubectl logs -f job/%s\n  kubectl get job %s   # COMPLETIONS 1/1 when done\n  kubectl delete job %s", j.Name, j.Name, j.Name, j.Name)
}

// Follow streams the Job's log until it ends and returns its exit code.
func (j Run) Follow(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	st, err := j.Kube.WatchJob(wctx, j.Name, kube.Watch{App: j.App, Say: j.ErrOut, Poll: j.Poll})
	switch {
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("job %s did not finish within %s; it goes on in the cluster", j.Name, j.Timeout), "kubectl logs -f job/"+j.Name)
	case err != nil:
		if clierr.Interrupted(err) {
			return err
		}
		return j.AskError(err)
	}
	code := st.ExitCode(j.App)
	switch {
	case st.Failed && st.Reason != "":
		j.say("job %s failed: %s: %s (exit %d)", j.Name, st.Reason, st.Message, code)
	case code != 0:
		j.say("job %s failed: the command exited with %d", j.Name, code)
	default:
		j.say("job %s succeeded", j.Name)
	}
	return clierr.PassExitCode(code)
}

// Interactive waits for the idle Job's pod, runs command in it on the
// user's terminal, then deletes the Job.
func (j Run) Interactive(ctx context.Context, command []string) error {
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var pod kube.Pod
	for pod.Name == "" {
		st, err := j.Kube.Job(wctx, j.Name)
		if err != nil {
			return j.AskError(err)
		}
		for _, p := range st.Pods {
			if p.Phase == "Running" {
				pod = p
			}
		}
		if st.Done {
			return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("job %s ended before its container could be used", j.Name), "kubectl describe job "+j.Name)
		}
		if pod.Name == "" {
			select {
			case <-wctx.Done():
				return clierr.Of(clierr.ReleaseFailed, fmt.Sprintf("the pod of job %s did not start within 5 minutes", j.Name), "kubectl describe job "+j.Name)
			case <-time.After(pollOr(j.Poll)):
			}
		}
	}
	code, err := j.Kube.Exec(ctx, kube.ExecOptions{Pod: pod.Name, Container: pod.MainContainer(j.App), Command: command, TTY: true, Stdin: j.In})
	if derr := j.Kube.DeleteJob(context.WithoutCancel(ctx), j.Name); derr != nil {
		j.say("warning: could not delete job %s: %v", j.Name, derr)
	}
	if err != nil {
		return err
	}
	return clierr.PassExitCode(code)
}

func pollOr(d time.Duration) time.Duration {
	if d == 0 {
		return time.Second
	}
	return d
}
