package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lain-cli/lain/internal/clierr"
)

// TestDoctorClusterValuesDir: lain doctor --cluster-values DIR checks
// every file, lists every problem and exits 1 when one is broken.
func TestDoctorClusterValuesDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "values-lab.yaml"), []byte("registry: 127.0.0.1:5000/lain\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "values-prod.yaml"), []byte("registry: https://harbor.example.com/team\n"), 0o644)
	var out bytes.Buffer
	err := runDoctor(context.Background(), &DoctorOptions{Out: &out, ClusterValuesDir: dir})
	if clierr.Code(err) != 1 || !strings.Contains(clierr.Format(err), "1 cluster values file(s) in "+dir+" are broken") {
		t.Fatalf("%d %s", clierr.Code(err), clierr.Format(err))
	}
	for _, want := range []string{"ok    lab ", "FAIL  prod ", filepath.Join(dir, "values-prod.yaml") + `:1: registry: "https://harbor.example.com/team" has a scheme`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, out.String())
		}
	}
	os.Remove(filepath.Join(dir, "values-prod.yaml"))
	out.Reset()
	if err := runDoctor(context.Background(), &DoctorOptions{Out: &out, ClusterValuesDir: dir}); err != nil || !strings.Contains(out.String(), "every cluster values file is valid") {
		t.Fatal(err, out.String())
	}
	err = runDoctor(context.Background(), &DoctorOptions{Out: &out, ClusterValuesDir: filepath.Join(dir, "nope")})
	if clierr.Code(err) != 2 || !strings.Contains(clierr.Format(err), "is not a directory") {
		t.Fatal(clierr.Format(err))
	}
}
