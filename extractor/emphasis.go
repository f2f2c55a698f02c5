package extractor

import (
	"strings"
	"unicode/utf8"
)

// resolveEmphasis turns the emphasis markers of the render handlers into
// "**"/"*" where CommonMark will read them as emphasis, and drops them where
// no placement can (so no stray asterisks appear). A run is written whole
// when its delimiters are flanking; otherwise punctuation at its edges moves
// outside it, a bracket or quote pair only ever moving out whole; a run that
// still cannot be written is split at its pairs ("**独立的**“**虚拟员工**”").
// A run never splits a pair: a pair half inside a run takes its other half
// in when that stands right outside. Adjacent runs of one kind merge.
func resolveEmphasis(s string) string {
	if !strings.ContainsAny(s, "\uE000\uE002") {
		return strings.NewReplacer("\uE001", "", "\uE003", "").Replace(s)
	}
	r := resolver{out: make([]byte, 0, len(s)+64), last: -1}
	r.run(s)
	return string(r.out)
}

// resolver writes resolved Markdown to out.
type resolver struct {
	out []byte
	// the last run written whole: out[last:lastEnd] is delim+content+delim
	last, lastEnd int
	lastDelim     string
}

func (r *resolver) run(s string) {
	for len(s) > 0 {
		i := strings.IndexAny(s, "\uE000\uE002\uE001\uE003")
		if i < 0 {
			r.out = append(r.out, s...)
			return
		}
		r.out = append(r.out, s[:i]...)
		m, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
		if m == markStrongClose || m == markEmClose {
			continue // unmatched close
		}
		closing, delim := markStrongClose, "**"
		if m == markEmOpen {
			closing, delim = markEmClose, "*"
		}
		j := matchClose(s, m, closing)
		if j < 0 {
			continue // unmatched open
		}
		inner := resolver{last: -1}
		inner.run(s[:j])
		s = s[j+utf8.RuneLen(closing):]
		s = r.emphasize(string(inner.out), delim, s)
	}
}

// emphasize writes content as emphasis with delim, before the rest of the
// line s, and returns what is left of s.
func (r *resolver) emphasize(content, delim, s string) string {
	// A pair half inside takes in its other half standing right outside.
	for {
		opens, closes := unmatched(content)
		if len(closes) > 0 {
			if o := lastRuneOf(r.out); o != 0 && pairOpen[closes[0]] == o {
				r.out = r.out[:len(r.out)-utf8.RuneLen(o)]
				content = string(o) + content
				continue
			}
		}
		if len(opens) > 0 {
			if c := firstRune(s); c != 0 && pairClose[opens[len(opens)-1]] == c {
				content += string(c)
				s = s[utf8.RuneLen(c):]
				continue
			}
		}
		break
	}
	next := firstRune(s)
	if lead, core, trail, ok := placeRun(lastRuneOf(r.out), content, next); ok {
		if lead == "" && r.last >= 0 && r.lastEnd == len(r.out) && r.lastDelim == delim {
			// adjacent runs of one kind: one run
			prev := lastRuneOf(r.out[:r.last])
			merged := string(r.out[r.last+len(delim):r.lastEnd-len(delim)]) + core
			if balanced(merged) && canEmphasize(prev, merged, firstRune(trail+s)) {
				r.out = append(r.out[:r.last], delim+merged+delim+trail...)
				r.lastEnd = len(r.out) - len(trail)
				return s
			}
		}
		r.out = append(r.out, lead...)
		r.last = len(r.out)
		r.out = append(r.out, delim+core+delim...)
		r.lastEnd, r.lastDelim = len(r.out), delim
		r.out = append(r.out, trail...)
		return s
	}
	if strings.ContainsRune(content, '*') || strings.ContainsRune(content, '\n') {
		r.out = append(r.out, content...)
		return s
	}
	// Split at the pairs: emphasize each stretch between them that can be.
	for content != "" {
		k := strings.IndexFunc(content, isPairRune)
		if k < 0 {
			k = len(content)
		}
		if seg := content[:k]; seg != "" {
			after := next
			if k < len(content) {
				after = firstRune(content[k:])
			}
			if lead, core, trail, ok := placeRun(lastRuneOf(r.out), seg, after); ok {
				r.out = append(r.out, lead+delim+core+delim+trail...)
			} else {
				r.out = append(r.out, seg...)
			}
		}
		if k == len(content) {
			break
		}
		_, n := utf8.DecodeRuneInString(content[k:])
		r.out = append(r.out, content[k:k+n]...)
		content = content[k+n:]
	}
	r.last = -1
	return s
}

