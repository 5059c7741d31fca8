package update

import (
	"strings"
	"testing"
)

func TestSortedIsSemverNotText(t *testing.T) {
	// As GitLab's order_by=version&sort=desc returns them: text order.
	in := []string{"latest", "2.0.0-rc.1", "1.9.9", "1.11", "1.10.0", "1.2.3", "v1.0.0", "1.10.0", "0.99.0", ""}
	var got []string
	for _, v := range Sorted(in, false) {
		got = append(got, v.Original())
	}
	if strings.Join(got, " ") != "1.10.0 1.9.9 1.2.3 1.0.0 0.99.0" {
		t.Errorf("Sorted = %q", got)
	}
	if n := Newest(in); n.String() != "1.10.0" {
		t.Errorf("Newest = %s", n)
	}
	if n := Sorted(in, true)[0]; n.String() != "2.0.0-rc.1" {
		t.Errorf("with pre-releases the newest is %s", n)
	}
	if Newest([]string{"latest", "1.2"}) != nil {
		t.Error("no semver version: want nil")
	}
}

func TestWithinSkew(t *testing.T) {
	for _, c := range []struct {
		cur, newest string
		within      bool
	}{
		{"1.2.3", "1.2.3", true},
		{"1.2.3", "1.2.4", true},
		{"1.2.3", "1.2.5", true},
		{"1.2.3", "1.2.6", false}, // 3 patches behind
		{"1.2.3", "1.3.0", false}, // a new minor
		{"1.2.3", "2.0.0", false},
		{"1.2.3", "1.1.9", true}, // older: never a reason to act
		{"1.2.4-rc.1", "1.2.4", true},
	} {
		cur, _ := ParseVersion(c.cur)
		newest, _ := ParseVersion(c.newest)
		if got := WithinSkew(cur, newest); got != c.within {
			t.Errorf("WithinSkew(%s, %s) = %v", c.cur, c.newest, got)
		}
	}
}

func TestFindNamesPreReleases(t *testing.T) {
	want, _ := ParseVersion("2.0.0-rc.1")
	if v := Find([]string{"1.0.0", "2.0.0-rc.1"}, want); v == nil || v.Original() != "2.0.0-rc.1" {
		t.Errorf("Find = %v", v)
	}
	want, _ = ParseVersion("3.0.0")
	if v := Find([]string{"1.0.0"}, want); v != nil {
		t.Errorf("Find = %v", v)
	}
}
