package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/kube"
	"github.com/lain-cli/lain/prompts"
)

// XOptions are the inputs of `lain x`.
type XOptions struct {
	cmdutil.AppOnCluster
	Prompter prompts.Prompter
	Now      func() time.Time

	// Args are the words before --: [PROC] [COMMAND...] (a first word that
	// is not a proc or pod of the app starts the command).
	Args []string
	// Command is what follows --.
	Command []string
	// TTY: stdin and stdout are terminals, so the command gets one (-it).
	TTY bool
}

// NewCmdX builds `lain x`.
func NewCmdX(f *cmdutil.Factory) *cobra.Command {
	o := &XOptions{}
	cmd := &cobra.Command{
		Use:   "x [PROC] [-- COMMAND...]",
		Short: "Run a command (a shell by default) in a running pod of a proc",
		Long: `Run COMMAND in a running pod of PROC with kubectl exec, and exit with its exit
code. Without COMMAND: a shell (bash when the container has it, else sh).
When several pods run, pick one on a terminal; otherwise the first ready one
is used. Without PROC: any pod of the app's deployments and statefulsets.
On a terminal the command gets it (kubectl exec -it).`,
		Example: `  lain x                           # a shell in a pod of the app
  lain x web                       # a shell in a web pod
  lain x web -- ls -la /lain/app   # one command; its exit code is lain's
  lain x -- python manage.py shell`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: f.FirstProcOrPodCompletion(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Prompter, o.Now = f.Prompter, f.Now
			o.Args, o.Command = cmdutil.SplitAtDash(cmd, args)
			o.TTY = f.IO.CanPrompt() && f.IO.IsStdoutTTY()
			return runX(cmd.Context(), o)
		},
	}
	return cmd
}

// splitAtDash separates the arguments before and after --.
func splitAtDash(cmd *cobra.Command, args []string) (before, after []string) {
	if d := cmd.ArgsLenAtDash(); d >= 0 {
		return args[:d], args[d:]
	}
	return args, nil
}

func runX(ctx context.Context, o *XOptions) error {
	ra, st, err := o.LoadDeployed(ctx)
	if err != nil {
		return err
	}
	target, command := "", append([]string{}, o.Command...)
	if len(o.Args) > 0 {
		if _, ok := ra.InstanceName(st, o.Args[0]); ok || hasPod(st, o.Args[0]) {
			target, command = o.Args[0], append(append([]string{}, o.Args[1:]...), command...)
		} else {
			fmt.Fprintf(o.IO.ErrOut, "%s is not a proc of %s (%s): running it as the command\n", o.Args[0], ra.App.Name, ra.ProcList(st, "Deployment", "StatefulSet"))
			command = append(append([]string{}, o.Args...), command...)
		}
	}
	pod, err := pickPod(ra, st, target, o)
	if err != nil {
		return err
	}
	container := pod.MainContainer(ra.App.Name)
	if len(command) == 0 {
		command = []string{"sh"}
		if ra.Kube.HasBash(ctx, pod.Name, container) {
			command = []string{"bash"}
		}
	}
	code, err := ra.Kube.Exec(ctx, kube.ExecOptions{Pod: pod.Name, Container: container, Command: command, TTY: o.TTY, Stdin: o.IO.In})
	if err != nil {
		if clierr.Interrupted(err) {
			return err
		}
		return ra.AskError(err)
	}
	return clierr.PassExitCode(code)
}

func hasPod(st *kube.App, name string) bool {
	for _, p := range st.Pods() {
		if p.Name == name {
			return true
		}
	}
	return false
}

// pickPod chooses the pod to run in: the one named, or a running pod of
// the proc (of any deployment or statefulset without one), asking on a
// terminal when there are several.
func pickPod(ra *cmdutil.RunningApp, st *kube.App, target string, o *XOptions) (kube.Pod, error) {
	var candidates []kube.Pod
	what := ra.App.Name
	instance, isProc := ra.InstanceName(st, target)
	for _, w := range st.Workloads {
		for _, p := range w.Pods {
			switch {
			case target == "":
				if w.Kind != "Deployment" && w.Kind != "StatefulSet" {
					continue
				}
			case isProc:
				what = "proc " + target
				if w.Name != instance {
					continue
				}
			default:
				what = "pod " + target
				if p.Name != target {
					continue
				}
			}
			if p.Phase == "Running" && !p.Deleting {
				candidates = append(candidates, p)
			}
		}
	}
	// Ready pods first: those are the ones serving.
	var ready, rest []kube.Pod
	for _, p := range candidates {
		if p.Ready() {
			ready = append(ready, p)
		} else {
			rest = append(rest, p)
		}
	}
	candidates = append(ready, rest...)
	switch {
	case len(candidates) == 0:
		return kube.Pod{}, clierr.Of(clierr.NotFound, fmt.Sprintf("no running pod of %s on cluster %s", what, ra.Config.Cluster), "lain status   # what runs, and what is wrong")
	case len(candidates) == 1 || !o.IO.CanPrompt():
		return candidates[0], nil
	}
	names := make([]string, len(candidates))
	descs := make([]string, len(candidates))
	now := o.Now()
	for i, p := range candidates {
		r, t := p.ReadyCount()
		names[i] = p.Name
		descs[i] = strings.Join([]string{p.Status(), fmt.Sprintf("ready %d/%d", r, t), p.Age(now), p.Node}, ", ")
	}
	i, err := o.Prompter.Select("Which pod?", names, descs, 0)
	if err != nil {
		return kube.Pod{}, err
	}
	return candidates[i], nil
}
