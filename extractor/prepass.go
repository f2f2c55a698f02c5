package extractor

import (
	"bytes"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A modern WeChat page is 2–3.5 MB, most of it inline <script> and <style>
// text, which html.Parse's tokenizer reads one byte at a time. The pre-pass
// finds those raw-text blocks with bytes.IndexByte, hands html.Parse a copy of
// the page whose blocks hold only a short placeholder, and puts the original
// text back into the parsed tree. The tree is then the one html.Parse builds
// from the whole page; whenever that cannot be shown, parsePage parses the
// whole page instead.
//
// The scanner below mirrors golang.org/x/net/html's tokenizer (token.go) at
// tag granularity: data state, comments, bogus comments, tags with quoted
// attribute values, raw-text elements and the script data escape states. The
// tokenizer leaves that model only in foreign content (<svg>, <math>), where
// the parser turns raw text off and allows CDATA; the scanner gives up on what
// could be read differently there, and the parsed placeholders are checked.
// TestPrepassFixtures and FuzzPrepass compare the trees with html.Parse, so
// a change of the tokenizer in a new x/net shows there.

// placeholderPrefix starts every placeholder; pages containing it outside
// the blocks taken out are parsed whole, so a placeholder found in the tree
// is always ours. The check counts the prefix in the reduced page (a tenth of
// a modern page) rather than searching the whole page: the reduced page
// holds exactly one per block unless the page's own text has one. A
// placeholder can neither be made up by text around it (it starts with a
// byte the prefix has nowhere else) nor run on into it (a block is always
// followed by "</").
const placeholderPrefix = "\x01wxprepass:"

// rawBlock is the text of one <script> or <style> element, raw[start:end].
type rawBlock struct {
	start, end int
	tag        atom.Atom
}

// parsePage parses raw into the tree html.Parse(raw) builds, using the
// pre-pass when it is safe.
func parsePage(raw []byte) (*html.Node, error) {
	if root, ok := parsePrepass(raw); ok {
		return root, nil
	}
	return html.Parse(bytes.NewReader(raw))
}

// parsePrepass parses the reduced page and restores the blocks. ok is false
// when the page has nothing to reduce or the result cannot be trusted.
func parsePrepass(raw []byte) (*html.Node, bool) {
	small, blocks, ok := prepass(raw)
	if !ok || len(blocks) == 0 {
		return nil, false
	}
	root, err := html.Parse(bytes.NewReader(small))
	if err != nil || !restoreBlocks(root, raw, blocks) {
		return nil, false
	}
	return root, true
}

// prepass returns raw with the text of every <script> and <style> element
// replaced by a placeholder, and where those texts were. ok is false when
// the scanner cannot be sure to read the page as the tokenizer does.
func prepass(raw []byte) (small []byte, blocks []rawBlock, ok bool) {
	s := &scanner{b: raw}
	if !s.run() {
		return nil, nil, false
	}
	if len(s.blocks) == 0 {
		if bytes.Contains(raw, []byte(placeholderPrefix)) {
			return nil, nil, false
		}
		return raw, nil, true
	}
	size := len(raw)
	for _, blk := range s.blocks {
		size -= blk.end - blk.start
	}
	out := make([]byte, 0, size+len(s.blocks)*(len(placeholderPrefix)+4))
	last := 0
	for i, blk := range s.blocks {
		out = append(out, raw[last:blk.start]...)
		out = append(out, placeholderPrefix...)
		out = strconv.AppendInt(out, int64(i), 10)
		last = blk.end
	}
	out = append(out, raw[last:]...)
	if bytes.Count(out, []byte(placeholderPrefix)) != len(s.blocks) {
		return nil, nil, false
	}
	return out, s.blocks, true
}

// restoreBlocks puts the block texts back in place of the placeholders. It
// reports false unless every placeholder is found exactly once, as the only
// child of an HTML <script> or <style> of the recorded kind: anything else
// means the parser did not read the page as the scanner did.
func restoreBlocks(root *html.Node, raw []byte, blocks []rawBlock) bool {
	// The block texts are views of raw, not copies (see detach).
	src := bytesView(raw)
	found := make([]bool, len(blocks))
	n := 0
	okAll := true
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		for c := p.FirstChild; c != nil && okAll; c = c.NextSibling {
			if c.Type == html.TextNode && strings.HasPrefix(c.Data, placeholderPrefix) {
				i, err := strconv.Atoi(c.Data[len(placeholderPrefix):])
				if err != nil || i < 0 || i >= len(blocks) || found[i] || !holdsBlock(p, c, blocks[i].tag) {
					okAll = false
					return
				}
				found[i] = true
				n++
				c.Data = blockText(src[blocks[i].start:blocks[i].end])
				continue
			}
			walk(c)
		}
	}
	walk(root)
	return okAll && n == len(blocks)
}

