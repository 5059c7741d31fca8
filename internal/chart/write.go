package chart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ValuesFile is the user's values file inside chart/.
const ValuesFile = "values.yaml"

// ErrValuesExist is returned by WriteValues when chart/values.yaml exists
// and force was not given.
var ErrValuesExist = errors.New("chart/values.yaml exists")

// Change is one file a write touched.
type Change struct {
	Path    string // relative to chart/, slash-separated
	Created bool   // false: an existing file was replaced
	Backup  string // where the replaced file was kept, relative to chart/
}

// Plan lists what WriteTemplates would change, without writing: files
// that are missing or differ from the built-in ones.
func Plan(chartDir, appname string) ([]Change, error) {
	var out []Change
	files := Files(appname)
	for _, p := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(chartDir, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, Change{Path: p, Created: true})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, files[p]):
			out = append(out, Change{Path: p})
		}
	}
	return out, nil
}

// WriteTemplates writes Chart.yaml, .helmignore and the templates into
// chartDir (creating it), each atomically, and returns what changed. Files
// of the user's own (other templates, values*.yaml) are left alone. A file
// it replaces may hold the user's edits (a tweaked deployments.yaml): it is
// first copied into chartDir/RetireDir(time.Now()); see UpgradeTemplates.
func WriteTemplates(chartDir, appname string) ([]Change, error) {
	return UpgradeTemplates(chartDir, appname, time.Now())
}

// UpgradeTemplates is WriteTemplates keeping each file it replaces in
// chartDir/RetireDir(now) first (templates/ dropped from its path, as
// RetireOriginal does): killed at any moment, every file is either
// untouched or in the backup.
func UpgradeTemplates(chartDir, appname string, now time.Time) ([]Change, error) {
	backupDir := RetireDir(now)
	changes, err := Plan(chartDir, appname)
	if err != nil {
		return nil, err
	}
	files := Files(appname)
	for i, c := range changes {
		p := filepath.Join(chartDir, filepath.FromSlash(c.Path))
		if !c.Created {
			old, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			b := filepath.Join(backupDir, filepath.FromSlash(strings.TrimPrefix(c.Path, "templates/")))
			if err := WriteAtomic(filepath.Join(chartDir, b), old, 0o644); err != nil {
				return nil, fmt.Errorf("keeping a backup of chart/%s: %w", c.Path, err)
			}
			changes[i].Backup = filepath.ToSlash(b)
		}
		if err := WriteAtomic(p, files[c.Path], 0o644); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// WriteValues writes chart/values.yaml. An existing one is replaced only
// with force, and then kept first as values.yaml.backup-<time>, whose path
// is returned.
func WriteValues(chartDir string, data []byte, force bool, now time.Time) (backup string, err error) {
	p := filepath.Join(chartDir, ValuesFile)
	old, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", err
	case !force:
		return "", ErrValuesExist
	default:
		backup = p + ".backup-" + now.Format("20060102-150405")
		if err := WriteAtomic(backup, old, 0o644); err != nil {
			return "", fmt.Errorf("keeping a backup of %s: %w", p, err)
		}
	}
	return backup, WriteAtomic(p, data, 0o644)
}

// InstalledVersion reads the chart version from chartDir/Chart.yaml; ""
// with no error when there is no Chart.yaml.
func InstalledVersion(chartDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var meta struct {
		Version any `yaml:"version"`
	}
	if err := yaml.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("%s: not valid YAML: %w", filepath.Join(chartDir, "Chart.yaml"), err)
	}
	if meta.Version == nil {
		return "0", nil
	}
	return fmt.Sprint(meta.Version), nil
}

// WriteAtomic writes data to path through a temp file in the same
// directory and a rename, so an interrupted write never leaves half a file.
func WriteAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
