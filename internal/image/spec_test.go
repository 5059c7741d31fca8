package image

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func values(t *testing.T, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func noEnv(string) string { return "" }

func TestNamesAndTags(t *testing.T) {
	for _, c := range []struct{ registry, want string }{
		{"127.0.0.1:5000/lain", "127.0.0.1:5000/lain/shop:1-abc"},
		{"docker.io/acme", "acme/shop:1-abc"},
		{"harbor.example.com/team/sub/", "harbor.example.com/team/sub/shop:1-abc"},
	} {
		if got := Name(c.registry, "shop", "1-abc"); got != c.want {
			t.Errorf("%s: %s", c.registry, got)
		}
	}
	for image, want := range map[string][2]string{
		"127.0.0.1:5000/lain/shop:1-abc": {"127.0.0.1:5000/lain/shop", "1-abc"},
		"127.0.0.1:5000/lain/shop":       {"127.0.0.1:5000/lain/shop", "latest"},
		"busybox":                        {"busybox", "latest"},
		"r.example.com/x@sha256:abc":     {"r.example.com/x@sha256:abc", ""},
	} {
		if repo, tag := SplitName(image); repo != want[0] || tag != want[1] {
			t.Errorf("%s: %s %s", image, repo, tag)
		}
	}
	for image, want := range map[string]string{"127.0.0.1:5000/lain/x:1": "127.0.0.1:5000", "acme/x": "docker.io", "busybox": "docker.io", "localhost/x": "localhost", "r.example.com/a/b": "r.example.com"} {
		if got := Host(image); got != want {
			t.Errorf("%s: %s", image, got)
		}
	}
}

const fullValues = `
appname: shop
build:
  base: python:3.12-slim
  env:
    PATH: "/lain/app/node_modules/.bin:${PATH}"
    WORKERS: 4
  prepare:
    script:
      - pip install -r requirements.txt
      - echo treasure > treasure.txt
    keep:
      - ./node_modules/
      - treasure.txt
    env:
      PIP_NO_CACHE_DIR: "1"
  script:
    - pip install -r requirements.txt
    - npm run build
build_args:
  PIP_INDEX_URL: ${CALLER_INDEX}/simple
release:
  env:
    MODE: release
  copy:
    - src: dist
    - src: /etc/nginx
      dest: /etc/nginx2
    - /lain/app/static
`

func TestParseSpecReadsEveryClause(t *testing.T) {
	s, err := ParseSpec("shop", values(t, fullValues), func(k string) string { return map[string]string{"CALLER_INDEX": "https://pypi.example.com"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := &Spec{
		Appname: "shop", Base: "python:3.12-slim", Workdir: "/lain/app",
		Env:    []EnvVar{{"PATH", "/lain/app/node_modules/.bin:${PATH}"}, {"WORKERS", "4"}},
		Script: []string{"pip install -r requirements.txt", "npm run build"},
		Prepare: &Prepare{Script: []string{"pip install -r requirements.txt", "echo treasure > treasure.txt"},
			Keep: []string{"./node_modules", "./treasure.txt"}, Env: []EnvVar{{"PIP_NO_CACHE_DIR", "1"}}},
		Release: &Release{DestBase: "python:3.12-slim", Workdir: "/lain/app", Env: []EnvVar{{"MODE", "release"}},
			Copy: []Copy{{"/lain/app/dist", "/lain/app/dist"}, {"/etc/nginx", "/etc/nginx2"}, {"/lain/app/static", "/lain/app/static"}}},
		BuildArgs: []BuildArg{{Name: "PIP_INDEX_URL", Value: "https://pypi.example.com/simple"}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
	if s.Final() != StageRelease {
		t.Fatal(s.Final())
	}
}

func TestParseSpecSaysWhatIsWrong(t *testing.T) {
	for doc, want := range map[string]string{
		"appname: shop\n":           "build: missing: lain build needs build.base",
		"build: {script: [make]}\n": "build.base: missing",
		"build: {base: x, prepare: {script: [a], keep: ['*.so']}}": `build.prepare.keep[0]: "*.so": no wildcards`,
		"build: {base: x, prepare: {script: [a], keep: [/abs]}}":   `build.prepare.keep[0]: "/abs": must be relative`,
		"build: {base: x, prepare: {script: [a], keep: [../up]}}":  "build.prepare.keep[0]: must name something inside",
		"build: {base: x, env: {1BAD: x}}":                         "build.env.1BAD: not a valid environment variable name",
		"build: {base: x}\nrelease: {copy: [{dest: /x}]}":          "release.copy[0]: needs src",
		"build: {base: x}\nbuild_args: [OK, 'not ok']":             `build_args[1]: "not ok" is not a valid variable name`,
		"build: {base: x}\nbuild_args: just-a-string":              "build_args: must be a list of variable names",
	} {
		_, err := ParseSpec("shop", values(t, doc), noEnv)
		var se *SpecError
		if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v", doc, err)
		}
	}
	// A cluster's values may blank prepare out (prepare: null).
	s, err := ParseSpec("shop", values(t, "build: {base: x, prepare: null}\nbuild_args: [TOKEN]"), noEnv)
	if err != nil || s.Prepare != nil || s.Final() != StageBuild || !reflect.DeepEqual(s.BuildArgs, []BuildArg{{Name: "TOKEN", FromEnv: true}}) {
		t.Fatalf("%+v %v", s, err)
	}
	if s.BuildArgs[0].Flag() != "TOKEN" {
		t.Fatal(s.BuildArgs[0].Flag())
	}
}