// holdsBlock reports whether text is the only child of an HTML element of
// kind tag, as the tokenizer's single raw-text token would be.
func holdsBlock(p, text *html.Node, tag atom.Atom) bool {
	return p.Type == html.ElementNode && p.Namespace == "" && p.DataAtom == tag &&
		p.FirstChild == text && text.NextSibling == nil
}

// blockText is the text node the tokenizer makes of raw text: newlines
// normalised to \n and NUL replaced by U+FFFD (token.go Text).
func blockText(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\ufffd")
	}
	return s
}

// scanner walks a page in the tokenizer's data state, from one '<' to the
// next.
type scanner struct {
	b       []byte
	i       int
	blocks  []rawBlock
	foreign []string // open <svg>/<math> elements, as far as tags tell
	// foreignSeen is set at the first <svg> or <math>: from there the parser
	// may be in foreign content, where raw text and CDATA read differently.
	foreignSeen bool
}

// run scans the whole page. It reports false when the page must be parsed
// whole.
func (s *scanner) run() bool {
	for {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 || s.i+j+1 >= len(s.b) {
			return true
		}
		k := s.i + j
		c := s.b[k+1]
		var ok, more bool
		switch {
		case isLetter(c):
			ok, more = s.startTag(k)
		case c == '/':
			more = s.endTag(k)
			ok = true
		case c == '!':
			ok, more = s.markupDecl(k)
		case c == '?':
			more = s.untilCloseAngle(k + 1)
			ok = true
		default:
			s.i, ok, more = k+1, true, true // a '<' in text
		}
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isTagSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// untilCloseAngle skips a bogus comment or doctype to the next '>'
// (readUntilCloseAngle). more is false at the end of input.
func (s *scanner) untilCloseAngle(from int) (more bool) {
	j := bytes.IndexByte(s.b[from:], '>')
	if j < 0 {
		return false
	}
	s.i = from + j + 1
	return true
}

// markupDecl handles "<!": a comment, a doctype, CDATA or a bogus comment
// (readMarkupDeclaration).
func (s *scanner) markupDecl(k int) (ok, more bool) {
	d := k + 2
	if d+2 > len(s.b) {
		return true, false // a bogus comment to the end of input
	}
	if s.b[d] == '-' && s.b[d+1] == '-' {
		return true, s.comment(d + 2)
	}
	if s.foreignSeen && bytes.HasPrefix(s.b[d:], []byte("[CDATA[")) {
		return false, false // text in foreign content, a bogus comment elsewhere
	}
	return true, s.untilCloseAngle(d)
}

// comment skips a comment whose text starts at i (readComment): it ends at
// "-->", "--!>", or a '>' preceded only by dashes ("<!-->", "<!--->").
func (s *scanner) comment(i int) (more bool) {
	dashes, beginning := 0, true
	for i < len(s.b) {
		c := s.b[i]
		i++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				s.i = i
				return true
			}
		case '!':
			if dashes >= 2 {
				if i >= len(s.b) {
					return false
				}
				c = s.b[i]
				i++
				if c == '>' {
					s.i = i
					return true
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return false
}

// endTag handles "</": an end tag, "</>" or a bogus comment.
func (s *scanner) endTag(k int) (more bool) {
	if k+2 >= len(s.b) {
		return false
	}
	c := s.b[k+2]
	switch {
	case c == '>':
		s.i = k + 3
		return true
	case isLetter(c):
		t, ok := readTag(s.b, k+2)
		if !ok {
			return false
		}
		s.closeForeign(knownTag(s.b[k+2 : t.nameEnd]))
		s.i = t.end
		return true
	}
	return s.untilCloseAngle(k + 2)
}

// rawKinds are the elements whose content the tokenizer reads as raw text
// (readStartTag); act marks those the pre-pass takes out.
var rawKinds = map[string]struct {
	tag atom.Atom
	act bool
}{
	"script": {atom.Script, true}, "style": {atom.Style, true},
	"iframe": {atom.Iframe, false}, "noembed": {atom.Noembed, false}, "noframes": {atom.Noframes, false},
	"noscript": {atom.Noscript, false}, "textarea": {atom.Textarea, false}, "title": {atom.Title, false},
	"xmp": {atom.Xmp, false}, "plaintext": {atom.Plaintext, false},
}

// startTag handles a start tag at k and, for a raw-text element, its text.
func (s *scanner) startTag(k int) (ok, more bool) {
	t, ok := readTag(s.b, k+1)
	if !ok {
		return true, false // the tokenizer drops a tag cut by the end of input
	}
	name := knownTag(s.b[k+1 : t.nameEnd])
	s.i = t.end
	kind, isRaw := rawKinds[name]
	if !isRaw {
		if (name == "svg" || name == "math") && !t.selfClosing {
			s.foreign = append(s.foreign, name)
			s.foreignSeen = true
		}
		return true, true
	}
	if name == "plaintext" {
		return !s.foreignSeen, false // the rest of the page is text
	}
	start := t.end
	end, closed := rawTextEnd(s.b, start, name)
	if !closed {
		return true, false // raw text to the end of input: nothing to gain
	}
	s.i = end
	if kind.act && len(s.foreign) == 0 {
		if end > start {
			s.blocks = append(s.blocks, rawBlock{start: start, end: end, tag: kind.tag})
		}
		return true, true
	}
	// In foreign content this element's text is markup. Read as raw text or
	// as markup, text without '<' ends at the same end tag.
	if s.foreignSeen && bytes.IndexByte(s.b[start:end], '<') >= 0 {
		return false, false
	}
	return true, true
}

// closeForeign pops an open <svg>/<math> at its end tag. The count is only
// a guide to which blocks to take out: restoreBlocks checks each one.
func (s *scanner) closeForeign(name string) {
	if name != "svg" && name != "math" {
		return
	}
	for i := len(s.foreign) - 1; i >= 0; i-- {
		if s.foreign[i] == name {
			s.foreign = s.foreign[:i]
			return
		}
	}
}

// knownTag returns the lower-cased tag name b (ASCII case folded, as the
// tokenizer does) when the scanner cares about it: a raw-text element, svg
// or math. Else "", without allocating for the thousands of other tags.
func knownTag(b []byte) string {
	var buf [len("plaintext")]byte // the longest known name
	if len(b) > len(buf) {
		return ""
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	key := buf[:len(b)]
	for _, name := range knownTags {
		if string(key) == name {
			return name
		}
	}
	return ""
}

var knownTags = func() []string {
	names := []string{"svg", "math"}
	for name := range rawKinds {
		names = append(names, name)
	}
	return names
}()

// tagEnd is where a tag's name and the tag end.
type tagEnd struct {
	nameEnd     int
	end         int // just past '>'
	selfClosing bool
}

// readTag reads a tag whose name starts at i, with its attributes (readTag,
// readTagName, readTagAttrKey, readTagAttrVal). ok is false when input ends
// inside the tag.
func readTag(b []byte, i int) (t tagEnd, ok bool) {
	for i++; ; i++ {
		if i >= len(b) {
			return t, false
		}
		if c := b[i]; isTagSpace(c) || c == '/' || c == '>' {
			break
		}
	}
	t.nameEnd = i
	lastVal := -1 // end of the last unquoted attribute value
	for {
		i = skipTagSpace(b, i)
		if i >= len(b) {
			return t, false
		}
		if b[i] == '>' {
			t.end = i + 1
			t.selfClosing = i > 0 && b[i-1] == '/' && i-1 != lastVal
			return t, true
		}
		// attribute name; a leading '=' belongs to it
		j := i
		for ; j < len(b); j++ {
			if c := b[j]; isTagSpace(c) || c == '/' || c == '>' || c == '=' && j > i {
				break
			}
		}
		if j >= len(b) {
			return t, false
		}
		i, lastVal = attrValue(b, j)
		if i < 0 {
			return t, false
		}
	}
}

// attrValue reads what follows an attribute name at i: nothing, "/", or
// "=value". It returns the index after it, or -1 at the end of input, and
// the index of the last byte of an unquoted value (else -1).
func attrValue(b []byte, i int) (next, lastVal int) {
	i = skipTagSpace(b, i)
	if i >= len(b) {
		return -1, -1
	}
	switch b[i] {
	case '/':
		return i + 1, -1
	case '=':
	default:
		return i, -1
	}
	i = skipTagSpace(b, i+1)
	if i >= len(b) {
		return -1, -1
	}
	switch q := b[i]; q {
	case '>':
		return i, -1
	case '"', '\'':
		j := bytes.IndexByte(b[i+1:], q)
		if j < 0 {
			return -1, -1
		}
		return i + 1 + j + 1, -1
	}
	for j := i + 1; j < len(b); j++ {
		if c := b[j]; isTagSpace(c) {
			return j + 1, j - 1
		} else if c == '>' {
			return j, j - 1
		}
	}
	return -1, -1
}

func skipTagSpace(b []byte, i int) int {
	for i < len(b) && isTagSpace(b[i]) {
		i++
	}
	return i
}

// rawTextEnd returns the index of the end tag that closes the raw text
// starting at i (readRawOrRCDATA), and false when none does.
func rawTextEnd(b []byte, i int, name string) (int, bool) {
	if name == "script" {
		return scriptEnd(b, i)
	}
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return len(b), false
		}
		lt := i + j
		if lt+1 < len(b) && b[lt+1] == '/' {
			next, matched := rawEndTag(b, lt+2, name)
			if matched {
				return lt, true
			}
			if next < 0 {
				return len(b), false
			}
			i = next
			continue
		}
		i = lt + 1
	}
}

// rawEndTag matches name and a delimiter after "</" at i (readRawEndTag).
// Unmatched, it returns where scanning resumes, or -1 at the end of input.
func rawEndTag(b []byte, i int, name string) (next int, matched bool) {
	for k := 0; k < len(name); k++ {
		if i >= len(b) {
			return -1, false
		}
		if c := b[i]; c != name[k] && c != name[k]-('a'-'A') {
			return i, false // reconsumed
		}
		i++
	}
	if i >= len(b) {
		return -1, false
	}
	switch b[i] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return i + 1, true
	}
	return i, false
}

// The tokenizer's script data states (readScript).
const (
	scriptData = iota
	scriptEscaped
	scriptEscapedDash
	scriptEscapedDashDash
	scriptDoubleEscaped
	scriptDoubleEscapedDash
	scriptDoubleEscapedDashDash
)

// scriptEnd returns the index of the "</script" that ends the script text
// starting at i, following the escape states in which "<!--" and a nested
// "<script>" hide a "</script>". It returns false when the text runs to the
// end of input.
func scriptEnd(b []byte, i int) (int, bool) {
	state := scriptData
	for {
		if state == scriptData {
			// Only '<' matters here: skip to it at memchr speed.
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				return len(b), false
			}
			lt := i + j
			end, next, st := scriptLessThan(b, lt)
			if end >= 0 {
				return end, true
			}
			if next < 0 {
				return len(b), false
			}
			i, state = next, st
			continue
		}
		if i >= len(b) {
			return len(b), false
		}
		c := b[i]
		i++
		switch {
		case c == '<' && state <= scriptEscapedDashDash:
			end, next, st := scriptEscapedLessThan(b, i-1)
			if end >= 0 {
				return end, true
			}
			if next < 0 {
				return len(b), false
			}
			i, state = next, st
		case c == '<':
			next, st := scriptDoubleEscapedLessThan(b, i-1)
			if next < 0 {
				return len(b), false
			}
			i, state = next, st
		default:
			state = scriptDashState(state, c)
		}
	}
}

// scriptDashState moves between the (double-)escaped states on a byte other
// than '<'.
func scriptDashState(state int, c byte) int {
	base, dash, dashDash := scriptEscaped, scriptEscapedDash, scriptEscapedDashDash
	if state >= scriptDoubleEscaped {
		base, dash, dashDash = scriptDoubleEscaped, scriptDoubleEscapedDash, scriptDoubleEscapedDashDash
	}
	switch {
	case c == '-' && state == base:
		return dash
	case c == '-':
		return dashDash
	case c == '>' && state == dashDash:
		return scriptData
	}
	return base
}

// scriptLessThan handles '<' at lt in script data: "</script" ends the
// script (end = lt), "<!--" enters the escaped state. end is -1 otherwise;
// next is where scanning resumes (-1 at the end of input).
func scriptLessThan(b []byte, lt int) (end, next, state int) {
	i := lt + 1
	if i >= len(b) {
		return -1, -1, 0
	}
	switch b[i] {
	case '/':
		n, matched := rawEndTag(b, i+1, "script")
		if matched {
			return lt, 0, 0
		}
		return -1, n, scriptData
	case '!':
		i++
		for k := 0; k < 2; k++ { // "<!-" then "<!--"
			if i >= len(b) {
				return -1, -1, 0
			}
			if b[i] != '-' {
				return -1, i, scriptData // reconsumed
			}
			i++
		}
		return -1, i, scriptEscapedDashDash
	}
	return -1, i, scriptData // reconsumed
}

// scriptEscapedLessThan handles '<' at lt in the escaped states: "</script"
// ends the script, "<script" followed by a delimiter enters the double
// escaped state.
func scriptEscapedLessThan(b []byte, lt int) (end, next, state int) {
	i := lt + 1
	if i >= len(b) {
		return -1, -1, 0
	}
	c := b[i]
	switch {
	case c == '/':
		n, matched := rawEndTag(b, i+1, "script")
		if matched {
			return lt, 0, 0
		}
		return -1, n, scriptEscaped
	case isLetter(c):
		for k := 0; k < len("script"); k++ {
			if i >= len(b) {
				return -1, -1, 0
			}
			if b[i] != "script"[k] && b[i] != "SCRIPT"[k] {
				return -1, i, scriptEscaped // reconsumed
			}
			i++
		}
		if i >= len(b) {
			return -1, -1, 0
		}
		switch b[i] {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return -1, i + 1, scriptDoubleEscaped
		}
		return -1, i, scriptEscaped
	}
	return -1, i, scriptData // reconsumed, back in script data
}

// scriptDoubleEscapedLessThan handles '<' at lt in the double escaped
// states: "</script" and a delimiter return to the escaped state.
func scriptDoubleEscapedLessThan(b []byte, lt int) (next, state int) {
	i := lt + 1
	if i >= len(b) {
		return -1, 0
	}
	if b[i] != '/' {
		return i, scriptDoubleEscaped // reconsumed
	}
	n, matched := rawEndTag(b, i+1, "script")
	if matched {
		return n, scriptEscaped
	}
	return n, scriptDoubleEscaped
}
