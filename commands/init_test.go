package commands

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lain-cli/lain/internal/testenv"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/cmdutil"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/runner"
	"github.com/lain-cli/lain/prompts"
)

type initEnv struct {
	opts        *InitOptions
	dir         string
	out, errOut *bytes.Buffer
	prompter    *prompts.Scripted
	rec         *runner.Recorder
}

// newInitEnv makes an app directory named name holding files, and init
// options that are not on a terminal (tty() puts them on one).
func newInitEnv(t *testing.T, name string, files map[string]string) *initEnv {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(dir, 0o755)
	ios, _, out, errOut := iostreams.Test()
	e := &initEnv{dir: dir, out: out, errOut: errOut, prompter: &prompts.Scripted{}, rec: &runner.Recorder{}}
	e.opts = &InitOptions{IO: ios, Prompter: e.prompter, Runner: e.rec, Dir: dir, Now: func() time.Time { return testNow }}
	return e
}

func (e *initEnv) tty() *initEnv {
	e.opts.IO.SetTTY(true, true, true)
	return e
}

func (e *initEnv) run(t *testing.T) error {
	t.Helper()
	err := runInit(context.Background(), e.opts)
	if perr := e.prompter.Done(); perr != nil {
		t.Error(perr)
	}
	return err
}

func (e *initEnv) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// starter is what tests read back from a written values.yaml.
type starter struct {
	Appname string
	Build   struct {
		Base   string
		Script []string
	}
	Deployments map[string]struct {
		Command       []string
		ContainerPort int `yaml:"containerPort"`
		Resources     struct {
			Requests map[string]string
			Limits   map[string]string
		}
	}
	Cronjobs map[string]struct {
		Schedule string
		Command  []string
	}
	Jobs      map[string]struct{ Command []string }
	Ingresses []struct {
		Host       string
		DeployName string `yaml:"deployName"`
	}
}

func (e *initEnv) values(t *testing.T) starter {
	t.Helper()
	var s starter
	if err := yaml.Unmarshal([]byte(e.read(t, "chart/values.yaml")), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// acceptAll scripts the guided flow with every default accepted, for the
// procs chosen by index (web, worker, cron, job).
func acceptAll(p *prompts.Scripted, procs ...int) {
	p.Expect("input", "App name", "").Expect("multiselect", "Which procs does", procs)
	has := map[int]bool{}
	for _, i := range procs {
		has[i] = true
	}
	if has[0] {
		p.Expect("input", "Port the web server listens on", "").Expect("input", "Command that starts web", "")
	}
	if has[1] {
		p.Expect("input", "Command that starts worker", "")
	}
	if has[2] {
		p.Expect("input", "Command that starts cron", "").Expect("input", "When cron runs", "")
	}
	if has[3] {
		p.Expect("input", "Command that starts job", "")
	}
	p.Expect("input", "Base image", "").Expect("input", "Build script", "")
	if has[0] {
		p.Expect("input", "Internal host name", "")
	}
	p.Expect("input", "CPU each proc requests", "").Expect("input", "Memory each proc requests", "")
}

// TestGuidedFlowProposesFromTheRepository: for each kind of project, every
// default accepted gives a values.yaml built for it.
func TestGuidedFlowProposesFromTheRepository(t *testing.T) {
	cases := []struct {
		name         string
		files        map[string]string
		looks        string
		base, script string
		port         int
		web, job     string
	}{
		{"python", map[string]string{"requirements.txt": "flask\ngunicorn\n"}, "a Python project (requirements.txt)",
			"python:3.12-slim", "pip install --no-cache-dir -r requirements.txt", 5000, "gunicorn --bind 0.0.0.0:5000 app:app", "python migrate.py"},
		{"node", map[string]string{"package.json": "{}", "package-lock.json": "{}"}, "a Node.js project (package.json)",
			"node:20-slim", "npm ci", 3000, "npm start", "npm run migrate"},
		{"go", map[string]string{"go.mod": "module shop\n\ngo 1.23.1\n"}, "a Go project (go.mod)",
			"golang:1.23", "go build -o app .", 8080, "./app", "./app migrate"},
		{"java", map[string]string{"pom.xml": "<project/>"}, "a Java (Maven) project (pom.xml)",
			"maven:3-eclipse-temurin-21", "mvn -B -q package -DskipTests", 8080, "java -jar target/app.jar", "java -jar target/app.jar migrate"},
		{"ruby", map[string]string{"Gemfile": "source 'https://rubygems.org'\n"}, "a Ruby project (Gemfile)",
			"ruby:3.3", "bundle install", 3000, "bundle exec rackup --host 0.0.0.0 --port 3000", "bundle exec rake db:migrate"},
		{"static", map[string]string{"www/index.html": "<h1>shop</h1>"}, "a static site (www/index.html)",
			"busybox:stable", "", 8080, "httpd -f -v -p 8080 -h /lain/app/www", "sh -c echo replace this command in chart/values.yaml; sleep 3600"},
		{"unknown", map[string]string{"README.md": "# shop\n"}, "a project of a kind lain does not recognise",
			"debian:12-slim", "", 8080, "./start.sh", "./migrate.sh"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newInitEnv(t, "shop", c.files).tty()
			acceptAll(e.prompter, 0, 1, 2, 3)
			if err := e.run(t); err != nil {
				t.Fatal(err)
			}
			v := e.values(t)
			web := v.Deployments["web"]
			if v.Appname != "shop" || v.Build.Base != c.base || strings.Join(v.Build.Script, " && ") != c.script ||
				web.ContainerPort != c.port || strings.Join(web.Command, " ") != c.web ||
				strings.Join(v.Jobs["migrate"].Command, " ") != c.job || v.Cronjobs["cron"].Schedule != "*/10 * * * *" ||
				len(v.Deployments["worker"].Command) == 0 || web.Resources.Requests["memory"] != "256Mi" || web.Resources.Limits["memory"] != "512Mi" ||
				len(v.Ingresses) != 1 || v.Ingresses[0].Host != "shop" || v.Ingresses[0].DeployName != "web" {
				t.Errorf("values.yaml:\n%s", e.read(t, "chart/values.yaml"))
			}
			stderr := e.errOut.String()
			for _, want := range []string{"This looks like " + c.looks + ".\n", "wrote lain's chart " + chart.Version + " into chart/: created 14 files\n",
				"wrote chart/values.yaml\n", "  lain env edit ", "  lain deploy --build "} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "problem:") || strings.Contains(stderr, "warning:") {
				t.Errorf("the values lain wrote do not pass its own lint:\n%s", stderr)
			}
			if !strings.Contains(e.read(t, "chart/Chart.yaml"), "version: "+chart.Version) {
				t.Error("Chart.yaml lacks the chart version")
			}
		})
	}
}

