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
	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/image"
	"github.com/lain-cli/lain/internal/runner"
)

// RunOptions are the inputs of `lain run`.
type RunOptions struct {
	ImageEnv

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
			if err := o.fill(f); err != nil {
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
	cmd.RegisterFlagCompletionFunc("proc", completions.Procs(cwd, func() string { return f.KubeHome().Current() }))
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
	a, err := o.loadApp(ctx)
	if err != nil {
		return err
	}
	d, err := o.docker(a.cfg)
	if err != nil {
		return err
	}
	p, err := a.runProc(o.Proc, o.Prepare)
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
func (a *appImage) runProc(proc string, prepare bool) (procRun, error) {
	p := procRun{image: a.image(""), command: []string{"sh"}, workdir: a.appWorkdir()}
	env := map[string]string{}
	addEnv(env, a.values["env"])
	var spec map[string]any
	if proc != "" {
		s, err := a.proc(proc)
		if err != nil {
			return p, err
		}
		spec = s
		addEnv(env, spec["env"])
		switch {
		case scalarString(spec["image"]) != "":
			p.image = scalarString(spec["image"])
		case scalarString(spec["imageTag"]) != "":
			p.image = a.image(scalarString(spec["imageTag"]))
		}
		if cmd := stringList(spec["command"]); len(cmd) > 0 {
			p.command = cmd
		}
		if w := scalarString(spec["workingDir"]); w != "" {
			p.workdir = w
		}
	}
	if prepare {
		p.image = a.image(image.PrepareTag)
	}
	_, tag := image.SplitName(p.image)
	env["LAIN_CLUSTER"], env["K8S_NAMESPACE"], env["IMAGE_TAG"] = a.cfg.Cluster, a.cfg.Values.NamespaceOrDefault(), tag
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	sort.Strings(p.env)
	return p, nil
}

// appWorkdir is where the image has the app: build.workdir, else
// /lain/app (the chart's default workingDir too).
func (a *appImage) appWorkdir() string {
	if b, ok := a.values["build"].(map[string]any); ok && scalarString(b["workdir"]) != "" {
		return scalarString(b["workdir"])
	}
	return image.DefaultWorkdir
}

// proc is the merged spec of a proc, by name.
func (a *appImage) proc(name string) (map[string]any, error) {
	var names []string
	for _, p := range app.Procs(a.values) {
		if p.Name == name {
			spec, _ := a.values[p.Kind].(map[string]any)[name].(map[string]any)
			return spec, nil
		}
		names = append(names, p.Name)
	}
	return nil, clierr.Usage(fmt.Sprintf("no proc %q in chart/values.yaml (procs: %s)", name, strings.Join(names, ", ")), "lain run -c PROC")
}

func addEnv(env map[string]string, v any) {
	m, _ := v.(map[string]any)
	for k, val := range m {
		env[k] = scalarString(val)
	}
}

func scalarString(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
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
