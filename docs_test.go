package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTranslationsInStep fails when an English page changed after its
// translation in docs/zh was last brought up to date. To update: change the
// zh page to match, then put the hash this test prints in its first line.
func TestTranslationsInStep(t *testing.T) {
	// The first line of each docs/zh page: the English page it translates and
	// the sha256 of that page's content when it was translated.
	translatedHeader := regexp.MustCompile(`^<!-- translates (docs/[a-z0-9./-]+\.md) sha256:([0-9a-f]{64}) -->\n`)
	pages, err := filepath.Glob(filepath.Join("docs", "zh", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no docs/zh/*.md pages")
	}
	for _, zh := range pages {
		data, err := os.ReadFile(zh)
		if err != nil {
			t.Fatal(err)
		}
		m := translatedHeader.FindSubmatch(data)
		if m == nil {
			t.Errorf("%s:1: the first line must be <!-- translates docs/PAGE.md sha256:HASH -->", zh)
			continue
		}
		en, err := os.ReadFile(string(m[1]))
		if err != nil {
			t.Errorf("%s:1: %v", zh, err)
			continue
		}
		sum := sha256.Sum256(en)
		if got := hex.EncodeToString(sum[:]); got != string(m[2]) {
			t.Errorf("%s is out of step: %s changed since it was translated (git log -p %s shows how).\n"+
				"Translate the change, then set its first line to:\n<!-- translates %s sha256:%s -->",
				zh, m[1], m[1], m[1], got)
		}
	}
}
