package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/testenv"

	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/runner"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if got := clierr.Format(err); got != "lain: no chart/values.yaml in "+dir+": this is not a lain app (yet)\n  next: lain init   # asks a few questions and writes chart/\n" {
		t.Fatal(got)
	}
	writeFiles(t, dir, map[string]string{"chart/values.yaml": "appname: [shop\n"})
	_, err = Load(dir)
	if got := clierr.Format(err); !strings.HasPrefix(got, "lain: chart/values.yaml:1:10: not valid YAML: did not find expected ',' or ']'") || clierr.Code(err) != 2 {
		t.Fatal(got)
	}
	writeFiles(t, dir, map[string]string{"chart/values.yaml": "- a\n"})
	_, err = Load(dir)
	if got := clierr.Format(err); !strings.HasPrefix(got, "lain: chart/values.yaml:1:1: the file must be a map") {
		t.Fatal(got)
	}
}

func TestLoadNamesAndValuesFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"chart/values.yaml":      "appname: shop\nreleaseName: shop-blue\ndeployments:\n  web: {}\n  worker: {}\ncronjobs:\n  nightly: {}\n",
		"chart/values-prod.yaml": "deployments:\n  api: {}\njobs:\n  migrate: {}\n",
		"extra.yaml":             "statefulSets:\n  db: {}\n",
	})
	a, err := Load(dir)
	if err != nil || a.Name != "shop" || a.Release != "shop-blue" {
		t.Fatalf("%+v %v", a, err)
	}
	files, err := a.ValuesFiles("prod", []string{"extra.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if !reflect.DeepEqual(names, []string{"chart/values.yaml", "chart/values-prod.yaml", "extra.yaml"}) {
		t.Fatal(names)
	}
	if got := ProcNames(dir, "prod"); !reflect.DeepEqual(got, []string{"api", "web", "worker", "nightly", "migrate"}) {
		t.Errorf("prod procs %v", got)
	}
	if got := ProcNames(dir, "test"); !reflect.DeepEqual(got, []string{"web", "worker", "nightly"}) {
		t.Errorf("test procs %v", got)
	}
	if got := ProcNames(t.TempDir(), "prod"); got != nil {
		t.Errorf("not an app: %v", got)
	}
	if _, err := a.ValuesFiles("prod", []string{"missing.yaml"}); clierr.Format(err) != "lain: missing.yaml: no such file\n  next: check the path\n" {
		t.Error(clierr.Format(err))
	}
}

func TestDetectProject(t *testing.T) {
	cases := []struct {
		files              map[string]string
		kind, base, script string
		port               int
		web, job           string
	}{
		{map[string]string{"requirements.txt": "flask\ngunicorn\n"}, "python", "python:3.12-slim", "pip install --no-cache-dir -r requirements.txt", 5000, "gunicorn --bind 0.0.0.0:5000 app:app", "python migrate.py"},
		{map[string]string{"pyproject.toml": "[project]\n", "manage.py": ""}, "python", "python:3.12-slim", "pip install --no-cache-dir .", 5000, "python app.py", "python manage.py migrate"},
		{map[string]string{"package.json": "{}", "package-lock.json": "{}"}, "node", "node:20-slim", "npm ci", 3000, "npm start", "npm run migrate"},
		{map[string]string{"package.json": "{}", "yarn.lock": ""}, "node", "node:20-slim", "yarn install --frozen-lockfile", 3000, "npm start", "npm run migrate"},
		{map[string]string{"go.mod": "module x\n\ngo 1.22.3\n"}, "go", "golang:1.22", "go build -o app .", 8080, "./app", "./app migrate"},
		{map[string]string{"pom.xml": "<project/>"}, "java", "maven:3-eclipse-temurin-21", "mvn -B -q package -DskipTests", 8080, "java -jar target/app.jar", "java -jar target/app.jar migrate"},
		{map[string]string{"Gemfile": ""}, "ruby", "ruby:3.3", "bundle install", 3000, "bundle exec rackup --host 0.0.0.0 --port 3000", "bundle exec rake db:migrate"},
		{map[string]string{"public/index.html": "<h1>hi</h1>"}, "static", "busybox:stable", "", 8080, "httpd -f -v -p 8080 -h /lain/app/public", "sh -c echo replace this command in chart/values.yaml; sleep 3600"},
		{map[string]string{"README": ""}, "", "debian:12-slim", "", 8080, "./start.sh", "./migrate.sh"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		writeFiles(t, dir, c.files)
		p := DetectProject(dir)
		if p.Kind != c.kind || p.Base != c.base || strings.Join(p.Script, " && ") != c.script || p.Port != c.port ||
			strings.Join(p.Commands["web"], " ") != c.web || strings.Join(p.Commands["job"], " ") != c.job {
			t.Errorf("%v: got %+v", c.files, p)
		}
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"index.html": "", "Dockerfile": "FROM x\n"})
	if p := DetectProject(dir); p.Kind != "" || !p.HasDockerfile {
		t.Errorf("a Dockerfile site is not Dockerfile-free: %+v", p)
	}
}

