package update

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStateIsPrivateAndRoundTrips(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lain")
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	want := State{CheckedAt: now, Source: "https://x/lain", Version: "1.2.3", Latest: "1.2.5", NoticeAt: now}
	if err := SaveState(dir, want); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, StateFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %v", di.Mode().Perm())
	}
	if got := LoadState(dir); got != want {
		t.Errorf("LoadState = %+v", got)
	}
	// Garbage is an empty state, not an error: the check just runs again.
	os.WriteFile(filepath.Join(dir, StateFile), []byte("{"), 0o600)
	if got := LoadState(dir); got != (State{}) {
		t.Errorf("LoadState(garbage) = %+v", got)
	}
}

func TestStateFresh(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	st := State{CheckedAt: now.Add(-time.Hour), Source: "s", Version: "1.2.3"}
	for _, c := range []struct {
		name           string
		now            time.Time
		source, versio string
		fresh          bool
	}{
		{"an hour ago", now, "s", "1.2.3", true},
		{"7 hours ago", now.Add(6 * time.Hour), "s", "1.2.3", false},
		{"another source", now, "t", "1.2.3", false},
		{"another lain", now, "s", "1.2.4", false},
		{"clock went back", now.Add(-2 * time.Hour), "s", "1.2.3", false},
	} {
		if got := st.Fresh(c.now, c.source, c.versio, CheckInterval); got != c.fresh {
			t.Errorf("%s: Fresh = %v", c.name, got)
		}
	}
}
