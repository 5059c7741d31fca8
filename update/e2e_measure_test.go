//go:build unix

package update_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/lain-cli/lain/update"
	"github.com/lain-cli/lain/update/updatetest"
)

// TestMeasureLaunchOverhead reports what the launch check adds to a
// command, on this machine (it asserts nothing; machines are noisy):
//
//	LAIN_MEASURE=1 go test ./update -run MeasureLaunch -v
//
// Median wall time of `lain frobnicate` over interleaved runs: with the
// check off (LAIN_NO_UPDATE=1), with a warm cache (checked recently), and
// with no cache (a check over HTTP that finds nothing newer), against
// nginx and against the fake GitLab (three pages of packages).
func TestMeasureLaunchOverhead(t *testing.T) {
	needNginx(t)
	if os.Getenv("LAIN_MEASURE") == "" {
		t.Skip("set LAIN_MEASURE=1 to measure")
	}
	dir, nginxURL := site(t)
	if err := updatetest.WriteIndex(dir, "1.1.0", vA); err != nil {
		t.Fatal(err)
	}
	g := newGitLab(t)
	in := newInstall(t, e2e.a)
	cache := filepath.Join(in.home, ".cache", "lain", update.StateFile)
	type probe struct {
		name  string
		env   []string
		cold  bool
		times []time.Duration
	}
	probes := []*probe{
		{name: "check off (LAIN_NO_UPDATE=1)", env: []string{"LAIN_NO_UPDATE=1"}},
		{name: "warm cache", env: []string{update.EnvURL + "=" + nginxURL}},
		{name: "no cache, nginx", env: []string{update.EnvURL + "=" + nginxURL}, cold: true},
		{name: "no cache, GitLab (3 pages)", env: gitlabEnv(g), cold: true},
	}
	in.run(t, probes[1].env, "frobnicate") // warm the cache for the nginx source
	for range 41 {
		for _, p := range probes {
			if p.cold {
				os.Remove(cache)
			}
			r := in.run(t, p.env, "frobnicate")
			if r.code != 2 {
				t.Fatalf("%s:\n%s", p.name, r)
			}
			p.times = append(p.times, r.took)
			if p.cold { // leave the nginx cache warm for the warm probe
				in.run(t, probes[1].env, "frobnicate")
			}
		}
	}
	median := func(d []time.Duration) time.Duration {
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2]
	}
	base := median(probes[0].times)
	for _, p := range probes {
		m := median(p.times)
		t.Logf("%-30s median %7.2f ms  adds %+6.2f ms", p.name, float64(m.Microseconds())/1000, float64((m-base).Microseconds())/1000)
	}
}
