//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runnableMarker, on the line before a ```sh fence in a guide, marks the block
// as run by TestDocs. An HTML comment renders as nothing on GitHub and GitLab.
const runnableMarker = "<!-- runnable -->"

// docBlock is one runnable shell block of a guide.
type docBlock struct {
	line int // line of the opening fence, for messages
	code string
}

// TestDocs runs every runnable block of the guides in order, as a reader
// would: in a fresh, empty app directory named hello, with a HOME and a
// namespace of their own, after `lain use lab` (the guides' "lain use test").
// A block that exits non-zero fails the test, so the guides cannot drift from
// the binary.
func TestDocs(t *testing.T) {
	for _, page := range []string{"quick-start.md", "apps.md"} {
		t.Run(strings.TrimSuffix(page, ".md"), func(t *testing.T) {
			path := filepath.Join(Lab.Repo, "docs", page)
			blocks := runnableBlocks(t, path)
			if len(blocks) == 0 {
				t.Fatalf("%s has no %s blocks", path, runnableMarker)
			}
			home := NewUserHome(t)
			app := filepath.Join(t.TempDir(), "hello")
			if err := os.Mkdir(app, 0o755); err != nil {
				t.Fatal(err)
			}
			env := docsEnv(t)
			if r := Lain(t, Cmd{Args: []string{"use", "lab"}, Dir: app, Home: home, Env: env}); r.Code != 0 {
				t.Fatalf("lain use lab: %s", r)
			}
			for _, b := range blocks {
				r := Run(t, "bash", Cmd{
					Args: []string{"-e", "-o", "pipefail", "-c", b.code},
					Dir:  app,
					Home: home,
					Env:  env,
					// Twice helm's 300 s: a deploy that is really stuck fails
					// on its own, a slow, shared lab does not fail the docs.
					Timeout: 10 * time.Minute,
				})
				if r.Code != 0 {
					t.Fatalf("docs/%s:%d: runnable block failed:\n%s\n%s", page, b.line, b.code, r)
				}
			}
		})
	}
}

// docsEnv is a reader's shell: lain first on PATH, the base image the guides
// ask for in $BASE_IMAGE, and a git identity.
func docsEnv(t *testing.T) []string {
	t.Helper()
	bin := t.TempDir()
	if err := os.Symlink(Lab.LainBin, filepath.Join(bin, "lain")); err != nil {
		t.Fatal(err)
	}
	path := os.Getenv("PATH")
	for _, kv := range Lab.Env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
		}
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + path, "BASE_IMAGE=" + Lab.BaseImage, "EDITOR=true", "CI=true"}
	return append(env, gitEnv...)
}

// runnableBlocks reads the ```sh blocks that follow a runnableMarker line.
func runnableBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []docBlock
		marked bool
		cur    *docBlock
		n      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur != nil && trimmed == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		case trimmed == runnableMarker:
			marked = true
		case marked && trimmed == "":
		case marked:
			if trimmed != "```sh" {
				t.Fatalf("%s:%d: %s must be followed by a ```sh fence, not %q", path, n, runnableMarker, trimmed)
			}
			cur, marked = &docBlock{line: n}, false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil || marked {
		t.Fatalf("%s: a runnable block is not closed", path)
	}
	return blocks
}
