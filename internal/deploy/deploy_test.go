package deploy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/app"
	"github.com/lain-cli/lain/internal/clierr"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/helmargs"
	"github.com/lain-cli/lain/internal/runner"
)

type fakeRegistry struct{ tags []string }

func (f fakeRegistry) Exists(_ context.Context, _, tag string) (bool, error) {
	for _, t := range f.tags {
		if t == tag {
			return true, nil
		}
	}
	return false, nil
}
func (f fakeRegistry) Tags(context.Context, string) ([]string, error) { return f.tags, nil }

// helmRecorder is a Recorder whose failing helm commands say "not found"
// on stderr, as helm does for a missing release.
type helmRecorder struct{ runner.Recorder }

func (h *helmRecorder) Run(ctx context.Context, c runner.Cmd) (runner.Result, error) {
	res, err := h.Recorder.Run(ctx, c)
	if err != nil && c.Name == "helm" {
		res.Stderr = []byte("Error: release: not found")
	}
	return res, err
}

func request(t *testing.T) *Request {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "chart"), 0o755)
	os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte("appname: shop\n"), 0o644)
	a, err := app.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &clusterconfig.Config{Cluster: "prod", Values: clusterconfig.Values{Registry: "r.example.com/x"}}
	return &Request{App: a, Cluster: cfg, Values: map[string]any{},
		Helm: helmargs.Options{Cluster: "prod", User: "ann", ImageTag: "1700-abc", ClusterValues: "/tmp/c.yaml"}}
}

func TestDeployRunsHelmWithTheReferenceOptions(t *testing.T) {
	q := request(t)
	q.Sets = []string{"imageTag=1800-def"}
	rec := &helmRecorder{}
	rec.On("helm history shop-canary", "", 1)
	rec.On("helm history shop", "", 1)
	rec.On("kubectl get secret shop-env", "", 1)
	var errOut strings.Builder
	d := &Deployer{Runner: rec, ErrOut: &errOut, Registry: fakeRegistry{tags: []string{"1800-def"}}}
	res, err := d.Deploy(context.Background(), q)
	if err != nil {
		t.Fatal(err, rec)
	}
	want := "helm upgrade --timeout=300s --set cluster=prod,user=ann,repo_url=,imageTag=1700-abc --install -f /tmp/c.yaml shop ./chart --set imageTag=1800-def"
	if !strings.Contains(rec.String(), want) || !strings.Contains(rec.String(), "kubectl create secret generic shop-env") {
		t.Fatalf("commands:\n%s", rec)
	}
	if res.Image != "r.example.com/x/shop:1800-def" {
		t.Error(res.Image)
	}
}

func TestMissingImageSuggestsRecentTagsAndBuild(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}, Registry: fakeRegistry{tags: []string{"1700000000-aaaaaaa", "prepare", "1700000050-bbbbbbb"}}}
	_, err := d.Deploy(context.Background(), q)
	var ce *clierr.Error
	if !errors.As(err, &ce) {
		t.Fatal(err)
	}
	if ce.Msg != "image r.example.com/x/shop:1700-abc is not in the registry; recent tags:\n  1700000050-bbbbbbb\n  1700000000-aaaaaaa" ||
		ce.Next != "lain deploy --set imageTag=1700000050-bbbbbbb   # the newest image; or: lain deploy --build   # build and push this commit's image first" {
		t.Fatalf("%q\n%q", ce.Msg, ce.Next)
	}
	if strings.Contains(rec.String(), "helm upgrade") {
		t.Error("helm ran")
	}
	// --build builds the missing image, then deploys.
	built := ""
	q.Build = func(_ context.Context, tag string) error { built = tag; return nil }
	rec.On("helm history", "", 1)
	if _, err := d.Deploy(context.Background(), q); err != nil || built != "1700-abc" {
		t.Fatal(err, built)
	}
}

func TestDeployRefusedDuringCanary(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("helm history shop-canary", `[{"revision":1,"status":"deployed"}]`, 0)
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
	_, err := d.Deploy(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "a canary of shop is ongoing") {
		t.Fatal(err)
	}
}

func TestStuckReleaseExplainedOrRolledBack(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("helm history shop-canary", "", 1)
	rec.On("helm history shop ", `[{"revision":1,"status":"superseded"},{"revision":2,"status":"failed"},{"revision":3,"status":"pending-upgrade","description":"Preparing upgrade"}]`, 0)
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
	_, err := d.Deploy(context.Background(), q)
	var ce *clierr.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "stuck in pending-upgrade (revision 3") || !strings.Contains(ce.Next, "helm rollback shop 1") {
		t.Fatal(err)
	}
	q.AutoPilot = true
	d.Deploy(context.Background(), q)
	if !strings.Contains(rec.String(), "helm rollback shop 1") {
		t.Fatal(rec)
	}
}

func TestImageTagFromSets(t *testing.T) {
	q := &Request{Helm: helmargs.Options{ImageTag: "a"}, Sets: []string{"x=1,imageTag=b", `y=c\,d`}}
	if q.ImageTag() != "b" {
		t.Error(q.ImageTag())
	}
}
