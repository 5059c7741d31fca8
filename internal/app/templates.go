package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/lain-cli/lain/internal/lazy"
)

// valuesRef finds the top-level values keys a template reads:
// .Values.key or index .Values "key".
var valuesRef = lazy.Regexp(`\.Values\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\$?\.Values\s+"([^"]+)"`)

// TemplateKeys lists the top-level values keys read by the app's own
// templates, i.e. files in chart/templates other than builtin (paths
// relative to chart/, slash-separated). Lint accepts them: a team's own
// template is not a typo.
func (a *App) TemplateKeys(builtin []string) []string {
	skip := map[string]bool{}
	for _, b := range builtin {
		skip[b] = true
	}
	keys := map[string]bool{}
	root := a.ChartPath()
	filepath.WalkDir(filepath.Join(root, "templates"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if skip[filepath.ToSlash(rel)] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, m := range valuesRef().FindAllStringSubmatch(string(b), -1) {
			keys[m[1]+m[2]] = true
		}
		return nil
	})
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