func TestGuidedFlowWithOwnAnswers(t *testing.T) {
	e := newInitEnv(t, "shop", map[string]string{"requirements.txt": "gunicorn\n", "Dockerfile": "FROM x\n"}).tty()
	e.prompter.Expect("input", "App name", "shop-api").
		Expect("multiselect", "Which procs does shop-api run?", []int{}).
		Expect("multiselect", "Pick at least one proc", []int{0}).
		Expect("input", "Port", "8000").
		Expect("input", "Command that starts web", ""). // the proposal, with the new port
		Expect("input", "Base image", "python:3.11").
		Expect("input", "Build script", "pip install -r requirements.txt && python -m compileall .").
		Expect("input", "Internal host name", "none").
		Expect("input", "CPU", "250m").
		Expect("input", "Memory", "1Gi")
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	v := e.values(t)
	web := v.Deployments["web"]
	if v.Appname != "shop-api" || len(v.Deployments) != 1 || web.ContainerPort != 8000 ||
		strings.Join(web.Command, " ") != "gunicorn --bind 0.0.0.0:8000 app:app" || v.Build.Base != "python:3.11" ||
		strings.Join(v.Build.Script, "|") != "pip install -r requirements.txt|python -m compileall ." || len(v.Ingresses) != 0 ||
		web.Resources.Requests["cpu"] != "250m" || web.Resources.Limits["memory"] != "2Gi" {
		t.Errorf("values.yaml:\n%s", e.read(t, "chart/values.yaml"))
	}
	if !strings.Contains(e.errOut.String(), "warning: this repository has a Dockerfile: lain build writes its own") {
		t.Error(e.errOut.String())
	}
}

func TestOffATerminalOrWithYesNothingIsAsked(t *testing.T) {
	for name, setup := range map[string]func(e *initEnv){
		"not a terminal": func(e *initEnv) {},
		"--yes":          func(e *initEnv) { e.tty().opts.Yes = true },
		"CI=true":        func(e *initEnv) { e.tty().opts.IO.SetCI(true) },
	} {
		t.Run(name, func(t *testing.T) {
			e := newInitEnv(t, "shop", map[string]string{"package.json": "{}"})
			setup(e)
			if err := e.run(t); err != nil {
				t.Fatal(err)
			}
			v := e.values(t)
			if len(e.prompter.Asked) != 0 || v.Appname != "shop" || len(v.Deployments) != 1 || v.Deployments["web"].ContainerPort != 3000 || v.Build.Base != "node:20-slim" {
				t.Errorf("asked %q\n%s", e.prompter.Asked, e.read(t, "chart/values.yaml"))
			}
		})
	}
}

