package update

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// PinFile holds the version the user went back to on purpose (`lain
// upgrade --version X --force`, `lain upgrade --rollback`): while it runs,
// launches only print notices instead of upgrading it away. It lives in
// the user's config dir, not the cache: deleting the cache (which the
// troubleshooting section suggests) must not undo a decision.
const PinFile = "pinned-version"

// ConfigDir is lain's directory in the user's config dir, as
// os.UserConfigDir finds it but from the given environment.
func ConfigDir(getenv func(string) string, goos string) string {
	home := getenv("HOME")
	switch goos {
	case "windows":
		if d := getenv("APPDATA"); d != "" {
			return filepath.Join(d, "lain")
		}
		return filepath.Join(getenv("USERPROFILE"), "AppData", "Roaming", "lain")
	case "darwin", "ios":
		return filepath.Join(home, "Library", "Application Support", "lain")
	}
	if d := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "lain")
	}
	if home == "" {
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "lain")
		}
		return ""
	}
	return filepath.Join(home, ".config", "lain")
}

// LoadPin returns the pinned version, or "".
func LoadPin(dir string) string {
	if dir == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(dir, PinFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// SavePin pins version ("" removes the pin).
func SavePin(dir, version string) error {
	if dir == "" {
		return errors.New("no config dir (HOME is not set)")
	}
	path := filepath.Join(dir, PinFile)
	if version == "" {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".pin-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(version + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
