package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -f - reads standard input once into a private file that lain and helm
// can both read; regular files are left as they are; the copy goes with
// CleanupValues.
func TestCopyStreamedValuesFromStdin(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "extra.yaml")
	os.WriteFile(plain, []byte("a: 1\n"), 0o644)
	g := &Globals{Values: []string{plain, "-", "missing.yaml"}}
	if err := g.CopyStreamedValues(strings.NewReader("replicaCount: 3\n")); err != nil {
		t.Fatal(err)
	}
	if g.Values[0] != plain || g.Values[2] != "missing.yaml" || !strings.HasSuffix(g.Values[1], "/2-stdin.yaml") {
		t.Fatalf("%q", g.Values)
	}
	b, err := os.ReadFile(g.Values[1])
	if err != nil || string(b) != "replicaCount: 3\n" {
		t.Fatalf("%q %v", b, err)
	}
	if st, _ := os.Stat(g.Values[1]); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	g.CleanupValues()
	if _, err := os.Stat(filepath.Dir(g.Values[1])); !os.IsNotExist(err) {
		t.Errorf("left behind: %v", err)
	}
}
