package update

import (
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// MaxPatchSkew is how many patch releases a lain may lag behind the newest
// of its own major.minor and still run without upgrading (the original
// lain's rule). Further behind, or behind a newer minor or major, lain
// upgrades itself before running the command.
const MaxPatchSkew = 2

// ParseVersion parses a release version strictly (x.y.z with optional
// pre-release), accepting a leading "v" as git tags often have.
func ParseVersion(s string) (*semver.Version, error) {
	return semver.StrictNewVersion(strings.TrimPrefix(strings.TrimSpace(s), "v"))
}

// Sorted returns the valid versions among vs, newest first, dropping
// duplicates and anything that is not semver. Pre-releases are kept only
// when pre is true. Sources list versions in no useful order (GitLab's
// order_by=version sorts as text: "1.10.0" < "1.9.0"), so this is the one
// place that orders them.
func Sorted(vs []string, pre bool) []*semver.Version {
	seen := map[string]bool{}
	var out []*semver.Version
	for _, s := range vs {
		v, err := ParseVersion(s)
		if err != nil || (v.Prerelease() != "" && !pre) || seen[v.String()] {
			continue
		}
		seen[v.String()] = true
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GreaterThan(out[j]) })
	return out
}

// Newest is the newest stable version in vs, or nil.
func Newest(vs []string) *semver.Version {
	if s := Sorted(vs, false); len(s) > 0 {
		return s[0]
	}
	return nil
}

// Find returns the version in vs equal to want (pre-releases included:
// naming one is asking for it), or nil.
func Find(vs []string, want *semver.Version) *semver.Version {
	for _, v := range Sorted(vs, true) {
		if v.Equal(want) {
			return v
		}
	}
	return nil
}

// WithinSkew reports whether current may keep running although newest
// exists: same major.minor and at most MaxPatchSkew patches behind.
func WithinSkew(current, newest *semver.Version) bool {
	if !newest.GreaterThan(current) {
		return true
	}
	return newest.Major() == current.Major() && newest.Minor() == current.Minor() &&
		newest.Patch()-current.Patch() <= MaxPatchSkew
}
