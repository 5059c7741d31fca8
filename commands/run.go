package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lain-cli/lain/completions"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/runner"
)

// RunOptions are the inputs of `lain run`.
type RunOptions struct {
	cmdutil.ImageEnv

	Proc    string // -c: run as this proc (its image, command, env, workdir)
	Prepare bool   // run the prepare image
	User    string // -u: docker run --user
	Command []string
}

// NewCmdRun builds `lain run`.
func NewCmdRun(f *cmdutil.Factory) *cobra.Command {
	o := &RunOptions{}
	cmd := &cobra.Command{
		Use:   "run [-c PROC] [--prepare] [-- COMMAND...]",
		Short: "Run the app's image locally with docker, as a proc would run",
		Long: `docker run the app's image for the current commit, with the environment a
pod gets: the global env of chart/values.yaml, LAIN_CLUSTER, K8S_NAMESPACE
and IMAGE_TAG. With -c PROC, run as that proc: its image (image or imageTag),
its env on top, its workingDir, and its command unless you give one. Without
a command and a proc, start a shell (sh).

--prepare runs the prepare image instead (see lain prepare). The container
is removed when it exits, and lain exits with its exit code.`,
		Example: `  lain run                        # a shell in the image
  lain run -- cat www/built.txt   # what the build wrote
  lain run -c web                 # the web proc, as deployed
  lain run --prepare -- ls -la    # what the prepare image kept
  lain run -u 0 -- id             # as root`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Fill(f); err != nil {
				return err
			}
			o.Command = args
			return runRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Proc, "proc", "c", "", "run as `PROC`: its image, command, env and workingDir")
	fl.BoolVar(&o.Prepare, "prepare", false, "run the prepare image (<registry>/<appname>:prepare)")
	fl.StringVarP(&o.User, "user", "u", "", "run as `UID` (0 is root; default: the image's user, 1001)")
	cmd.RegisterFlagCompletionFunc("proc", completions.Procs(cmdutil.Cwd, func() string { return f.KubeHome().Current() }))
	return cmd
}

func runRun(ctx context.Context, o *RunOptions) error {
	if o.Proc != "" && o.Prepare {
		return clierr.Usage("--proc and --prepare do not go together: a proc runs the app's image, --prepare the prepare image", "lain run --help")
	}
	if o.User != "" {
		if _, err := strconv.Atoi(strings.SplitN(o.User, ":", 2)[0]); err != nil {
			return clierr.Usage(fmt.Sprintf("-u %s: want a user id (a number, 0 is root)", o.User), "lain run -u 0 -- COMMAND")
		}
	}
	a, err := o.LoadApp(ctx)
	if err != nil {
		return err
	}
	d, err := o.Docker(a.Config)
	if err != nil {
		return err
	}
	p, err := runProc(a, o.Proc, o.Prepare)
	if err != nil {
		return err
	}
	args := []string{"run", "--rm", "-i"}
	if o.IO.CanPrompt() && o.IO.IsStdoutTTY() {
		args = append(args, "-t")
	}
	if o.User != "" {
		args = append(args, "-u", o.User)
	}
	args = append(args, "-w", p.workdir)
	for _, e := range p.env {
		args = append(args, "-e", e)
	}
	command := o.Command
	if len(command) == 0 {
		command = p.command
	}
	c := d.Cmd(append(append(args, p.image), command...)...)
	c.Stdin = o.IO.In
	_, err = d.Run(ctx, c)
	if e := d.DaemonUnreachable(err); e != nil {
		return e
	}
	return containerExit(err, p.image)
}

// procRun is how lain run runs a proc (or the bare image).
type procRun struct {
	image   string
	command []string
	env     []string // K=V, sorted
	workdir string
}

// runProc works out the image, command, env and workdir of proc ("" for
// the bare app image, or the prepare image).
func runProc(a *cmdutil.AppImage, proc string, prepare bool) (procRun, error) {
	p := procRun{image: a.Image(""), command: []string{"sh"}, workdir: image.AppWorkdir(a.Values)}
	env := map[string]string{}
	image.AddEnv(env, a.Values["env"])
	var spec map[string]any
	if proc != "" {
		s, err := image.ProcSpec(a.Values, proc)
		if err != nil {
			return p, err
		}
		spec = s
		image.AddEnv(env, spec["env"])
		switch {
		case image.Scalar(spec["image"]) != "":
			p.image = image.Scalar(spec["image"])
		case image.Scalar(spec["imageTag"]) != "":
			p.image = a.Image(image.Scalar(spec["imageTag"]))
		}
		if cmd := image.StringList(spec["command"]); len(cmd) > 0 {
			p.command = cmd
		}
		if w := image.Scalar(spec["workingDir"]); w != "" {
			p.workdir = w
		}
	}
	if prepare {
		p.image = a.Image(image.PrepareTag)
	}
	_, tag := image.SplitName(p.image)
	env["LAIN_CLUSTER"], env["K8S_NAMESPACE"], env["IMAGE_TAG"] = a.Config.Cluster, a.Config.Values.NamespaceOrDefault(), tag
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	sort.Strings(p.env)
	return p, nil
}

// containerExit passes the container's exit code through quietly (the
// container said what it had to), and explains docker's own failures.
func containerExit(err error, img string) error {
	var ee *runner.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	switch ee.Code {
	case 125:
		return &clierr.Error{Kind: clierr.ToolFailed, Msg: fmt.Sprintf("docker could not run %s (its message is above)", img),
			Next: "lain build   # when there is no image for this commit yet", Code: ee.Code, Err: err}
	case 126, 127:
		return &clierr.Error{Kind: clierr.InvalidInput, Msg: fmt.Sprintf("the command could not be run in %s (not found, or not executable)", img),
			Next: "lain run -- sh   # look around in the image", Code: ee.Code, Err: err}
	}
	return exitStatus(ee.Code)
}

// exitStatus is an exit code to pass on without a message.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
func (e exitStatus) ExitCode() int { return int(e) }
func (e exitStatus) Silent() bool  { return true }
