package update

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// StateFile is the launch check's memory, in the user's cache dir.
const StateFile = "update.json"

// State is what the last check found. It is written 0600: it names the
// (possibly private) release URL.
type State struct {
	CheckedAt time.Time `json:"checked_at"`         // when the source was last asked (even if it failed)
	Source    string    `json:"source"`             // which source (another URL means a new check)
	Version   string    `json:"version"`            // the lain version that asked (another version re-checks)
	Latest    string    `json:"latest,omitempty"`   // newest stable release found; "" if none or the check failed
	Error     string    `json:"error,omitempty"`    // why the last check or upgrade failed
	NoticeAt  time.Time `json:"notice_at,omitzero"` // when "a newer lain is available" was last printed
	// Pinned is where lains before 1.x kept the pin; read, never written
	// (the pin now lives in the config dir: PinFile).
	Pinned string `json:"pinned,omitempty"`
	// Partial is the version whose download stopped half-way (the part
	// waits beside the binary): the next launch continues it even though
	// the check is fresh.
	Partial string `json:"partial,omitempty"`
}

// Fresh reports whether st answers for this source and version at now,
// so that no network is needed.
func (st State) Fresh(now time.Time, source, version string, interval time.Duration) bool {
	age := now.Sub(st.CheckedAt)
	return st.Source == source && st.Version == version && age >= 0 && age < interval
}

// LoadState reads the state; a missing or unreadable file is an empty one
// (the check just runs again).
func LoadState(dir string) State {
	var st State
	if b, err := os.ReadFile(filepath.Join(dir, StateFile)); err == nil {
		_ = json.Unmarshal(b, &st)
	}
	return st
}

// SaveState replaces the state atomically (temp file and rename) so that
// two lains never leave half a file, creating the directory 0700.
func SaveState(dir string, st State) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".update-*.json") // created 0600
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, StateFile))
}
