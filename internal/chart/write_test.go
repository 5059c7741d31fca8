package chart

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestFilesCarryTheVersionAndEveryTemplate(t *testing.T) {
	files := Files("shop")
	if !strings.Contains(string(files["Chart.yaml"]), "\nname: shop\n") || !strings.Contains(string(files["Chart.yaml"]), "\nversion: "+Version+"\n") {
		t.Fatalf("Chart.yaml:\n%s", files["Chart.yaml"])
	}
	for _, want := range []string{"templates/_helpers.tpl", "templates/deployments.yaml", "templates/statefulsets.yaml", "templates/services.yaml",
		"templates/ingresses.yaml", "templates/jobs.yaml", "templates/cronjobs.yaml", "templates/tests.yaml", "templates/hpa.yaml",
		"templates/persistentvolumeclaims.yaml", "templates/networkpolicy.yaml"} {
		if _, ok := files[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	if !strings.Contains(string(files[SchemaFile]), `"appname"`) {
		t.Errorf("%s lacks appname:\n%.300s", SchemaFile, files[SchemaFile])
	}
	for p := range files {
		// values.schema.json is lain's (generated from lint's schema); the
		// values files are the user's.
		if strings.HasPrefix(filepath.Base(p), "values") && p != SchemaFile {
			t.Errorf("lain must never own %s", p)
		}
	}
}

func TestWriteTemplatesKeepsTheUsersFiles(t *testing.T) {
	dir := t.TempDir()
	mine := map[string]string{"values.yaml": "appname: shop\n", "values-prod.yaml": "x: 1\n", "templates/mine.yaml": "# my own\n"}
	for p, c := range mine {
		WriteAtomic(filepath.Join(dir, p), []byte(c), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "templates", "deployments.yaml"), []byte("# an old version\n"), 0o644)
	changes, err := WriteTemplates(dir, "shop")
	if err != nil {
		t.Fatal(err)
	}
	var updated []string
	for _, c := range changes {
		if !c.Created {
			updated = append(updated, c.Path)
		}
	}
	if len(changes) != len(Files("shop")) || strings.Join(updated, ",") != "templates/deployments.yaml" {
		t.Fatalf("changes %+v", changes)
	}
	for p, c := range mine {
		if b, _ := os.ReadFile(filepath.Join(dir, p)); string(b) != c {
			t.Errorf("%s changed: %q", p, b)
		}
	}
	// A second write changes nothing and leaves no temp files behind.
	if again, _ := WriteTemplates(dir, "shop"); len(again) != 0 {
		t.Errorf("rewrote %v", again)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

func TestWriteValuesNeverOverwritesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)
	if b, err := WriteValues(dir, []byte("appname: a\n"), false, now); err != nil || b != "" {
		t.Fatal(b, err)
	}
	if _, err := WriteValues(dir, []byte("appname: b\n"), false, now); !errors.Is(err, ErrValuesExist) {
		t.Fatal(err)
	}
	backup, err := WriteValues(dir, []byte("appname: c\n"), true, now)
	if err != nil || backup != filepath.Join(dir, "values.yaml.backup-20261125-123000") {
		t.Fatal(backup, err)
	}
	if b, _ := os.ReadFile(backup); string(b) != "appname: a\n" {
		t.Errorf("backup %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "values.yaml")); string(b) != "appname: c\n" {
		t.Errorf("values %q", b)
	}
}

func TestInstalledVersionAndCompare(t *testing.T) {
	dir := t.TempDir()
	if v, err := InstalledVersion(dir); v != "" || err != nil {
		t.Fatal(v, err)
	}
	os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: x\nversion: 0.9.1\n"), 0o644)
	if v, _ := InstalledVersion(dir); v != "0.9.1" || Compare(v, Version) >= 0 {
		t.Fatalf("%q", v)
	}
	for _, c := range []struct {
		a, b string
		want int
	}{{"1.0.0", "1.0.0", 0}, {"1.2", "1.10.0", -1}, {"v2.0.0", "1.9.9", 1}, {"1.0.0-rc1", "1.0.0", 0}, {"junk", "0.0.1", -1}} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%s, %s) = %d", c.a, c.b, got)
		}
	}
}

func TestStarterValuesIsValidYAMLWithAnswers(t *testing.T) {
	out := StarterValues(Answers{
		Appname: "shop", Base: "node:20-slim", Script: []string{"npm ci", `echo "done: ok"`}, Host: "shop", CPU: "100m", Memory: "256Mi",
		Procs: []Proc{
			{Kind: Web, Port: 3000, Command: []string{"npm", "start"}},
			{Kind: Worker, Command: []string{"node", "worker.js"}},
			{Kind: Cron, Command: []string{"node", "cron.js"}, Schedule: "0 * * * *"},
			{Kind: Job, Command: []string{"npm", "run", "migrate"}},
		},
	})
	var v struct {
		Appname string
		Build   struct {
			Base   string
			Script []string
		}
		Deployments map[string]struct {
			Command       []string
			ContainerPort int `yaml:"containerPort"`
			Resources     struct{ Limits map[string]string }
		}
		Cronjobs  map[string]struct{ Schedule string }
		Jobs      map[string]struct{ Command []string }
		Ingresses []struct {
			Host       string
			DeployName string `yaml:"deployName"`
		}
	}
	if err := yaml.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Appname != "shop" || v.Build.Script[1] != `echo "done: ok"` || v.Deployments["web"].ContainerPort != 3000 ||
		v.Deployments["worker"].Command[1] != "worker.js" || v.Deployments["web"].Resources.Limits["memory"] != "512Mi" ||
		v.Cronjobs["cron"].Schedule != "0 * * * *" || v.Jobs["migrate"].Command[2] != "migrate" ||
		len(v.Ingresses) != 1 || v.Ingresses[0].DeployName != "web" {
		t.Fatalf("%+v\n%s", v, out)
	}
}

// A template the user edited is replaced only after a copy of it is kept;
// a run with nothing to replace makes no backup.
func TestUpgradeTemplatesKeepsWhatItReplaces(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "templates", "deployments.yaml"), []byte("# my tweak\n"), 0o644)
	changes, err := UpgradeTemplates(dir, "shop", now)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, c := range changes {
		if c.Backup != "" {
			kept = append(kept, c.Backup)
		}
	}
	if strings.Join(kept, ",") != RetireDir(now)+"/deployments.yaml" {
		t.Fatalf("backups %v", kept)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, RetireDir(now), "deployments.yaml")); string(b) != "# my tweak\n" {
		t.Fatalf("backup holds %q", b)
	}
	if again, _ := UpgradeTemplates(dir, "shop", now.Add(time.Hour)); len(again) != 0 {
		t.Fatalf("rewrote %v", again)
	}
	if dirs, _ := filepath.Glob(filepath.Join(dir, "templates.backup-*")); len(dirs) != 1 {
		t.Fatalf("backup dirs %v", dirs)
	}
}