func TestEveryAnswerHasAFlag(t *testing.T) {
	e := newInitEnv(t, "whatever", nil).tty()
	o := e.opts
	o.Appname, o.Procs = "shop", []string{"web:8000", "cron", "job", "worker"}
	o.Commands = []string{`web=gunicorn -b 0.0.0.0:8000 "shop.app:create()"`, "cron=./report", "job=./migrate", "worker=./work"}
	o.Schedule, o.Base, o.Script, o.ScriptSet = "@daily", "python:3.12", []string{""}, true
	o.Host, o.CPU, o.Memory = "shop.example.com", "50m", "64Mi"
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	v := e.values(t)
	if len(e.prompter.Asked) != 0 {
		t.Errorf("asked %q", e.prompter.Asked)
	}
	if strings.Join(v.Deployments["web"].Command, "|") != "gunicorn|-b|0.0.0.0:8000|shop.app:create()" || v.Deployments["web"].ContainerPort != 8000 ||
		v.Cronjobs["cron"].Schedule != "@daily" || v.Jobs["migrate"].Command[0] != "./migrate" || v.Deployments["worker"].Command[0] != "./work" ||
		len(v.Build.Script) != 0 || v.Ingresses[0].Host != "shop.example.com" || v.Deployments["web"].Resources.Requests["cpu"] != "50m" {
		t.Errorf("%s", e.read(t, "chart/values.yaml"))
	}
}

func TestBadFlagsStopBeforeAnythingIsWritten(t *testing.T) {
	cases := []struct {
		set  func(o *InitOptions)
		want string
	}{
		{func(o *InitOptions) { o.Procs = []string{"wbe"} }, "lain: --proc wbe: unknown kind of proc \"wbe\" (kinds: web, worker, cron, job)\n  next: did you mean --proc web?\n"},
		{func(o *InitOptions) { o.Procs = []string{"worker:80"} }, "lain: --proc worker:80: only web takes a port, a number from 1 to 65535\n  next: lain init --proc web:8080\n"},
		{func(o *InitOptions) { o.Commands = []string{"web"} }, "lain: --command web: want KIND=COMMAND with a command after =\n  next: lain init --command web=\"npm start\"\n"},
		{func(o *InitOptions) { o.Memory = "256m" }, "lain: --memory 256m: 256m is 0.256 bytes: m means thousandths (write 256Mi)\n  next: lain init --help\n"},
		{func(o *InitOptions) { o.Appname = "My_Shop" }, "lain: --appname: \"My_Shop\" is not a valid app name (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 53 characters)\n  next: lain init --appname my-shop\n"},
		{func(o *InitOptions) { o.Base = "python 3" }, "lain: \"python 3\" is not an image name (e.g. python:3.12-slim)\n  next: lain init --help\n"},
	}
	for _, c := range cases {
		e := newInitEnv(t, "shop", nil)
		c.set(e.opts)
		err := e.run(t)
		if got := clierr.Format(err); got != c.want || clierr.Code(err) != 2 {
			t.Errorf("got\n%swant\n%s", got, c.want)
		}
		if _, err := os.Stat(filepath.Join(e.dir, "chart", "values.yaml")); err == nil {
			t.Error("values.yaml written despite the bad flag")
		}
	}
}

