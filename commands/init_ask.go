package commands

// The questions of `lain init` and their flags. Each question is skipped
// when its flag was given, and answered with its default when lain cannot
// ask (--yes, no terminal, CI=true).

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"

	"github.com/kballard/go-shellquote"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/appvalues"
	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/suggest"
)

var hostRe = lazy.Regexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// kindLabels describe each proc kind in the proc question.
var kindLabels = map[chart.ProcKind]string{
	chart.Web:    "web: a web server (Deployment with a port, Service, ingress)",
	chart.Worker: "worker: a background process (Deployment)",
	chart.Cron:   "cron: a scheduled job (CronJob)",
	chart.Job:    "job: a one-off job run with each deploy, e.g. migrations (named migrate)",
}

// initFlags are the flags parsed and checked before anything is asked or
// written, so a typo costs nothing.
type initFlags struct {
	kinds    []chart.ProcKind // nil: not given
	port     int              // web port from --proc web:PORT; 0: not given
	commands map[chart.ProcKind][]string
}

func parseInitFlags(o *InitOptions) (*initFlags, error) {
	fl := &initFlags{commands: map[chart.ProcKind][]string{}}
	names := make([]string, len(chart.Kinds))
	for i, k := range chart.Kinds {
		names[i] = string(k)
	}
	kindOf := func(s, flag string) (chart.ProcKind, error) {
		for _, k := range chart.Kinds {
			if string(k) == s {
				return k, nil
			}
		}
		next := "lain init --help"
		if m := suggest.Closest(s, names); m != "" {
			next = fmt.Sprintf("did you mean %s %s?", flag, m)
		}
		return "", clierr.Usage(fmt.Sprintf("%s %s: unknown kind of proc %q (kinds: %s)", flag, s, s, strings.Join(names, ", ")), next)
	}
	for _, p := range o.Procs {
		name, port, hasPort := strings.Cut(p, ":")
		k, err := kindOf(name, "--proc")
		if err != nil {
			return nil, err
		}
		if hasPort {
			n, err := strconv.Atoi(port)
			if k != chart.Web || err != nil || n < 1 || n > 65535 {
				return nil, clierr.Usage(fmt.Sprintf("--proc %s: only web takes a port, a number from 1 to 65535", p), "lain init --proc web:8080")
			}
			fl.port = n
		}
		fl.kinds = append(fl.kinds, k)
	}
	for _, c := range o.Commands {
		name, line, ok := strings.Cut(c, "=")
		k, err := kindOf(name, "--command")
		if err != nil {
			return nil, err
		}
		words, perr := shellquote.Split(line)
		if !ok || perr != nil || len(words) == 0 {
			return nil, clierr.Usage(fmt.Sprintf("--command %s: want KIND=COMMAND with a command after =", c), `lain init --command web="npm start"`)
		}
		fl.commands[k] = words
	}
	checks := []struct{ flag, value, problem string }{
		{"--cpu", o.CPU, appvalues.CPUProblem(o.CPU)},
		{"--memory", o.Memory, appvalues.MemoryProblem(o.Memory)},
		{"--schedule", o.Schedule, appvalues.ScheduleProblem(o.Schedule)},
	}
	for _, c := range checks {
		if c.value != "" && c.problem != "" {
			return nil, clierr.Usage(fmt.Sprintf("%s %s: %s", c.flag, c.value, c.problem), "lain init --help")
		}
	}
	return fl, nil
}

func askAnswers(o *InitOptions, fl *initFlags, appname string) (chart.Answers, error) {
	proj := app.DetectProject(o.Dir)
	w := o.IO.ErrOut
	fmt.Fprintf(w, "This looks like %s.\n", proj.Description())
	if proj.HasDockerfile {
		fmt.Fprintln(w, "warning: this repository has a Dockerfile: lain build writes its own and stops while yours exists (rename yours to build with lain)")
	}
	a := chart.Answers{Appname: appname}
	kinds, err := askKinds(o, fl, appname)
	if err != nil {
		return a, err
	}
	for _, k := range kinds {
		p := chart.Proc{Kind: k}
		if k == chart.Web {
			if p.Port, err = askPort(o, fl, proj.Port); err != nil {
				return a, err
			}
		}
		if p.Command, err = askCommand(o, fl, k, proposedCommand(proj, k, p.Port)); err != nil {
			return a, err
		}
		if k == chart.Cron {
			p.Schedule, err = ask(o, o.Schedule, "When cron runs (minute hour day month weekday, cluster time)", defaultSchedule, problemCheck(appvalues.ScheduleProblem))
			if err != nil {
				return a, err
			}
		}
		a.Procs = append(a.Procs, p)
	}
	if a.Base, err = ask(o, o.Base, "Base image to build on", proj.Base, checkImage); err != nil {
		return a, err
	}
	if a.Script, err = askScript(o, proj.Script); err != nil {
		return a, err
	}
	if a.Host, err = askHost(o, kinds, appname); err != nil {
		return a, err
	}
	if a.CPU, err = ask(o, o.CPU, "CPU each proc requests (1000m is one core)", defaultCPU, problemCheck(appvalues.CPUProblem)); err != nil {
		return a, err
	}
	a.Memory, err = ask(o, o.Memory, "Memory each proc requests (the limit is twice it)", defaultMemory, problemCheck(appvalues.MemoryProblem))
	return a, err
}