func TestTemplateKeysReadsOnlyTheUsersTemplates(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"chart/values.yaml":                "appname: shop\n",
		"chart/templates/deployments.yaml": "{{ .Values.notMine }}",
		"chart/templates/extra/mine.yaml":  `{{ .Values.myFeature.on }} {{ index .Values "my-key" }} {{ $.Values.other }}`,
	})
	a, _ := Load(dir)
	if got := a.TemplateKeys([]string{"templates/deployments.yaml"}); !reflect.DeepEqual(got, []string{"my-key", "myFeature", "other"}) {
		t.Fatal(got)
	}
}

func TestImageTagAndRemoteFromGit(t *testing.T) {
	rec := &runner.Recorder{}
	rec.On("git log", "1700000000-abc", 0)
	rec.On("git remote", "git@git.example.com:team/shop.git\n", 0)
	if got := ImageTag(context.Background(), rec, "/app"); got != "1700000000-abc" {
		t.Error(got)
	}
	if got := RepoURL(context.Background(), rec, "/app"); got != "git@git.example.com:team/shop.git" {
		t.Error(got)
	}
	if rec.Lines[0] != "git log -1 --pretty=format:%ct-%H" || rec.Cmds[0].Dir != "/app" || !rec.Cmds[0].Quiet || rec.Cmds[0].Mutates {
		t.Errorf("%q %+v", rec.Lines, rec.Cmds[0])
	}
	outside := &runner.Recorder{}
	outside.On("git", "", 128)
	if got := ImageTag(context.Background(), outside, "/tmp"); got != "latest" {
		t.Error(got)
	}
	if top, err := GitTopLevel(context.Background(), outside, "/tmp"); top != "" || err != nil {
		t.Error(top, err)
	}
}

func TestImageTagOfARealCommit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		testenv.Missing(t, "git is not installed")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	r := runner.NewExec(runner.Options{Out: &out, ErrOut: &out, Env: append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")})
	if got := ImageTag(context.Background(), r, dir); got != "latest" {
		t.Fatalf("outside a repo: %q", got)
	}
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "first"}} {
		if _, err := r.Run(context.Background(), runner.Cmd{Name: git, Args: args, Dir: dir, Capture: true}); err != nil {
			t.Fatal(err)
		}
	}
	if got := ImageTag(context.Background(), r, dir); !regexp.MustCompile(`^[0-9]{10}-[0-9a-f]{40}$`).MatchString(got) {
		t.Fatalf("tag %q", got)
	}
}

// TestBrokenValuesFilesAreLocated: issue 14, points 3 and 5, as lain lint
// and completion read chart/values.yaml.
func TestBrokenValuesFilesAreLocated(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"tab", "appname: shop\ndeployments:\n\tweb: {}\n", "chart/values.yaml:3:1: a tab in the indentation: YAML indents with spaces only"},
		{"invalid UTF-8", "appname: shop\nenv:\n  A: caf\xe9\n", "chart/values.yaml:3:9: byte 0xE9 is not UTF-8"},
		{"NUL", "appname: shop\x00\n", "chart/values.yaml:1:14: a NUL byte"},
		{"syntax", "appname: shop\ndeployments:\n  web: {containerPort: 80\n", "chart/values.yaml:3:8: not valid YAML: did not find expected ',' or '}'"},
		{"duplicate key", "appname: shop\nenv: {}\nappname: x\n", "chart/values.yaml:3:1: appname: defined twice (first on line 1): keep one"},
		{"too big", "appname: shop\n" + strings.Repeat("# padding\n", 5<<20/10), "chart/values.yaml: the file is over 4 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"chart/values.yaml": c.yaml})
			_, err := Load(dir)
			if got := clierr.Format(err); !strings.HasPrefix(got, "lain: "+c.want) || clierr.Code(err) != 2 {
				t.Fatal(got)
			}
			if ProcNames(dir, "") != nil {
				t.Fatal("completion offered procs of a broken file")
			}
		})
	}
}

func TestAliasesAndMergeKeysInValues(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"chart/values.yaml": "appname: shop\nx: &d {command: [run]}\ndeployments:\n  web: {<<: *d, containerPort: 80}\n  worker: *d\n"})
	if got := ProcNames(dir, ""); strings.Join(got, ",") != "web,worker" {
		t.Fatal(got)
	}
}