func TestDirectoryNameThatIsNoAppname(t *testing.T) {
	e := newInitEnv(t, "My_Shop", nil)
	err := e.run(t)
	want := "lain: the directory name \"My_Shop\" is not a valid app name (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 53 characters)\n  next: lain init --appname my-shop\n"
	if got := clierr.Format(err); got != want {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	// On a terminal the cleaned-up name is the proposal.
	e = newInitEnv(t, "My_Shop", nil).tty()
	acceptAll(e.prompter, 0)
	if err := e.run(t); err != nil || e.values(t).Appname != "my-shop" {
		t.Fatal(err, e.read(t, "chart/values.yaml"))
	}
}

const ownValues = "# my values, by hand\nappname: shop\ndeployments:\n  web:\n    containerPort: 8080\n"

func TestExistingValuesAreKept(t *testing.T) {
	e := newInitEnv(t, "shop", map[string]string{"chart/values.yaml": ownValues, "chart/values-prod.yaml": "x: 1\n"}).tty()
	e.opts.Yes = true
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	if e.read(t, "chart/values.yaml") != ownValues || e.read(t, "chart/values-prod.yaml") != "x: 1\n" {
		t.Fatal("values changed")
	}
	if !strings.Contains(e.errOut.String(), "kept your chart/values.yaml (lain init --force writes a new one and keeps a backup)\n") ||
		!strings.HasSuffix(e.errOut.String(), "next: lain lint   # checks the chart and your values on the current cluster\n") {
		t.Error(e.errOut.String())
	}
	// An app's name never changes.
	e.opts.Appname = "other"
	if got := clierr.Format(e.run(t)); !strings.Contains(got, "chart/values.yaml says appname: shop, not other") {
		t.Error(got)
	}
}

func TestForceKeepsABackup(t *testing.T) {
	e := newInitEnv(t, "shop", map[string]string{"chart/values.yaml": ownValues})
	e.opts.Force = true
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	backup := "chart/values.yaml.backup-20261125-123000"
	if e.read(t, backup) != ownValues || e.values(t).Appname != "shop" || e.read(t, "chart/values.yaml") == ownValues {
		t.Fatal("no backup, or values not rewritten")
	}
	if !strings.Contains(e.errOut.String(), "wrote chart/values.yaml (your old one is in "+backup+")\n") {
		t.Error(e.errOut.String())
	}
}

func TestTemplateOnlyNeverTouchesValues(t *testing.T) {
	e := newInitEnv(t, "shop", map[string]string{
		"chart/values.yaml": ownValues, "chart/values-prod.yaml": "x: 1\n",
		"chart/Chart.yaml":          "apiVersion: v2\nname: shop\nversion: 0.9.0\n",
		"chart/templates/mine.yaml": "# mine\n",
		"chart/templates/hpa.yaml":  "# old\n",
	})
	e.opts.TemplateOnly, e.opts.Force = true, true // --force does not reach values with --template-only
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	if e.read(t, "chart/values.yaml") != ownValues || e.read(t, "chart/values-prod.yaml") != "x: 1\n" || e.read(t, "chart/templates/mine.yaml") != "# mine\n" {
		t.Fatal("a file of the user's changed")
	}
	if matches, _ := filepath.Glob(filepath.Join(e.dir, "chart", "values*backup*")); len(matches) != 0 {
		t.Fatalf("backups: %v", matches)
	}
	if v, _ := chart.InstalledVersion(filepath.Join(e.dir, "chart")); v != chart.Version {
		t.Fatal(v)
	}
	if !strings.Contains(e.errOut.String(), "; updated Chart.yaml, templates/hpa.yaml\n") {
		t.Error(e.errOut.String())
	}
	// The replaced hpa.yaml may hold the user's edits: kept, and named.
	backup := chart.RetireDir(testNow)
	if e.read(t, "chart/"+backup+"/hpa.yaml") != "# old\n" || !strings.Contains(e.read(t, "chart/"+backup+"/Chart.yaml"), "version: 0.9.0") {
		t.Error("the replaced files were not kept")
	}
	if !strings.Contains(e.errOut.String(), "kept the files it replaced, with any edits of yours, in chart/"+backup+"/: Chart.yaml, hpa.yaml (delete") {
		t.Error(e.errOut.String())
	}
	// values.yaml has no schema line: lain says how to add it, and does not.
	if !strings.Contains(e.errOut.String(), "tip: make this the first line of chart/values.yaml") || !strings.Contains(e.errOut.String(), "\n  "+chart.SchemaModeline+"\n") {
		t.Error(e.errOut.String())
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newInitEnv(t, "shop", nil)
	e.opts.DryRun = true
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "chart")); err == nil {
		t.Fatal("chart/ written on a dry run")
	}
	if !strings.Contains(e.errOut.String(), "would write chart/Chart.yaml  # dry run\n") || !strings.Contains(e.errOut.String(), "would write chart/values.yaml  # dry run\n") {
		t.Error(e.errOut.String())
	}
}

