// Package fuzzy ranks names by how close they are to what a user typed, for
// "did you mean" messages.
package fuzzy

import (
	"slices"
	"strings"
)

// Distance is the Levenshtein distance between a and b, in runes, ignoring
// case.
func Distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns the names within maxDist of typed (a name that starts
// with typed counts as distance 1), nearest first, at most n of them.
func Closest(typed string, names []string, maxDist, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, name := range names {
		d := Distance(typed, name)
		if len(typed) > 1 && strings.HasPrefix(strings.ToLower(name), strings.ToLower(typed)) {
			d = min(d, 1)
		}
		if d <= maxDist {
			cs = append(cs, cand{name, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}
