package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// committedDir is docs/commands, relative to this package.
var committedDir = filepath.Join("..", "..", "..", "docs", "commands")

// The committed command reference is what the command tree generates now:
// a changed flag, help text or command without `make docs` fails here (and
// so in CI, which runs every unit test).
func TestCommittedReferenceIsCurrent(t *testing.T) {
	fresh := t.TempDir()
	if err := writeMarkdown(fresh); err != nil {
		t.Fatal(err)
	}
	want := readPages(t, fresh)
	have := readPages(t, committedDir)
	var stale []string
	for name, body := range want {
		old, ok := have[name]
		switch {
		case !ok:
			stale = append(stale, name+" is missing")
		case !bytes.Equal(old, body):
			stale = append(stale, name+" differs")
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			stale = append(stale, name+" documents a command that no longer exists")
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Fatalf("docs/commands is stale (%s); regenerate it: make docs", strings.Join(stale, "; "))
	}
}

// Hidden commands (Tab completion's __complete) have no page, and no page
// carries a generation date.
func TestReferenceSkipsHiddenCommandsAndDates(t *testing.T) {
	dir := t.TempDir()
	if err := writeMarkdown(dir); err != nil {
		t.Fatal(err)
	}
	pages := readPages(t, dir)
	if _, ok := pages["lain.md"]; !ok {
		t.Fatalf("no lain.md among %d pages", len(pages))
	}
	for name, body := range pages {
		if strings.Contains(name, "__") || bytes.Contains(body, []byte("__complete")) {
			t.Errorf("%s: documents a hidden command", name)
		}
		if bytes.Contains(body, []byte("Auto generated")) {
			t.Errorf("%s: carries a generation date", name)
		}
	}
}

// Regenerating removes pages of commands that are gone, and nothing else.
func TestWriteMarkdownRemovesOnlyStalePages(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"lain_gone.md": "old", "notes.md": "mine"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMarkdown(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "lain_gone.md")); !os.IsNotExist(err) {
		t.Errorf("lain_gone.md survived regeneration (err %v)", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "notes.md")); err != nil || string(b) != "mine" {
		t.Errorf("notes.md was touched: %q, %v", b, err)
	}
}

// Man pages are written for every command, with the date taken from
// SOURCE_DATE_EPOCH so packagers get reproducible files.
func TestWriteManUsesSourceDateEpoch(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "0")
	dir := t.TempDir()
	if err := writeMan(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "lain-use.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"Jan 1970"`)) || !bytes.Contains(b, []byte("lain-use")) {
		t.Errorf("lain-use.1 lacks the fixed date or its name:\n%.400s", b)
	}
}

func readPages(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pages[filepath.Base(p)] = b
	}
	return pages
}

// The committed values references and cluster schema are what the schemas
// generate now: a key added to lint without `make docs` fails here.
func TestCommittedValuesFilesAreCurrent(t *testing.T) {
	files, err := valuesFiles()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..", "..")
	for p, want := range files {
		have, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(have, want) {
			t.Errorf("%s is stale or missing (%v); regenerate it: make docs", p, err)
		}
	}
}