// placeRun finds where delimiters around content can go between prev and
// next: around the whole, or inside edge punctuation (a pair moving out only
// whole). It returns the text before the run, the run and the text after.
func placeRun(prev rune, content string, next rune) (lead, core, trail string, ok bool) {
	core = content
	for {
		if !balanced(core) {
			return "", "", "", false
		}
		try := func(l, c, t string) bool {
			p := prev
			if l != "" {
				p = lastRune(l)
			}
			n := next
			if t != "" {
				n = firstRune(t)
			}
			return c != "" && canEmphasize(p, c, n)
		}
		body := strings.TrimRightFunc(core, isLoosePunct)
		tail := core[len(body):]
		body2 := strings.TrimLeftFunc(body, isLoosePunct)
		head := body[:len(body)-len(body2)]
		cores := []struct{ l, c, t string }{
			{"", core, ""},
			{"", body, tail},
			{head, strings.TrimLeftFunc(core, isLoosePunct), ""},
			{head, body2, tail},
		}
		for _, c := range cores {
			if balanced(c.c) && try(lead+c.l, c.c, c.t+trail) {
				return lead + c.l, c.c, c.t + trail, true
			}
		}
		// strip an outer pair (with loose punctuation outside it) and retry
		o := firstRune(body2)
		cl := lastRune(body2)
		if o == 0 || pairClose[o] == 0 || pairClose[o] != cl || len(body2) <= utf8.RuneLen(o)+utf8.RuneLen(cl) {
			return "", "", "", false
		}
		inner := body2[utf8.RuneLen(o) : len(body2)-utf8.RuneLen(cl)]
		if !balanced(inner) {
			return "", "", "", false
		}
		lead += head + string(o)
		trail = string(cl) + tail + trail
		core = inner
	}
}

// pairClose maps an opening bracket or quote to its closing one.
var pairClose = map[rune]rune{
	'(': ')', '（': '）', '“': '”', '「': '」', '『': '』', '《': '》', '【': '】', '〈': '〉', '〔': '〕', '[': ']',
}

// pairOpen maps a closing bracket or quote to its opening one.
var pairOpen = func() map[rune]rune {
	m := map[rune]rune{}
	for o, c := range pairClose {
		m[c] = o
	}
	return m
}()

func isPairRune(r rune) bool { return pairClose[r] != 0 || pairOpen[r] != 0 }

// isLoosePunct is punctuation or space that may move out of a run alone:
// not half of a pair.
func isLoosePunct(r rune) bool { return !isPairRune(r) && isMDPunct(r) || isMDSpace(r) && r != 0 }

// unmatched returns the openers without a closer and the closers without an
// opener in s, in order.
func unmatched(s string) (opens, closes []rune) {
	for _, r := range s {
		if pairClose[r] != 0 {
			opens = append(opens, r)
			continue
		}
		if o := pairOpen[r]; o != 0 {
			if n := len(opens); n > 0 && opens[n-1] == o {
				opens = opens[:n-1]
			} else {
				closes = append(closes, r)
			}
		}
	}
	return opens, closes
}

// balanced reports s has no unmatched bracket or quote.
func balanced(s string) bool {
	if !strings.ContainsFunc(s, isPairRune) {
		return true
	}
	o, c := unmatched(s)
	return len(o) == 0 && len(c) == 0
}

// matchClose finds the close marker matching an open one at the start of s.
func matchClose(s string, open, closing rune) int {
	depth := 0
	for i, r := range s {
		switch r {
		case open:
			depth++
		case closing:
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// canEmphasize applies CommonMark's left/right-flanking rules to
// delim+content+delim between prev and next (0 = line boundary).
func canEmphasize(prev rune, content string, next rune) bool {
	if strings.TrimSpace(content) == "" || strings.Contains(content, "\n") {
		return false
	}
	first, last := firstRune(content), lastRune(content)
	if first == markBreak || last == markBreak {
		return false
	}
	// opening delimiter: left-flanking
	if isMDSpace(first) || isMDPunct(first) && !(isMDSpace(prev) || isMDPunct(prev)) {
		return false
	}
	// closing delimiter: right-flanking
	if isMDSpace(last) || isMDPunct(last) && !(isMDSpace(next) || isMDPunct(next)) {
		return false
	}
	return true
}

// lastRuneOf is lastRune of written bytes, without copying them.
func lastRuneOf(b []byte) rune {
	r, n := utf8.DecodeLastRune(b)
	if n == 0 {
		return 0
	}
	return r
}
