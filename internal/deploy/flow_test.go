package deploy

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/chart"
	"github.com/lain-cli/lain/internal/clusterconfig"
	"github.com/lain-cli/lain/internal/iostreams"
	"github.com/lain-cli/lain/internal/render"
)

// A no-op deploy of a deployed app starts five processes: git twice, one
// kubectl for the namespace (with the image running now), one render and
// the upgrade. When no workload runs the app's image, helm get values
// tells the previous tag, beside the upgrade. Nothing runs after it.
func TestRunNoOpDeployProcesses(t *testing.T) {
	t.Run("image running", func(t *testing.T) {
		noOpDeploy(t, workloadsTable("shop-web:shop:127.0.0.1:5000/lain/shop:1700000000-abc"), "git log\ngit remote\nhelm template\nhelm upgrade\nkubectl get")
	})
	t.Run("no workload", func(t *testing.T) {
		noOpDeploy(t, "", "git log\ngit remote\nhelm get\nhelm template\nhelm upgrade\nkubectl get")
	})
}

func noOpDeploy(t *testing.T, workloads, want string) {
	dir := filepath.Join(t.TempDir(), "shop")
	if _, err := chart.WriteTemplates(filepath.Join(dir, "chart"), "shop"); err != nil {
		t.Fatal(err)
	}
	values := "appname: shop\ndeployments:\n  web:\n    command: [\"./shop\"]\n    containerPort: 8080\ningresses:\n  - host: shop\n    deployName: web\n    paths: [\"/\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "chart", "values.yaml"), []byte(values), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &helmRecorder{}
	rec.On("git log", "1700000000-abc", 0)
	rec.On("kubectl get secrets,jobs", secretsTable(true, []string{"shop:1:superseded", "shop:2:deployed"})+workloads, 0)
	rec.On("helm template", "---\n# Source: shop/templates/ingresses.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop-lab-local-shop-web\nspec:\n  rules:\n    - host: shop.lab.local\n", 0)
	rec.On("helm get values shop", `{"imageTag":"1700000000-abc"}`, 0)
	rec.On("helm upgrade", "REVISION: 3\n", 0)
	ios, _, _, errOut := iostreams.Test()
	cfg := &clusterconfig.Config{Cluster: "lab", Values: clusterconfig.Values{Registry: "127.0.0.1:5000/lain", Domain: "lab.local"}}
	e := Env{Source: render.Source{Runner: rec, Getenv: func(string) string { return "" }, Dir: dir,
		Cluster: func(string) (*clusterconfig.Config, error) { return cfg, nil }}, IO: ios}
	res, err := Run(context.Background(), e, Flags{Timeout: DefaultTimeout})
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, rec, errOut)
	}
	var got []string
	for _, l := range rec.Lines {
		f := strings.Fields(l)
		got = append(got, f[0]+" "+f[1])
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != want {
		t.Fatalf("ran\n%s\nwant\n%s", rec, want)
	}
	if last := rec.Lines[len(rec.Lines)-1]; !strings.HasPrefix(last, "helm upgrade") && !strings.HasPrefix(last, "helm get values") {
		t.Errorf("something ran after the upgrade: %s", last)
	}
	if res.Revision != 3 || res.PreviousRevision != 2 || res.PreviousImageTag != "1700000000-abc" || len(res.URLs) != 1 || res.URLs[0] != "http://shop.lab.local/" {
		t.Errorf("%+v", res)
	}
	if !strings.Contains(errOut.String(), "lint: shop is ready to deploy to lab\n") {
		t.Error(errOut)
	}
}
