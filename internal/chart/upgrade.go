package chart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// FirstVersion is the first version of this lain's chart: a chart/Chart.yaml
// below it was written by the original Python lain (its charts were 0.x).
const FirstVersion = "1.0.0"

// originalTemplates are the templates the original lain wrote, which lain's
// own (named differently) replace. Rendered beside lain's, they would
// create every object twice.
var originalTemplates = []string{
	"cronjob.yaml", "deployment.yaml", "externalIngress.yaml", "ingress.yaml", "job.yaml",
	"networkPolicy.yaml", "pvc.yaml", "service.yaml", "statefulSet.yaml", "test.yaml",
}

// Upgrade is what `lain init --template-only` would do to an app's chart.
type Upgrade struct {
	Installed string   // the version in chart/Chart.yaml ("" when none)
	Original  bool     // written by the original lain
	Changes   []Change // files lain writes
	Retired   []string // the original's templates it moves aside, under templates/
}

// PlanUpgrade reads chartDir and says what an upgrade to this lain's chart
// would change. Nothing is written.
func PlanUpgrade(chartDir, appname string) (*Upgrade, error) {
	// A Chart.yaml that is not YAML is no obstacle: it is about to be
	// replaced (lain lint reports it on its own).
	v, _ := InstalledVersion(chartDir)
	u := &Upgrade{Installed: v, Original: v != "" && Compare(v, FirstVersion) < 0}
	var err error
	if u.Changes, err = Plan(chartDir, appname); err != nil {
		return nil, err
	}
	u.Retired, err = retiredTemplates(chartDir, u.Original)
	return u, err
}

// retiredTemplates lists the original's templates present in chartDir: by
// name when the chart is the original's, else only those that still use the
// original's helpers (a user's own service.yaml in a lain chart stays).
func retiredTemplates(chartDir string, original bool) ([]string, error) {
	var out []string
	for _, name := range originalTemplates {
		b, err := os.ReadFile(filepath.Join(chartDir, "templates", name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if original || strings.Contains(string(b), `"chart.labels"`) {
			out = append(out, name)
		}
	}
	return out, nil
}

// RetireDir is where RetireOriginal moves the original's templates: outside
// templates/, so helm never renders them, and ignored by .helmignore.
func RetireDir(now time.Time) string { return "templates.backup-" + now.Format("20060102-150405") }

// RetireOriginal moves the original lain's templates out of
// chartDir/templates into chartDir/RetireDir(now), keeping them, and
// returns their names.
func RetireOriginal(chartDir string, original bool, now time.Time) ([]string, error) {
	names, err := retiredTemplates(chartDir, original)
	if err != nil || len(names) == 0 {
		return nil, err
	}
	dest := filepath.Join(chartDir, RetireDir(now))
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, err
	}
	for _, n := range names {
		if err := os.Rename(filepath.Join(chartDir, "templates", n), filepath.Join(dest, n)); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// Describe says, in one paragraph, who wrote the chart and what the
// upgrade would change; it always says that values*.yaml stay as they are.
func (u *Upgrade) Describe() string {
	var who string
	switch {
	case u.Installed == "":
		who = "chart/Chart.yaml is missing: the chart's templates were never written by lain"
	case u.Original:
		who = fmt.Sprintf("chart/ was written by the original lain (chart %s); this lain's chart is %s", u.Installed, Version)
	default:
		who = fmt.Sprintf("chart/ was written by an older lain (chart %s); this lain's chart is %s", u.Installed, Version)
	}
	var added, replaced []string
	for _, c := range u.Changes {
		if c.Created {
			added = append(added, c.Path)
		} else {
			replaced = append(replaced, c.Path)
		}
	}
	var parts []string
	if len(replaced) > 0 {
		parts = append(parts, "replace "+strings.Join(replaced, ", "))
	}
	if len(added) > 0 {
		parts = append(parts, "add "+strings.Join(added, ", "))
	}
	if len(u.Retired) > 0 {
		moved := make([]string, len(u.Retired))
		for i, n := range u.Retired {
			moved[i] = path.Join("templates", n)
		}
		parts = append(parts, "move the original's "+strings.Join(moved, ", ")+" to chart/templates.backup-TIME/ (lain's templates replace them)")
	}
	what := "change no file"
	if len(parts) > 0 {
		what = strings.Join(parts, "; ")
	}
	s := fmt.Sprintf("%s. lain init --template-only would %s. It keeps chart/values.yaml and chart/values-*.yaml as they are", who, what)
	if u.Original {
		s += " (docs/migrating.md lists what renders differently)"
	}
	return s
}
