package chart

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/lain-cli/lain/internal/lazy"

	"gopkg.in/yaml.v3"
)

// ProcKind is what `lain init` offers to run.
type ProcKind string

// The kinds of proc `lain init` knows, in the order it offers them.
const (
	Web    ProcKind = "web"    // a web server: Deployment with a port, Service, ingress
	Worker ProcKind = "worker" // a background process: Deployment
	Cron   ProcKind = "cron"   // a scheduled job: CronJob
	Job    ProcKind = "job"    // run with each deploy (migrations): a Job hook
)

// Kinds are the proc kinds in the order they are offered.
var Kinds = []ProcKind{Web, Worker, Cron, Job}

// Proc is one proc the starter values.yaml defines.
type Proc struct {
	Kind     ProcKind
	Command  []string // exec form
	Port     int      // web only
	Schedule string   // cron only
}

// Name is the proc's key in values.yaml: the kind, except a job, which is
// named for what it usually does.
func (p Proc) Name() string {
	if p.Kind == Job {
		return "migrate"
	}
	return string(p.Kind)
}

// Answers are what `lain init` asked (or took from flags and defaults).
type Answers struct {
	Appname string
	Procs   []Proc
	Base    string   // build.base
	Script  []string // build.script
	Host    string   // the web ingress host; "" for none
	CPU     string   // cpu request of each proc
	Memory  string   // memory request of each proc; the limit is twice it
}

// StarterValues renders the first chart/values.yaml from the answers, with
// a short comment on every key.
func StarterValues(a Answers) []byte {
	var b bytes.Buffer
	data := struct {
		Answers
		MemoryLimit string
		Deployments []Proc
		Cronjobs    []Proc
		Jobs        []Proc
		Web         *Proc
	}{Answers: a, MemoryLimit: doubleQuantity(a.Memory)}
	for i, p := range a.Procs {
		switch p.Kind {
		case Web, Worker:
			data.Deployments = append(data.Deployments, p)
		case Cron:
			data.Cronjobs = append(data.Cronjobs, p)
		case Job:
			data.Jobs = append(data.Jobs, p)
		}
		if p.Kind == Web {
			data.Web = &a.Procs[i]
		}
	}
	if err := starter().Execute(&b, data); err != nil {
		panic("chart: starter values template: " + err.Error()) // a build defect
	}
	return b.Bytes()
}

// starter is parsed on first use, not at start-up (see internal/lazy).
var starter = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("values.yaml").Funcs(template.FuncMap{
		"q":    quoteScalar,
		"flow": flowList,
	}).Parse(starterText))
})

// SchemaModeline, as the first line of values.yaml, makes the YAML language
// server (VS Code, JetBrains) complete and check keys from values.schema.json.
const SchemaModeline = "# yaml-language-server: $schema=" + SchemaFile

const starterText = SchemaModeline + `
# How lain builds and runs {{ .Appname }}. Written by lain init; yours to edit.
# chart/values-<CLUSTER>.yaml, when present, is merged over this file for that
# cluster. Check your changes with: lain lint

# The app's name: image, release and Kubernetes names derive from it. Never
# change it once deployed.
appname: {{ q .Appname }}

# Environment variables of every proc (a proc's own env wins). Secrets do not
# belong here: lain env edit keeps them in the cluster ({{ .Appname }}-env).
env: {}

# How lain build makes the image: FROM base, your code in /lain/app, then
# the script lines in order.
build:
  # The image to build on.
  base: {{ q .Base }}
  # Shell lines run at build time, in /lain/app.
{{- if .Script }}
  script:
{{- range .Script }}
    - {{ q . }}
{{- end }}
{{- else }}
  script: []
{{- end }}
{{ with .Deployments }}
# Long-running procs: a Deployment {{ $.Appname }}-<proc> each.
deployments:
{{- range . }}
{{- if eq .Kind "web" }}
  # The web server; it gets a Service {{ $.Appname }}-web on port 80
  # (other apps in the cluster call http://{{ $.Appname }}-web).
  web:
    # How many pods run it.
    replicaCount: 1
    # The command, exec form: a list, run without a shell.
    command: {{ flow .Command }}
    # The port it listens on.
    containerPort: {{ .Port }}
    # No traffic until the port answers.
    readinessProbe:
      tcpSocket:
        port: {{ .Port }}
      periodSeconds: 5
{{- else }}
  # A background process.
  {{ .Name }}:
    # How many pods run it.
    replicaCount: 1
    # The command, exec form: a list, run without a shell.
    command: {{ flow .Command }}
{{- end }}
    # requests are reserved for it, limits enforced (cpu: 1000m is one core;
    # memory: Mi, Gi).
{{ template "resources" $ }}
{{- end }}
{{ end }}
{{- with .Cronjobs }}
# Scheduled procs: a CronJob {{ $.Appname }}-<proc> each.
cronjobs:
{{- range . }}
  {{ .Name }}:
    # When it runs: minute hour day-of-month month day-of-week (cluster time).
    schedule: {{ q .Schedule }}
    # The command, exec form.
    command: {{ flow .Command }}
    # requests are reserved for it, limits enforced.
{{ template "resources" $ }}
{{- end }}
{{ end }}
{{- with .Jobs }}
# Jobs run with every deploy: after the first install, then before each
# upgrade (database migrations). A Job {{ $.Appname }}-<proc> each.
jobs:
{{- range . }}
  {{ .Name }}:
    # The command, exec form.
    command: {{ flow .Command }}
    # Give up after this many failed retries.
    backoffLimit: 0
    # requests are reserved for it, limits enforced.
{{ template "resources" $ }}
{{- end }}
{{ end }}
{{- if and .Web .Host }}
# Web addresses. A host without a dot gets the cluster's domain
# ({{ .Host }} -> {{ .Host }}.<domain>); deployName is the proc that answers.
ingresses:
  - host: {{ q .Host }}
    deployName: web
    paths:
      - /
{{ end -}}
{{- define "resources" }}    resources:
      requests:
        cpu: {{ q .CPU }}
        memory: {{ q .Memory }}
      limits:
        cpu: 1000m
        memory: {{ q .MemoryLimit }}
{{- end -}}
`

// quoteScalar writes s as a YAML scalar, quoted only when it must be.
func quoteScalar(s string) string {
	b, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// flowList writes a command as ["a", "b"]: easy to read and edit.
func flowList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

var simpleQuantity = lazy.Regexp(`^([0-9]+)([A-Za-z]*)$`)

// doubleQuantity gives the memory limit for a request: twice it, so a
// short peak does not kill the pod.
func doubleQuantity(q string) string {
	m := simpleQuantity().FindStringSubmatch(q)
	if m == nil {
		return q
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return q
	}
	return strconv.Itoa(2*n) + m[2]
}
