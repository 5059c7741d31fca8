package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
)

const runValues = `appname: shop
env: {GLOBAL: g, SHARED: global}
build:
  base: b
  workdir: /srv/shop
deployments:
  web:
    command: [gunicorn, app:app]
    workingDir: /srv/shop/web
    env: {SHARED: web, PORT: "8000"}
  pinned:
    imageTag: 1600000000-aaaaaaa
cronjobs:
  nightly:
    image: busybox:1.36
    command: [sh, -c, "echo night"]
`

func TestRunRunsTheImageAsAPodWould(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": runValues})
	img := "r.example.com/t/shop:" + tag
	pod := " -e IMAGE_TAG=" + tag + " -e K8S_NAMESPACE=apps -e LAIN_CLUSTER=test "
	for _, c := range []struct {
		opts RunOptions
		want string
	}{
		{RunOptions{}, "docker run --rm -i -w /srv/shop -e GLOBAL=g" + pod + "-e SHARED=global " + img + " sh"},
		{RunOptions{Command: []string{"cat", "www/built.txt"}}, "docker run --rm -i -w /srv/shop -e GLOBAL=g" + pod + "-e SHARED=global " + img + " cat www/built.txt"},
		{RunOptions{Proc: "web"}, "docker run --rm -i -w /srv/shop/web -e GLOBAL=g" + pod + "-e PORT=8000 -e SHARED=web " + img + " gunicorn app:app"},
		{RunOptions{Proc: "web", User: "0", Command: []string{"id"}}, "docker run --rm -i -u 0 -w /srv/shop/web -e GLOBAL=g" + pod + "-e PORT=8000 -e SHARED=web " + img + " id"},
		{RunOptions{Proc: "pinned"}, "docker run --rm -i -w /srv/shop -e GLOBAL=g -e IMAGE_TAG=1600000000-aaaaaaa -e K8S_NAMESPACE=apps -e LAIN_CLUSTER=test -e SHARED=global r.example.com/t/shop:1600000000-aaaaaaa sh"},
		{RunOptions{Proc: "nightly"}, "docker run --rm -i -w /srv/shop -e GLOBAL=g -e IMAGE_TAG=1.36 -e K8S_NAMESPACE=apps -e LAIN_CLUSTER=test -e SHARED=global busybox:1.36 sh -c 'echo night'"},
		{RunOptions{Prepare: true, Command: []string{"ls"}}, "docker run --rm -i -w /srv/shop -e GLOBAL=g -e IMAGE_TAG=prepare -e K8S_NAMESPACE=apps -e LAIN_CLUSTER=test -e SHARED=global r.example.com/t/shop:prepare ls"},
	} {
		rec.Lines, rec.Cmds = nil, nil
		o := c.opts
		o.ImageEnv = env
		if err := runRun(context.Background(), &o); err != nil {
			t.Fatal(err)
		}
		if got := docker(rec); got != c.want {
			t.Errorf("%+v:\ngot  %s\nwant %s", c.opts, got, c.want)
		}
	}
}

func TestRunPassesTheContainersExitCodeQuietly(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": runValues})
	rec.On("docker run", "", 3)
	err := runRun(context.Background(), &RunOptions{ImageEnv: env, Command: []string{"false"}})
	if clierr.Code(err) != 3 || clierr.Format(err) != "" {
		t.Fatalf("%d %q", clierr.Code(err), clierr.Format(err))
	}
	env, rec, _, _ = newImageEnv(t, map[string]string{"chart/values.yaml": runValues})
	rec.On("docker run", "", 125)
	err = runRun(context.Background(), &RunOptions{ImageEnv: env})
	if got := clierr.Format(err); !strings.Contains(got, "docker could not run r.example.com/t/shop:"+tag) || !strings.Contains(got, "next: lain build") || clierr.Code(err) != 125 {
		t.Fatal(got)
	}
}

func TestRunRejectsWhatCannotWork(t *testing.T) {
	env, rec, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": runValues})
	for o, want := range map[*RunOptions]string{
		{Proc: "web", Prepare: true}: "--proc and --prepare do not go together",
		{Proc: "nope"}:               `no proc "nope" in chart/values.yaml (procs: pinned, web, nightly)`,
		{User: "root"}:               "-u root: want a user id",
	} {
		o.ImageEnv = env
		err := runRun(context.Background(), o)
		if got := clierr.Format(err); !strings.Contains(got, want) || clierr.Code(err) != 2 {
			t.Errorf("%s (exit %d)", got, clierr.Code(err))
		}
	}
	if docker(rec) != "" {
		t.Fatal(rec)
	}
}
