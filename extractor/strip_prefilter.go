package extractor

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// A rule pattern such as `二维码|长按.{0,8}(识别|扫)|…|(?i)qr[-_ ]?code` can
// only match text holding one of a few literals (二维码, 长按, …, qr). The
// regexp engine tries a pattern at every start position of every block and
// image URL list; checking the literals with strings.Contains first spares it
// nearly all of them. The prefilter never changes an answer: it only says
// "no match" when the pattern cannot match.

// prefilter holds literals one of which every match contains.
type prefilter struct {
	lits []string
	fold []bool // compare lits[i] ASCII case-insensitively
}

// newPrefilter analyses a pattern as regexp.Compile parses it. It returns
// nil (always try the regexp) when the pattern offers no literal set.
func newPrefilter(expr string) *prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	f, ok := factors(re)
	if !ok || len(f.lits) == 0 {
		return nil
	}
	return &f
}

// mayMatch reports false only when no match of the pattern can be in s.
func (f *prefilter) mayMatch(s string) bool {
	if f == nil {
		return true
	}
	for i, l := range f.lits {
		if f.fold[i] && containsFoldASCII(s, l) || !f.fold[i] && strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// factors returns literals one of which every match of re contains, and
// false when it cannot name such a set.
func factors(re *syntax.Regexp) (prefilter, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return literalFactor(re)
	case syntax.OpCapture, syntax.OpPlus:
		return factors(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return factors(re.Sub[0])
		}
	case syntax.OpCharClass:
		// a small class ([¥￥]): a match holds one of its characters
		var f prefilter
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(f.lits) == 4 {
					return prefilter{}, false
				}
				f.lits = append(f.lits, string(r))
				f.fold = append(f.fold, false)
			}
		}
		return f, len(f.lits) > 0
	case syntax.OpAlternate:
		// a match is a match of one branch: the union of their sets
		var all prefilter
		for _, sub := range re.Sub {
			f, ok := factors(sub)
			if !ok {
				return prefilter{}, false
			}
			all.lits = append(all.lits, f.lits...)
			all.fold = append(all.fold, f.fold...)
		}
		return all, true
	case syntax.OpConcat:
		// a match holds a match of every part: any part's set will do,
		// the one with the longest shortest literal rejects the most
		var best prefilter
		found := false
		for _, sub := range re.Sub {
			if f, ok := factors(sub); ok && (!found || shortest(f) > shortest(best)) {
				best, found = f, true
			}
		}
		return best, found
	}
	return prefilter{}, false
}

// literalFactor is the literal itself; under (?i), only when every letter
// folds within ASCII, so that an ASCII case-insensitive search finds it (k
// also folds to the Kelvin sign, s to the long s).
func literalFactor(re *syntax.Regexp) (prefilter, bool) {
	s := string(re.Rune)
	if s == "" {
		return prefilter{}, false
	}
	if re.Flags&syntax.FoldCase == 0 {
		return prefilter{lits: []string{s}, fold: []bool{false}}, true
	}
	for _, r := range re.Rune {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= 0x80 {
				return prefilter{}, false
			}
		}
		if r >= 0x80 {
			return prefilter{}, false
		}
	}
	return prefilter{lits: []string{strings.ToLower(s)}, fold: []bool{true}}, true
}

func shortest(f prefilter) int {
	n := -1
	for _, l := range f.lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// containsFoldASCII reports whether s contains lit (ASCII) ignoring ASCII
// case.
func containsFoldASCII(s, lit string) bool {
	first := lit[0] | 0x20 // case-folded for letters; a loose but safe pre-test otherwise
	for i := 0; i+len(lit) <= len(s); i++ {
		if s[i]|0x20 == first && equalFoldASCII(s[i:i+len(lit)], lit) {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