// ask returns the flag's value when given (checked), else the answer to
// question, else def when lain cannot ask.
func ask(o *InitOptions, flag, question, def string, check func(string) error) (string, error) {
	if flag != "" {
		if err := check(flag); err != nil {
			return "", clierr.Usage(err.Error(), "lain init --help")
		}
		return flag, nil
	}
	if !o.canAsk() {
		return def, nil
	}
	return o.Prompter.Input(question, def, check)
}

func problemCheck(problem func(string) string) func(string) error {
	return func(s string) error {
		if p := problem(s); p != "" {
			return errors.New(p)
		}
		return nil
	}
}

func checkImage(s string) error {
	if s == "" || strings.ContainsAny(s, " \t") {
		return fmt.Errorf("%q is not an image name (e.g. python:3.12-slim)", s)
	}
	return nil
}

func askKinds(o *InitOptions, fl *initFlags, appname string) ([]chart.ProcKind, error) {
	chosen := map[chart.ProcKind]bool{}
	switch {
	case fl.kinds != nil:
		for _, k := range fl.kinds {
			chosen[k] = true
		}
	case o.canAsk():
		labels := make([]string, len(chart.Kinds))
		for i, k := range chart.Kinds {
			labels[i] = kindLabels[k]
		}
		question := fmt.Sprintf("Which procs does %s run? (space selects, enter accepts)", appname)
		for len(chosen) == 0 {
			idx, err := o.Prompter.MultiSelect(question, labels, []int{0})
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				chosen[chart.Kinds[i]] = true
			}
			question = "Pick at least one proc (space selects, enter accepts)"
		}
	default:
		chosen[chart.Web] = true
	}
	var out []chart.ProcKind
	for _, k := range chart.Kinds {
		if chosen[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

func askPort(o *InitOptions, fl *initFlags, def int) (int, error) {
	if fl.port != 0 {
		return fl.port, nil
	}
	if !o.canAsk() {
		return def, nil
	}
	ans, err := o.Prompter.Input("Port the web server listens on", strconv.Itoa(def), func(s string) error {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q is not a port (1-65535)", s)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(ans)
}

// proposedCommand is the project's usual command for a kind, with the
// port changed to the one chosen.
func proposedCommand(p app.Project, k chart.ProcKind, port int) []string {
	cmd := append([]string{}, p.Commands[string(k)]...)
	if k == chart.Web && port != 0 && port != p.Port {
		for i, w := range cmd {
			cmd[i] = strings.ReplaceAll(w, strconv.Itoa(p.Port), strconv.Itoa(port))
		}
	}
	return cmd
}

func askCommand(o *InitOptions, fl *initFlags, k chart.ProcKind, def []string) ([]string, error) {
	if c, ok := fl.commands[k]; ok {
		return c, nil
	}
	if !o.canAsk() {
		return def, nil
	}
	ans, err := o.Prompter.Input(fmt.Sprintf("Command that starts %s (runs in /lain/app, without a shell)", k), shellquote.Join(def...), func(s string) error {
		words, err := shellquote.Split(s)
		if err != nil || len(words) == 0 {
			return errors.New("type a command, e.g. npm start")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return shellquote.Split(ans)
}

func askScript(o *InitOptions, def []string) ([]string, error) {
	if o.ScriptSet {
		var out []string
		for _, l := range o.Script {
			if strings.TrimSpace(l) != "" {
				out = append(out, l)
			}
		}
		return out, nil
	}
	if !o.canAsk() {
		return def, nil
	}
	joined := strings.Join(def, " && ")
	if joined == "" {
		joined = "none"
	}
	ans, err := o.Prompter.Input("Build script: shell run in /lain/app when building (steps joined with &&; none for none)", joined, nil)
	if err != nil || strings.TrimSpace(ans) == "none" {
		return nil, err
	}
	var out []string
	for _, step := range strings.Split(ans, "&&") {
		if s := strings.TrimSpace(step); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

func askHost(o *InitOptions, kinds []chart.ProcKind, appname string) (string, error) {
	if !hasKind(kinds, chart.Web) {
		if o.Host != "" {
			fmt.Fprintln(o.IO.ErrOut, "warning: --host is for the web proc, and there is none: no ingress")
		}
		return "", nil
	}
	host, err := ask(o, o.Host, "Internal host name of the web server (without a dot it gets the cluster's domain; none for no ingress)", appname, func(s string) error {
		if s != noHost && !hostRe().MatchString(s) {
			return fmt.Errorf("%q is not a host name (lower-case letters, digits, '-' and '.')", s)
		}
		return nil
	})
	if host == noHost {
		host = ""
	}
	return host, err
}

func hasKind(kinds []chart.ProcKind, k chart.ProcKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
