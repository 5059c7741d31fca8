package app

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"
)

// Project is what an app repository looks like, and the build and run
// commands lain init proposes for it.
type Project struct {
	Kind     string // python, node, go, java, ruby, static, or "" when unknown
	Evidence string // the file that gave it away
	Base     string // build.base
	Script   []string
	Port     int
	// Commands proposed for each proc kind (web, worker, cron, job).
	Commands map[string][]string
	// HasDockerfile: lain build writes its own Dockerfile and refuses to
	// overwrite one, so init warns.
	HasDockerfile bool
}

// Description names the project kind for people.
func (p Project) Description() string {
	names := map[string]string{"python": "a Python project", "node": "a Node.js project", "go": "a Go project",
		"java": "a Java (Maven) project", "ruby": "a Ruby project", "static": "a static site"}
	if n, ok := names[p.Kind]; ok {
		return n + " (" + p.Evidence + ")"
	}
	return "a project of a kind lain does not recognise"
}

// DetectProject looks at the files in dir, in the order a mixed repository
// is most likely to be deployed as (a Python app with a package.json for its
// assets is a Python app).
func DetectProject(dir string) Project {
	has := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	p := Project{HasDockerfile: has("Dockerfile")}
	switch {
	case has("requirements.txt") || has("pyproject.toml"):
		p.Kind, p.Base, p.Port = "python", "python:3.12-slim", 5000
		p.Evidence = "requirements.txt"
		p.Script = []string{"pip install --no-cache-dir -r requirements.txt"}
		if !has("requirements.txt") {
			p.Evidence, p.Script = "pyproject.toml", []string{"pip install --no-cache-dir ."}
		}
		web := []string{"python", "app.py"}
		if strings.Contains(strings.ToLower(read("requirements.txt")+read("pyproject.toml")), "gunicorn") {
			web = []string{"gunicorn", "--bind", "0.0.0.0:5000", "app:app"}
		}
		p.Commands = commands(web, []string{"python", "worker.py"}, []string{"python", "cron.py"}, []string{"python", "migrate.py"})
		if has("manage.py") {
			p.Commands["job"] = []string{"python", "manage.py", "migrate"}
		}
	case has("package.json"):
		p.Kind, p.Evidence, p.Base, p.Port = "node", "package.json", "node:20-slim", 3000
		switch {
		case has("package-lock.json"):
			p.Script = []string{"npm ci"}
		case has("yarn.lock"):
			p.Script = []string{"yarn install --frozen-lockfile"}
		default:
			p.Script = []string{"npm install"}
		}
		p.Commands = commands([]string{"npm", "start"}, []string{"node", "worker.js"}, []string{"node", "cron.js"}, []string{"npm", "run", "migrate"})
	case has("go.mod"):
		p.Kind, p.Evidence, p.Base, p.Port = "go", "go.mod", "golang:"+goVersion(read("go.mod")), 8080
		p.Script = []string{"go build -o app ."}
		p.Commands = commands([]string{"./app"}, []string{"./app", "worker"}, []string{"./app", "cron"}, []string{"./app", "migrate"})
	case has("pom.xml"):
		p.Kind, p.Evidence, p.Base, p.Port = "java", "pom.xml", "maven:3-eclipse-temurin-21", 8080
		p.Script = []string{"mvn -B -q package -DskipTests"}
		jar := []string{"java", "-jar", "target/app.jar"}
		p.Commands = commands(jar, append(jar, "worker"), append(jar, "cron"), append(jar, "migrate"))
	case has("Gemfile"):
		p.Kind, p.Evidence, p.Base, p.Port = "ruby", "Gemfile", "ruby:3.3", 3000
		p.Script = []string{"bundle install"}
		p.Commands = commands([]string{"bundle", "exec", "rackup", "--host", "0.0.0.0", "--port", "3000"},
			[]string{"bundle", "exec", "ruby", "worker.rb"}, []string{"bundle", "exec", "ruby", "cron.rb"}, []string{"bundle", "exec", "rake", "db:migrate"})
	default:
		if root, ok := staticRoot(has); ok && !p.HasDockerfile {
			p.Kind, p.Evidence, p.Base, p.Port = "static", filepath.Join(root, "index.html"), "busybox:stable", 8080
			p.Commands = commands([]string{"httpd", "-f", "-v", "-p", "8080", "-h", filepath.Join("/lain/app", root)}, nil, nil, nil)
			break
		}
		p.Base, p.Port = "debian:12-slim", 8080
		p.Commands = commands([]string{"./start.sh"}, []string{"./worker.sh"}, []string{"./cron.sh"}, []string{"./migrate.sh"})
	}
	return p
}

func commands(web, worker, cron, job []string) map[string][]string {
	out := map[string][]string{"web": web, "worker": worker, "cron": cron, "job": job}
	for k, v := range out {
		if v == nil {
			out[k] = []string{"sh", "-c", "echo replace this command in chart/values.yaml; sleep 3600"}
		}
	}
	return out
}

// staticRoot finds the directory of a static site's index.html.
func staticRoot(has func(string) bool) (string, bool) {
	for _, d := range []string{".", "public", "www", "dist", "site", "build"} {
		if has(filepath.Join(d, "index.html")) {
			return d, true
		}
	}
	return "", false
}

var goDirective = lazy.Regexp(`(?m)^go\s+([0-9]+\.[0-9]+)`)

// goVersion is the golang image tag for go.mod's go directive (1.22.3 ->
// 1.22); "1" (the newest) when it has none.
func goVersion(gomod string) string {
	if m := goDirective().FindStringSubmatch(gomod); m != nil {
		return m[1]
	}
	return "1"
}
