package secretedit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// KeptDir is where edits that were not applied are kept: lain's state
// directory (not a cache: the OS may empty caches), private to the user.
func KeptDir(getenv func(string) string, home, goos string) string {
	switch {
	case getenv("XDG_STATE_HOME") != "":
		return filepath.Join(getenv("XDG_STATE_HOME"), "lain", "edits")
	case goos == "darwin":
		return filepath.Join(home, "Library", "Application Support", "lain", "edits")
	case goos == "windows" && getenv("LOCALAPPDATA") != "":
		return filepath.Join(getenv("LOCALAPPDATA"), "lain", "edits")
	}
	return filepath.Join(home, ".local", "state", "lain", "edits")
}

// Kept is the file one edit lives in while the editor runs and, when it
// could not be applied, until the next edit of the same thing resumes it.
type Kept struct{ Path string }

// KeptFor is the kept file of an edit of secret on cluster; file is the
// one file of <appname>-secret being edited ("" for the whole Secret). The
// name keeps the file's extension, for the editor's syntax highlighting.
func KeptFor(dir, cluster, secret, file string) Kept {
	name := secret + ".yaml"
	if file != "" {
		name = secret + "--" + file
	}
	return Kept{Path: filepath.Join(dir, cluster, name)}
}

// Load returns the kept text, or nil when there is none.
func (k Kept) Load() ([]byte, error) {
	b, err := os.ReadFile(k.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Save writes text atomically, readable by the user only (it holds secret
// values).
func (k Kept) Save(text []byte) error {
	dir := filepath.Dir(k.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".edit-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, fs.ErrPermission) {
		f.Close()
		return err
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), k.Path)
}

// base is the file beside k holding the resourceVersion of the Secret the
// edit started from: a resumed edit says when the Secret changed since.
// Its name starts with a dot, so no kept file of a Secret's key is it.
func (k Kept) base() Kept {
	return Kept{Path: filepath.Join(filepath.Dir(k.Path), "."+filepath.Base(k.Path)+".base")}
}

// Remove deletes the kept file (and its base) once its edit is applied (or
// was no change).
func (k Kept) Remove() error {
	for _, p := range []string{k.Path, k.base().Path} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
