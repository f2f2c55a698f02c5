package extractor

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteBlocks fixes the block structure editors leave that Markdown would
// render wrong: headings (the title is the only level-1 heading; empty
// headings go; a title split over two headings becomes one; a styled
// sentence is a paragraph, not a heading), lists whose items repeat their
// own numbers as text, and inline elements laid out as blocks.
func rewriteBlocks(root *html.Node) {
	for _, n := range elements(root, func(n *html.Node) bool {
		return (n.DataAtom == atom.Span || n.DataAtom == atom.Font || n.DataAtom == atom.A && attr(n, "href") == "") && displayBlock(attr(n, "style"))
	}) {
		n.Data, n.DataAtom = "div", atom.Div
	}
	rewriteHeadings(root)
	for _, ol := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.Ol }) {
		dropItemNumbers(ol)
	}
}

// displayBlock reports a style laying an element out as a block.
func displayBlock(style string) bool {
	i := strings.Index(style, "display")
	if i < 0 {
		return false
	}
	v := strings.TrimLeft(style[i+len("display"):], " :")
	if j := strings.IndexAny(v, ";!"); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(strings.ToLower(v)) == "block"
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// headingMaxRunes is the longest text a heading keeps; longer ones are
// sentences styled large.
const headingMaxRunes = 60

func rewriteHeadings(root *html.Node) {
	heads := elements(root, isHeading)
	for i, h := range heads {
		if h.Parent == nil {
			continue
		}
		text := nodeText(h)
		if text == "" {
			if hasImage(h) {
				h.Data, h.DataAtom = "p", atom.P
			} else {
				removeNode(h)
			}
			continue
		}
		runes := utf8.RuneCountInString(text)
		if runes > headingMaxRunes || runes > 20 && strings.ContainsRune("。！？!?；;，,", lastRune(text)) {
			h.Data, h.DataAtom = "p", atom.P
			continue
		}
		// a short title line continued by the next heading of its level
		if i+1 < len(heads) {
			next := heads[i+1]
			nt := nodeText(next)
			if next.DataAtom == h.DataAtom && nt != "" && runes+utf8.RuneCountInString(nt) <= headingMaxRunes &&
				!unicode.IsPunct(lastRune(text)) && followsDirectly(h, next) {
				sep := " "
				if isCJK(lastRune(text)) || isCJK(firstRune(nt)) {
					sep = ""
				}
				if sep != "" {
					h.AppendChild(newText(sep))
				}
				for c := next.FirstChild; c != nil; c = next.FirstChild {
					next.RemoveChild(c)
					h.AppendChild(c)
				}
				removeNode(next)
			}
		}
		if h.DataAtom == atom.H1 {
			h.Data, h.DataAtom = "h2", atom.H2
		}
	}
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// followsDirectly reports whether nothing a reader sees (text, an image)
// stands between the end of a and b.
func followsDirectly(a, b *html.Node) bool {
	for n := nextInOrder(a, true); n != nil; n = nextInOrder(n, false) {
		if n == b {
			return true
		}
		switch {
		case n.Type == html.TextNode && strings.TrimSpace(cleanRunes(n.Data)) != "":
			return false
		case n.Type == html.ElementNode && (n.DataAtom == atom.Img || n.DataAtom == atom.Iframe || n.DataAtom == atom.Hr):
			return false
		}
	}
	return false
}

// nextInOrder returns the node after n in document order; skipChildren
// passes over n's own subtree.
func nextInOrder(n *html.Node, skipChildren bool) *html.Node {
	if !skipChildren && n.FirstChild != nil {
		return n.FirstChild
	}
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

// itemNumber matches a number an editor writes at the start of a list
// item's text ("1.", "2、", "3)").
var itemNumber = regexp.MustCompile(`^\s*([0-9]{1,3})\s*[.、．)）]\s*`)

// dropItemNumbers removes from an ordered list the numbers its items carry
// as text, when every item carries its own: Markdown numbers the items.
func dropItemNumbers(ol *html.Node) {
	start := 1
	if v, err := strconv.Atoi(strings.TrimSpace(attr(ol, "start"))); err == nil && v >= 0 {
		start = v
	}
	var firsts []*html.Node
	var locs [][]int
	k := 0
	for li := ol.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		t := firstText(li)
		if t == nil {
			return
		}
		m := itemNumber.FindStringSubmatchIndex(t.Data)
		if m == nil || t.Data[m[2]:m[3]] != strconv.Itoa(start+k) || m[1] < len(t.Data) && t.Data[m[1]] >= '0' && t.Data[m[1]] <= '9' {
			return
		}
		firsts = append(firsts, t)
		locs = append(locs, m)
		k++
	}
	for i, t := range firsts {
		t.Data = t.Data[locs[i][1]:]
	}
}

// firstText returns the first text node under n with visible text.
func firstText(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(cleanRunes(c.Data)) != "" {
				return c
			}
		case html.ElementNode:
			if c.DataAtom == atom.Img {
				return nil
			}
			if t := firstText(c); t != nil {
				return t
			}
		}
	}
	return nil
}
