package search

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"wxarchive/internal/mdtext"
)

// maxBody caps the text indexed from one article: past it the body is cut
// (a hostile or broken page cannot blow the index up).
const maxBody = 1 << 20

// SplitFrontMatter separates a version's YAML front matter from its body.
func SplitFrontMatter(md []byte) (fm, body []byte) {
	md = bytes.ReplaceAll(md, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(md, []byte("---\n")) {
		return nil, md
	}
	end := bytes.Index(md[4:], []byte("\n---\n"))
	if end < 0 {
		if bytes.HasSuffix(md, []byte("\n---")) {
			return md[4 : len(md)-3], nil
		}
		return nil, md
	}
	return md[4 : 4+end+1], md[4+end+5:]
}

// PlainText is the text a reader sees in a Markdown body (see
// mdtext.PlainText), of at most the first maxBody bytes.
func PlainText(body []byte) string {
	if len(body) > maxBody {
		body = body[:maxBody]
	}
	return dropInvisible(mdtext.PlainText(body))
}

// dropInvisible removes the invisible format characters (Unicode category
// Cf: zero-width spaces and joiners, soft hyphens, bidirectional marks,
// byte-order marks) from indexed text and from query terms alike: a page
// may hide them inside words, a query pasted from a page may carry them.
func dropInvisible(s string) string {
	if !strings.ContainsFunc(s, isInvisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
}

func isInvisible(r rune) bool { return r >= 0xad && unicode.Is(unicode.Cf, r) }

// gramRune reports whether r is a character of grams as it is: letters
// and digits, the characters the unicode61 tokenizer keeps in a token.
func gramRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// gramToken is the token of a gram of one or two characters (case folded)
// in the gram table. A gram of letters and digits is itself; one holding
// anything else (punctuation, symbols: "C#", "5%", "，。") is spelled as
// the hex of its characters, "x" before each ("x63x23"), which the
// tokenizer keeps whole and no gram of letters can equal (a gram is at most
// two characters, a spelled one at least three). So every query of one or
// two characters is found in the table: none needs a scan of the text.
func gramToken(g []rune) string {
	plain := true
	for _, r := range g {
		plain = plain && gramRune(r)
	}
	if plain {
		return string(g)
	}
	var b strings.Builder
	for _, r := range g {
		b.WriteByte('x')
		b.WriteString(strconv.FormatInt(int64(r), 16))
	}
	return b.String()
}

// gramSkip reports the characters no gram holds: blank space (terms never
// hold it) and control characters (dropped from queries).
func gramSkip(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// Grams returns the distinct tokens of the one- and two-character grams of
// the texts, case folded, space separated, sorted: what the gram table
// indexes. A gram never spans blank space or two texts.
func Grams(texts ...string) string {
	set := map[string]struct{}{}
	for _, s := range texts {
		prev := rune(-1)
		for _, r := range s {
			r = unicode.ToLower(r)
			if gramSkip(r) || r == utf8.RuneError {
				prev = -1
				continue
			}
			set[gramToken([]rune{r})] = struct{}{}
			if prev >= 0 {
				set[gramToken([]rune{prev, r})] = struct{}{}
			}
			prev = r
		}
	}
	out := make([]string, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Span is a piece of a title or a snippet; Mark says it matched a term.
type Span struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// Highlight cuts s into spans, marking every occurrence of a term (case
// folded, rune by rune).
func Highlight(s string, terms []string) []Span {
	rs := []rune(oneLine(s))
	marks := matchMask(rs, terms)
	return spans(rs, marks, 0, len(rs))
}

// maxSnippetScan bounds the bytes of a text searched for a snippet.
const maxSnippetScan = 64 << 10

// Snippet returns about width runes of s around the first match of a term,
// the matches marked; the start of s when nothing matches (a short term
// may match across what PlainText joined).
func Snippet(s string, terms []string, width int) []Span {
	if len(s) > maxSnippetScan {
		s = strings.ToValidUTF8(s[:maxSnippetScan], "")
	}
	s = window(s, terms, width)
	rs := []rune(oneLine(s))
	marks := matchMask(rs, terms)
	first := -1
	for i, m := range marks {
		if m {
			first = i
			break
		}
	}
	start := 0
	if first > width/3 {
		start = first - width/3
		// Start at a line or sentence start when one is near.
		for i := first - 1; i >= start && i >= first-width/2; i-- {
			if rs[i] == '。' || rs[i] == '.' || rs[i] == '！' || rs[i] == '？' {
				start = i + 1
				break
			}
		}
	}
	end := min(len(rs), start+width)
	out := spans(rs, marks, start, end)
	if start > 0 {
		out = append([]Span{{Text: "…"}}, out...)
	}
	if end < len(rs) {
		out = append(out, Span{Text: "…"})
	}
	return out
}

// window cuts s down to the part around the first match that a snippet of
// width characters can show (at most 4 bytes a character, both sides), so
// a long text is not decoded whole. The cut is on character boundaries.
func window(s string, terms []string, width int) string {
	span := 4 * width
	if len(s) <= 2*span {
		return s
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		return s // case folding moved bytes: offsets would not match
	}
	first := -1
	for _, t := range terms {
		if i := strings.Index(lower, strings.ToLower(t)); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	start, end := 0, min(len(s), 2*span)
	if first > span {
		start, end = first-span, min(len(s), first+span)
	}
	for start > 0 && !utf8.RuneStart(s[start]) {
		start++
	}
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[start:end]
}

func matchMask(rs []rune, terms []string) []bool {
	lower := make([]rune, len(rs))
	for i, r := range rs {
		lower[i] = unicode.ToLower(r)
	}
	marks := make([]bool, len(rs))
	for _, t := range terms {
		tr := []rune(strings.ToLower(t))
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(lower); i++ {
			if lower[i] == tr[0] && runesEqual(lower[i:i+len(tr)], tr) {
				for j := i; j < i+len(tr); j++ {
					marks[j] = true
				}
			}
		}
	}
	return marks
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func spans(rs []rune, marks []bool, start, end int) []Span {
	var out []Span
	for i := start; i < end; {
		j := i
		for j < end && marks[j] == marks[i] {
			j++
		}
		out = append(out, Span{Text: string(rs[i:j]), Mark: marks[i]})
		i = j
	}
	return out
}

// oneLine collapses every run of blank space into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// runeLen is the number of characters of s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
