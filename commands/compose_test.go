package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/lain-cli/lain/internal/clierr"
)

func TestComposeWritesAServicePerLongRunningProc(t *testing.T) {
	env, _, _, errOut := newImageEnv(t, map[string]string{"chart/values.yaml": runValues + `statefulSets:
  db:
    command: [postgres]
    containerPort: 5432
`})
	o := &ComposeOptions{ImageEnv: env, Now: func() time.Time { return testNow }}
	if err := runCompose(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(env.Dir, ComposeFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			PullPolicy  string            `yaml:"pull_policy"`
			Command     []string          `yaml:"command"`
			WorkingDir  string            `yaml:"working_dir"`
			Volumes     []string          `yaml:"volumes"`
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	web, pinned, db := doc.Services["web"], doc.Services["pinned"], doc.Services["db"]
	if len(doc.Services) != 3 || web.Image != "r.example.com/t/shop:latest" || web.PullPolicy != "always" ||
		strings.Join(web.Command, " ") != "gunicorn app:app" || web.WorkingDir != "/srv/shop/web" ||
		strings.Join(web.Volumes, " ") != ".:/srv/shop" || web.Environment["SHARED"] != "web" || web.Environment["GLOBAL"] != "g" {
		t.Fatalf("%+v\n%s", doc, raw)
	}
	if pinned.Image != "r.example.com/t/shop:1600000000-aaaaaaa" || pinned.PullPolicy != "" || strings.Join(db.Ports, " ") != "5432:5432" {
		t.Fatalf("%+v", doc)
	}
	for _, want := range []string{"# docker-compose.yaml for developing shop locally", "# lain push overwrites :latest", "#   image: redis:7", "MYSQL_DATABASE: shop"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("no %q in\n%s", want, raw)
		}
	}
	if !strings.Contains(errOut.String(), "wrote docker-compose.yaml with 3 service(s)") {
		t.Error(errOut.String())
	}

	// Kept unless --force, which backs the old one up.
	os.WriteFile(filepath.Join(env.Dir, ComposeFile), []byte("mine\n"), 0o644)
	if got := clierr.Format(runCompose(context.Background(), o)); !strings.Contains(got, "docker-compose.yaml exists; lain compose does not overwrite it\n  next: lain compose --force") {
		t.Fatal(got)
	}
	o.Force = true
	if err := runCompose(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(env.Dir, ComposeFile+".backup-20261125-123000")); string(b) != "mine\n" {
		t.Fatalf("backup %q", b)
	}
}

func TestComposeNeedsAProcToRun(t *testing.T) {
	env, _, _, _ := newImageEnv(t, map[string]string{"chart/values.yaml": "appname: shop\njobs:\n  migrate: {command: [migrate]}\n"})
	if got := clierr.Format(runCompose(context.Background(), &ComposeOptions{ImageEnv: env})); !strings.Contains(got, "no deployments or statefulSets") {
		t.Fatal(got)
	}
}
