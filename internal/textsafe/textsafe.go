// Package textsafe makes text from pages safe to print on a terminal or in
// one line of a table: no control characters (a hostile title could carry
// ESC sequences that retitle the terminal or hide text), no bidirectional
// overrides (which reorder what is shown), and white space folded.
package textsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s as one printable line: C0 and C1 control characters (ESC,
// BEL, CSI…), DEL, bidirectional controls and invalid UTF-8 are dropped;
// runs of white space (newlines and tabs included) become one space; the
// ends are trimmed.
func Line(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case Unsafe(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Text returns s with what Line drops dropped, but its lines kept: tabs
// and line feeds stay (a carriage return goes: it rewrites the line
// shown). For text of many lines printed on a terminal.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
		case r == '\n', r == '\t':
			b.WriteRune(r)
		case Unsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Unsafe reports whether r must not reach a terminal: a control character
// (C0, DEL, C1) or a bidirectional formatting character.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
