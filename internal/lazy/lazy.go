// Package lazy defers work that Go would otherwise do at start-up. Every
// package-level regexp.MustCompile runs before main, even for `lain --help`;
// the start-up budget (DEVELOPERS.md) has no room for that.
package lazy

import (
	"regexp"
	"sync"
)

// Regexp returns a function that compiles pattern on first call and returns
// the same *regexp.Regexp after that. It panics on a bad pattern, as
// regexp.MustCompile does.
func Regexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
