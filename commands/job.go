package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kballard/go-shellquote"
	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/jobrun"
	"github.com/lain-cli/lain/internal/kube"
)

// JobOptions are the inputs of `lain job`.
type JobOptions struct {
	cmdutil.AppOnCluster
	Now func() time.Time
	// TTY: stdin and stdout are terminals (-i and the shell need one).
	TTY bool
	// Follow is true when stdout is a terminal: the job's log is streamed
	// and its exit code returned even without --wait.
	Follow bool

	Command     []string
	ImageTag    string
	Wait        bool
	Timeout     int // seconds
	Memory      string
	User        int64
	UserSet     bool
	Interactive bool
	// Poll is the time between looks at the Job (tests shorten it).
	Poll time.Duration
}

// NewCmdJob builds `lain job`.
func NewCmdJob(f *cmdutil.Factory) *cobra.Command {
	o := &JobOptions{}
	cmd := &cobra.Command{
		Use:   "job [flags] -- COMMAND...",
		Short: "Run a command as a Kubernetes Job with the app's image, env and volumes",
		Long: `Run COMMAND once in the cluster, as a Job named <appname>-<hash of the
command>, built from the web proc's pod (else the first deployment's): same
image (or --image-tag), environment, <appname>-env, volumes and service
account. A previous run of the same command is deleted first.

With --wait, or on a terminal, lain streams the job's log and exits with
the command's exit code; otherwise it creates the Job and prints how to
follow it. -i runs the Job idle (up to --timeout) and opens COMMAND in it
interactively, then deletes it; without COMMAND, on a terminal, that is a
shell.`,
		Example: `  lain job --wait -- python manage.py migrate
  lain job --image-tag 1732000000-abc123 --wait -- ./check.sh
  lain job -i -- python manage.py shell
  lain job --memory 2Gi -u 0 --wait -- sh -c 'du -sh /data'`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Now = f.Now
			before, after := cmdutil.SplitAtDash(cmd, args)
			o.Command = append(before, after...)
			o.UserSet = cmd.Flags().Changed("user")
			o.TTY = f.IO.CanPrompt() && f.IO.IsStdoutTTY()
			o.Follow = f.IO.IsStdoutTTY()
			return runJob(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.ImageTag, "image-tag", "", "run this image `TAG` of the app instead of the deployed one")
	fl.BoolVar(&o.Wait, "wait", false, "stream the log and exit with the command's exit code (the default on a terminal)")
	fl.IntVar(&o.Timeout, "timeout", 3600, "`SECONDS` the job may run (and lain waits)")
	fl.StringVar(&o.Memory, "memory", "8Gi", "memory limit of the job's container")
	fl.Int64VarP(&o.User, "user", "u", 0, "run as this user `ID` (0: root) instead of the image's user")
	fl.BoolVarP(&o.Interactive, "interactive", "i", false, "open COMMAND interactively in the job's container (needs a terminal)")
	return cmd
}

func runJob(ctx context.Context, o *JobOptions) error {
	if o.Memory != "" && !kube.ValidMemory(o.Memory) {
		return clierr.Usage(fmt.Sprintf("--memory %s: not a memory quantity (e.g. 512Mi, 2Gi)", o.Memory), "lain job --help")
	}
	interactive := o.Interactive || len(o.Command) == 0
	if interactive && !o.TTY {
		if len(o.Command) == 0 {
			return clierr.Usage("no command to run: give it after --", "lain job --wait -- COMMAND...")
		}
		return clierr.Usage("-i needs a terminal", "lain job --wait -- "+shellquote.Join(o.Command...))
	}
	ra, st, err := o.LoadDeployed(ctx)
	if err != nil {
		return err
	}
	src, ok := templateSource(ra, st)
	if !ok {
		return clierr.Of(clierr.NotFound, fmt.Sprintf("%s has no deployment on cluster %s to take the image and environment from", ra.App.Name, ra.Config.Cluster), "lain deploy")
	}
	tpl, err := ra.Kube.PodTemplate(ctx, strings.ToLower(src.Kind), src.Name)
	if err != nil {
		return ra.AskError(err)
	}
	command := o.Command
	if len(command) == 0 {
		command = []string{"sh"}
	}
	job := kube.OneOffJob{
		Name: kube.JobName(ra.App.Name, command), App: ra.App.Name, Command: command,
		Container: kube.Pod{Containers: templateContainers(tpl)}.MainContainer(ra.App.Name),
		Memory:    o.Memory, DeadlineSeconds: o.Timeout,
	}
	if o.ImageTag != "" {
		job.Image = kube.WithTag(kube.MainImage(tpl, job.Container), o.ImageTag)
	}
	if o.UserSet {
		job.User = &o.User
	}
	if interactive {
		job.Command = []string{"sleep", fmt.Sprint(o.Timeout)}
	}
	manifest, err := job.Manifest(tpl)
	if err != nil {
		return err
	}
	say := func(format string, args ...any) { fmt.Fprintf(o.IO.ErrOut, format+"\n", args...) }
	say("job %s: %s, with the image and environment of %s", job.Name, shellquote.Join(command...), src.Short())
	if err := ra.Kube.DeleteJob(ctx, job.Name); err != nil {
		return ra.AskError(err)
	}
	if err := ra.Kube.Create(ctx, manifest); err != nil {
		if clierr.Interrupted(err) {
			return err
		}
		return clierr.Of(clierr.Failed, fmt.Sprintf("the cluster refused job %s: %v", job.Name, err), "lain status   # is the app deployed as expected?")
	}
	jr := jobrun.Run{Kube: ra.Kube, App: ra.App.Name, Name: job.Name, ErrOut: o.IO.ErrOut, In: o.IO.In, Timeout: time.Duration(o.Timeout)*time.Second + time.Minute, Poll: o.Poll, AskError: ra.AskError}
	if interactive {
		return jr.Interactive(ctx, command)
	}
	if !o.Wait && !o.Follow {
		jr.PrintFollowUp()
		return nil
	}
	return jr.Follow(ctx)
}

// templateSource is the workload a job copies: <release>-web, else the
// first Deployment, else the first StatefulSet.
func templateSource(ra *cmdutil.RunningApp, st *kube.App) (kube.Workload, bool) {
	if w, ok := st.Workload(ra.App.Release + "-web"); ok && w.Kind == "Deployment" {
		return w, true
	}
	for _, kind := range []string{"Deployment", "StatefulSet"} {
		for _, w := range st.Workloads {
			if w.Kind == kind {
				return w, true
			}
		}
	}
	return kube.Workload{}, false
}

// templateContainers lists the containers of a pod template by name.
func templateContainers(tpl map[string]any) []kube.Container {
	spec, _ := tpl["spec"].(map[string]any)
	list, _ := spec["containers"].([]any)
	var out []kube.Container
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			name, _ := m["name"].(string)
			out = append(out, kube.Container{Name: name})
		}
	}
	return out
}
