package image

import (
	"strings"
	"testing"
)

func fullSpec(t *testing.T) *Spec {
	t.Helper()
	s, err := ParseSpec("shop", values(t, fullValues+"\n"), func(string) string { return "https://pypi.example.com" })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDockerfileOfThePrepareStage(t *testing.T) {
	got, err := fullSpec(t).Dockerfile(StagePrepare, "r.example.com/team", PrepareTag)
	if err != nil {
		t.Fatal(err)
	}
	want := GeneratedHeader + `

FROM python:3.12-slim AS prepare
ARG PIP_INDEX_URL
WORKDIR /lain/app
ENV PIP_NO_CACHE_DIR="1"
ADD --chown=1001:1001 . /lain/app
RUN pip install -r requirements.txt
RUN echo treasure > treasure.txt
RUN find . ! -type d ! -path './node_modules' ! -path './node_modules/*' ! -path './treasure.txt' ! -path './treasure.txt/*' -exec rm -f {} +
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestDockerfileOfBuildAndReleaseStages(t *testing.T) {
	got, err := fullSpec(t).Dockerfile(StageRelease, "r.example.com/team", "1700000000-abc")
	if err != nil {
		t.Fatal(err)
	}
	want := GeneratedHeader + `

FROM r.example.com/team/shop:prepare AS build
ARG PIP_INDEX_URL
WORKDIR /lain/app
ENV PATH="/lain/app/node_modules/.bin:${PATH}" WORKERS="4"
ENV LAIN_META="1700000000-abc"
ADD --chown=1001:1001 . /lain/app
RUN (pip install -r requirements.txt) && (npm run build)

FROM python:3.12-slim AS release
ARG PIP_INDEX_URL
WORKDIR /lain/app
ENV LAIN_META="1700000000-abc"
COPY --chown=1001:1001 --from=build /lain/app/dist /lain/app/dist
COPY --chown=1001:1001 --from=build /etc/nginx /etc/nginx2
COPY --chown=1001:1001 --from=build /lain/app/static /lain/app/static
ENV MODE="release"
USER 1001
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestDockerfileOfASimpleApp(t *testing.T) {
	s, err := ParseSpec("hello", values(t, `
build:
  base: 127.0.0.1:5000/lab/busybox:latest
  workdir: /srv
  env: {QUOTE: "say \"hi\" \\ $HOME"}
  script: ['echo "built by lain" > www/built.txt']
`), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Dockerfile(StageBuild, "docker.io/acme", "latest")
	want := GeneratedHeader + `

FROM 127.0.0.1:5000/lab/busybox:latest AS build
WORKDIR /srv
ENV QUOTE="say \"hi\" \\ $HOME"
ENV LAIN_META="latest"
ADD --chown=1001:1001 . /srv
RUN (echo "built by lain" > www/built.txt)
USER 1001
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, err := s.Dockerfile(StagePrepare, "x", "y"); err == nil || !strings.Contains(err.Error(), "build.prepare: missing") {
		t.Fatal(err)
	}
	if _, err := s.Dockerfile(StageRelease, "x", "y"); err == nil {
		t.Fatal("release without a release clause")
	}
}

func TestDockerIgnoreFromGitignore(t *testing.T) {
	got := DockerIgnore("# deps\nnode_modules/\n/dist\n*.pyc\nbuild/out\n!keep.pyc\n!/top.pyc\n**/cache\n\n")
	want := GeneratedHeader + `
**/.git
# from .gitignore:
**/node_modules/
dist
**/*.pyc
build/out
!**/keep.pyc
!top.pyc
**/cache
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := DockerIgnore(""); got != GeneratedHeader+"\n**/.git\n" {
		t.Fatal(got)
	}
}
