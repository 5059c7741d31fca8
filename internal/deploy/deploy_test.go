package deploy

import (
	"context"
	"errors"
	"fmt"
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

// secretsTable is kubectl get secrets,jobs -L owner,name,status,version,
// app.kubernetes.io/name,lain.dev/one-off as kubectl 1.33 prints it: the
// env Secret when env, helm's records "rel:rev:status", and one-off jobs
// "name:STATUS".
func secretsTable(env bool, records []string, jobs ...string) string {
	var b strings.Builder
	row := "%-40s%-21s%-7s%-7s%-8s%-14s%-17s%-10s%-7s%-9s%s\n"
	fmt.Fprintf(&b, row, "NAME", "TYPE", "DATA", "AGE", "OWNER", "NAME", "STATUS", "VERSION", "NAME", "ONE-OFF", "CHART")
	if env {
		fmt.Fprintf(&b, row, "secret/shop-env", "Opaque", "0", "2m", "", "", "", "", "", "", "")
	}
	for _, r := range records {
		p := strings.Split(r, ":")
		fmt.Fprintf(&b, row, "secret/sh.helm.release.v1."+p[0]+".v"+p[1], "helm.sh/release.v1", "1", "2m", "helm", p[0], p[2], p[1], "", "", "")
	}
	if len(jobs) > 0 {
		jrow := "%-30s%-11s%-13s%-10s%-7s%-8s%-14s%-17s%-10s%-7s%-9s%s\n"
		fmt.Fprintf(&b, "\n"+jrow, "NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "OWNER", "NAME", "STATUS", "VERSION", "NAME", "ONE-OFF", "CHART")
		for _, j := range jobs {
			p := strings.Split(j, ":")
			fmt.Fprintf(&b, jrow, "job.batch/"+p[0], p[1], "1/1", "3s", "2m", "", "", "", "", "shop", "true", "")
		}
	}
	return b.String()
}

// podsTable is the pods' table of the same call, pods "name:release".
func podsTable(pods ...string) string {
	var b strings.Builder
	row := "%-30s%-7s%-9s%-10s%-5s%-8s%-6s%-8s%-9s%-6s%-9s%s\n"
	fmt.Fprintf(&b, "\n"+row, "NAME", "READY", "STATUS", "RESTARTS", "AGE", "OWNER", "NAME", "STATUS", "VERSION", "NAME", "ONE-OFF", "CHART")
	for _, p := range pods {
		n, rel, _ := strings.Cut(p, ":")
		fmt.Fprintf(&b, row, "pod/"+n, "1/1", "Running", "0", "2m", "", "", "", "", "shop", "", rel)
	}
	return b.String()
}

// workloadsTable is the Deployments' wide table of the same call,
// "name:release:image[,image]".
func workloadsTable(deploys ...string) string {
	var b strings.Builder
	row := "%-28s%-8s%-13s%-12s%-5s%-12s%-46s%-40s%-6s%-5s%-7s%-8s%-5s%-8s%s\n"
	fmt.Fprintf(&b, "\n"+row, "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR", "OWNER", "NAME", "STATUS", "VERSION", "NAME", "ONE-OFF", "CHART")
	for _, d := range deploys {
		p := strings.SplitN(d, ":", 3)
		fmt.Fprintf(&b, row, "deployment.apps/"+p[0], "1/1", "1", "1", "2m", "web", p[2], "app.kubernetes.io/instance="+p[0], "", "", "", "", "shop", "", p[1])
	}
	return b.String()
}

// The previous image tag is the one the release's workloads run now from
// the app's repository, when they agree; else helm get values must tell.
func TestRunningTagFromTheWideTable(t *testing.T) {
	for _, c := range []struct {
		deploys []string
		tag     string
	}{
		{[]string{"shop-web:shop:r.example.com/x/shop:1600-old", "shop-worker:shop:r.example.com/x/shop:1600-old,busybox:1"}, "1600-old"},
		{[]string{"shop-web:shop:r.example.com/x/shop:1600-old", "shop-worker:shop:r.example.com/x/shop:1500-own"}, ""},
		{[]string{"shop-canary-web:shop-canary:r.example.com/x/shop:1600-new"}, ""},
		{[]string{"shop-web:shop:nginx:1.25"}, ""},
		{nil, ""},
	} {
		q := request(t)
		rec := &helmRecorder{}
		rec.On("kubectl get secrets,jobs,deployments,statefulsets -o wide", secretsTable(true, []string{"shop:1:deployed"})+workloadsTable(c.deploys...), 0)
		d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
		st, err := d.readState(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		tag, ok := st.runningTag("shop", "r.example.com/x/shop")
		if tag != c.tag || ok != (c.tag != "") || len(st.releases["shop"]) != 1 {
			t.Errorf("%v: %q %v, want %q", c.deploys, tag, ok, c.tag)
		}
	}
}

// With --wait the same call lists the pods: the release's are the ones
// before the upgrade.
func TestReadStateWithPods(t *testing.T) {
	q := request(t)
	q.Wait = true
	rec := &helmRecorder{}
	rec.On("kubectl get secrets,jobs,deployments,statefulsets,pods -o wide -L owner,name,status,version,app.kubernetes.io/name,lain.dev/one-off,helm.sh/chart",
		secretsTable(true, []string{"shop:1:deployed"}, "shop-x:Failed")+podsTable("shop-web-1:shop", "shop-web-2:shop", "other-web-1:other"), 0)
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
	st, err := d.readState(context.Background(), q)
	if err != nil || len(rec.Lines) != 1 {
		t.Fatal(err, rec)
	}
	if !st.envExists || len(st.releases["shop"]) != 1 || len(st.oneOff.Items) != 1 || len(st.pods) != 2 || !st.pods["shop-web-1"] || !st.pods["shop-web-2"] {
		t.Errorf("%+v", st)
	}
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
	rec.On("kubectl get secrets,jobs", secretsTable(false, nil, "shop-aaa:Complete", "shop-bbb:Running"), 0)
	rec.On("helm upgrade", "Release \"shop\" has been upgraded. Happy Helming!\nNAME: shop\nSTATUS: deployed\nREVISION: 1\n", 0)
	var errOut, out strings.Builder
	d := &Deployer{Runner: rec, Out: &out, ErrOut: &errOut, Registry: fakeRegistry{tags: []string{"1800-def"}}}
	d.Lint = func(context.Context) ([]byte, error) {
		return []byte("---\n# Source: shop/templates/ingresses.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  rules:\n    - host: shop.example.com\n"), nil
	}
	res, err := d.Deploy(context.Background(), q)
	if err != nil {
		t.Fatal(err, rec)
	}
	want := "helm upgrade --timeout=300s --set cluster=prod,user=ann,repo_url=,imageTag=1700-abc --install -f /tmp/c.yaml shop ./chart --set imageTag=1800-def"
	if !strings.Contains(rec.String(), want) || !strings.Contains(rec.String(), "kubectl create secret generic shop-env") ||
		!strings.Contains(rec.String(), "kubectl delete job shop-aaa --ignore-not-found") || strings.Contains(rec.String(), "shop-bbb") {
		t.Fatalf("commands:\n%s", rec)
	}
	if res.Image != "r.example.com/x/shop:1800-def" || res.Revision != 1 || !strings.Contains(out.String(), "REVISION: 1") {
		t.Error(res, out.String())
	}
	// One process answers what helm history (twice) and kubectl get secret
	// did; no query after the upgrade.
	for _, l := range rec.Lines {
		if strings.HasPrefix(l, "helm history") || strings.HasPrefix(l, "kubectl get secret shop-env") || strings.HasPrefix(l, "kubectl get ingresses") || strings.HasPrefix(l, "kubectl get jobs") {
			t.Errorf("ran %s", l)
		}
	}
	if !strings.Contains(errOut.String(), "deployed shop revision 1 to prod") || !strings.Contains(errOut.String(), "  http://shop.example.com/\n") {
		t.Error(errOut.String())
	}
}

// With another HELM_DRIVER lain cannot read helm's records: it asks helm.
func TestDeployAsksHelmWhenReleasesAreNotInSecrets(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("helm history shop-canary", "", 1)
	rec.On("helm history shop", `[{"revision":1,"status":"deployed"}]`, 0)
	rec.On("kubectl get secret shop-env", "secret/shop-env", 0)
	rec.On("helm get values shop", `{"imageTag":"1600-old"}`, 0)
	var errOut strings.Builder
	d := &Deployer{Runner: rec, ErrOut: &errOut, Getenv: func(k string) string { return map[string]string{"HELM_DRIVER": "configmap"}[k] }}
	res, err := d.Deploy(context.Background(), q)
	if err != nil {
		t.Fatal(err, rec)
	}
	if strings.Contains(rec.String(), "kubectl get secrets") || strings.Contains(rec.String(), "kubectl create secret") {
		t.Fatalf("commands:\n%s", rec)
	}
	if res.PreviousRevision != 1 || res.PreviousImageTag != "1600-old" {
		t.Error(res)
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
	if _, err := d.Deploy(context.Background(), q); err != nil || built != "1700-abc" {
		t.Fatal(err, built)
	}
}

func TestDeployRefusedDuringCanary(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("kubectl get secrets,jobs", secretsTable(true, []string{"shop:1:deployed", "shop-canary:1:deployed"}), 0)
	d := &Deployer{Runner: rec, ErrOut: &strings.Builder{}}
	_, err := d.Deploy(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "a canary of shop is ongoing") {
		t.Fatal(err)
	}
}

func TestStuckReleaseExplainedOrRolledBack(t *testing.T) {
	q := request(t)
	rec := &helmRecorder{}
	rec.On("kubectl get secrets,jobs", secretsTable(true, []string{"shop:1:superseded", "shop:2:failed", "shop:3:pending-upgrade"}), 0)
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
