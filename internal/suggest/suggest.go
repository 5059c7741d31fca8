// Package suggest finds the name a user probably meant ("regsitry" ->
// "registry"), for did-you-mean hints on keys, clusters and commands.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to typed, or "" when none is close
// enough to be a plausible typo (distance at most a third of its length,
// and at least 1 edit allowed; case is ignored).
func Closest(typed string, candidates []string) string {
	best, bestD := "", -1
	limit := len(typed) / 3
	if limit < 1 {
		limit = 1
	}
	t := strings.ToLower(typed)
	n := utf8.RuneCountInString(t)
	for _, c := range candidates {
		// The distance is at least the difference in length: skip what
		// cannot be close, so a huge typed string costs no huge table.
		if m := utf8.RuneCountInString(c); n-m > limit || m-n > limit {
			continue
		}
		d := distance(t, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// distance is the optimal-string-alignment edit distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one, so the
// commonest typo ("regsitry") is one edit away.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