// TestCommitInARealRepository: git add chart, values*.yaml stay out,
// what the user had staged stays staged, then the commit message.
func TestCommitInARealRepository(t *testing.T) {
	git := gitRunner(t)
	e := newInitEnv(t, "shop", map[string]string{"chart/values.yaml": ownValues, "notes.txt": "wip\n"})
	e.opts.Runner = git.runner
	git.run(t, e.dir, "init", "-q")
	git.run(t, e.dir, "add", "notes.txt")
	e.opts.TemplateOnly, e.opts.Commit = true, true
	if err := e.run(t); err != nil {
		t.Fatal(err, e.errOut.String())
	}
	if got := git.run(t, e.dir, "log", "-1", "--format=%s"); got != "[skip ci] upgrade helm chart to "+chart.Version+"\n" {
		t.Fatalf("commit message %q", got)
	}
	files := git.run(t, e.dir, "show", "--name-only", "--format=", "HEAD")
	if !strings.Contains(files, "chart/Chart.yaml\n") || !strings.Contains(files, "chart/templates/deployments.yaml\n") || !strings.Contains(files, "chart/values.schema.json\n") || strings.Contains(files, "values.yaml") || strings.Contains(files, "notes.txt") {
		t.Fatalf("committed:\n%s", files)
	}
	if st := git.run(t, e.dir, "status", "--porcelain"); st != "A  notes.txt\n?? chart/values.yaml\n" {
		t.Fatalf("status:\n%s", st)
	}
	// The runner printed each git command that changed something.
	for _, want := range []string{"$ git add -- chart ':(exclude)chart/values*.yaml' ':(exclude)chart/values*.backup-*' ':(exclude)chart/templates.backup-*'\n", "$ git commit -m '[skip ci] upgrade helm chart to " + chart.Version + "' -- chart ':(exclude)chart/values*.yaml' ':(exclude)chart/values*.backup-*' ':(exclude)chart/templates.backup-*'\n"} {
		if !strings.Contains(git.log.String(), want) {
			t.Errorf("printed commands lack %q:\n%s", want, git.log)
		}
	}
	// Again: nothing changed, nothing to commit.
	e.errOut.Reset()
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errOut.String(), "nothing to commit: chart/ is already at chart "+chart.Version+" in git\n") {
		t.Error(e.errOut.String())
	}
}

func TestCommitOutsideAGitRepository(t *testing.T) {
	git := gitRunner(t)
	e := newInitEnv(t, "shop", nil)
	e.opts.Runner, e.opts.Commit = git.runner, true
	err := e.run(t)
	want := "lain: --commit: " + e.dir + " is not in a git repository\n  next: git init   # or run lain init without --commit\n"
	if got := clierr.Format(err); got != want {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "chart")); err == nil {
		t.Error("chart/ written before finding out")
	}
}

// gitEnv runs the real git through lain's runner, with an identity.
type gitEnv struct {
	runner runner.Runner
	log    *bytes.Buffer
}

func gitRunner(t *testing.T) gitEnv {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		testenv.Missing(t, "git is not installed")
	}
	var log bytes.Buffer
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CEILING_DIRECTORIES="+os.TempDir())
	return gitEnv{runner: runner.NewExec(runner.Options{Out: &log, ErrOut: &log, Env: env}), log: &log}
}

func (g gitEnv) run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	res, err := g.runner.Run(context.Background(), runner.Cmd{Name: "git", Args: args, Dir: dir, Capture: true, Quiet: true})
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return string(res.Stdout)
}

func TestDashFIsValuesNotForce(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IO: ios, Prompter: &prompts.Scripted{}, Globals: &cmdutil.Globals{},
		Getenv: func(k string) string { return map[string]string{"LAIN_NO_UPDATE": "1"}[k] }, Now: func() time.Time { return testNow }}
	f.Runner = func() runner.Runner { return &runner.Recorder{} }
	err := Execute(context.Background(), f, []string{"init", "-f"})
	if got := clierr.Format(err); got != "lain: -f is --values (an extra values file) on every lain command\n  next: lain init --force   # to replace chart/values.yaml\n" {
		t.Error(got)
	}
	f.Globals.Values = []string{"x.yaml"}
	cmd := NewCmdInit(f)
	cmd.SetArgs(nil)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.Execute()
	if got := clierr.Format(err); !strings.Contains(got, "lain init reads no values files (-f x.yaml)") {
		t.Error(got)
	}
}

func TestBrokenValuesNeedForceAndAreKept(t *testing.T) {
	e := newInitEnv(t, "shop", map[string]string{"chart/values.yaml": "appname: [shop\n"})
	if got := clierr.Format(e.run(t)); !strings.HasPrefix(got, "lain: chart/values.yaml:1:10: not valid YAML:") {
		t.Fatal(got)
	}
	e.opts.Force = true
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	if e.read(t, "chart/values.yaml.backup-20261125-123000") != "appname: [shop\n" || e.values(t).Appname != "shop" {
		t.Fatal("broken values not kept, or not replaced")
	}
}
