package extractor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteEmphasis makes bold and italic survive CommonMark: bold spans
// become <strong>, nested and adjacent runs merge, empty runs and runs around
// only images go, and white space and punctuation at the edges of a run move
// outside it (a closing "**" right after "：" and before a letter is not a
// closing delimiter in CommonMark).
func rewriteEmphasis(root *html.Node) {
	for _, n := range elements(root, func(*html.Node) bool { return true }) {
		switch n.DataAtom {
		case atom.B:
			n.Data, n.DataAtom = "strong", atom.Strong
		case atom.I:
			n.Data, n.DataAtom = "em", atom.Em
		case atom.Span, atom.Font:
			if styleBold(attr(n, "style")) && !hasBlockDescendant(n) {
				n.Data, n.DataAtom = "strong", atom.Strong
			}
		}
	}
	runs := elements(root, isEmphasis)
	// Inner runs first so that an outer run sees its final content.
	for i := len(runs) - 1; i >= 0; i-- {
		n := runs[i]
		if n.Parent == nil {
			continue
		}
		if insideSame(n) || insideHeading(n) || hasBlockDescendant(n) {
			unwrap(n)
		}
	}
	for _, n := range runs {
		if n.Parent == nil {
			continue
		}
		mergeFollowing(n)
	}
	for _, n := range runs {
		if n.Parent == nil {
			continue
		}
		moveEdges(n)
		if strings.TrimSpace(plainText(n)) == "" || isEdgeless(n) {
			unwrap(n)
		}
	}
}

func isEmphasis(n *html.Node) bool {
	return n.DataAtom == atom.Strong || n.DataAtom == atom.Em
}

// styleBold reports a font-weight of bold or at least 600 in a style
// attribute.
func styleBold(style string) bool {
	i := strings.Index(style, "font-weight")
	if i < 0 {
		return false
	}
	v := style[i+len("font-weight"):]
	v = strings.TrimLeft(v, " :")
	if j := strings.IndexAny(v, ";!"); j >= 0 {
		v = v[:j]
	}
	switch strings.TrimSpace(strings.ToLower(v)) {
	case "bold", "bolder", "600", "700", "800", "900":
		return true
	}
	return false
}

func hasBlockDescendant(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isBlock(c) || c.Type == html.ElementNode && hasBlockDescendant(c) {
			return true
		}
	}
	return false
}

// insideSame reports an emphasis run inside a run of the same kind.
func insideSame(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == n.DataAtom {
			return true
		}
	}
	return false
}

func insideHeading(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre:
			return true
		}
	}
	return false
}

// mergeFollowing moves into n the runs of the same kind that follow it,
// separated by nothing or white space only.
func mergeFollowing(n *html.Node) {
	for {
		next := n.NextSibling
		var gap *html.Node
		if next != nil && next.Type == html.TextNode && strings.TrimSpace(next.Data) == "" {
			gap, next = next, next.NextSibling
		}
		if next == nil || next.Type != html.ElementNode || next.DataAtom != n.DataAtom {
			return
		}
		if gap != nil {
			n.Parent.RemoveChild(gap)
			n.AppendChild(gap)
		}
		for c := next.FirstChild; c != nil; c = next.FirstChild {
			next.RemoveChild(c)
			n.AppendChild(c)
		}
		n.Parent.RemoveChild(next)
	}
}

// plainText is the raw text of n.
func plainText(n *html.Node) string {
	var b strings.Builder
	textOf(&b, n)
	return cleanRunes(b.String())
}

// isEdgeless reports runs whose markdown would begin or end with something
// other than text (an image, a link) while holding no text of their own
// outside it; such runs are dropped rather than rendered as broken "**".
func isEdgeless(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(cleanRunes(c.Data)) != "" {
			return false
		}
		if c.Type == html.ElementNode && c.DataAtom != atom.Img && c.DataAtom != atom.Br {
			return false
		}
	}
	return true
}

// moveEdges moves leading and trailing white space, punctuation and line
// breaks of n out of n, across as many text nodes as needed.
func moveEdges(n *html.Node) {
	for first := n.FirstChild; first != nil && isElem(first, "br"); first = n.FirstChild {
		n.RemoveChild(first)
		n.Parent.InsertBefore(first, n)
	}
	for t := edgeText(n, true); t != nil; t = edgeText(n, true) {
		s := cleanRunes(t.Data)
		rest := strings.TrimLeftFunc(s, isEdgeRune)
		moved := s[:len(s)-len(rest)]
		if moved == "" {
			break
		}
		t.Data = rest
		n.Parent.InsertBefore(newText(moved), n)
		if rest != "" {
			break
		}
		removeNode(t)
	}
	for last := n.LastChild; last != nil && isElem(last, "br"); last = n.LastChild {
		n.RemoveChild(last)
		insertAfter(n, last)
	}
	for t := edgeText(n, false); t != nil; t = edgeText(n, false) {
		s := cleanRunes(t.Data)
		rest := strings.TrimRightFunc(s, isEdgeRune)
		moved := s[len(rest):]
		if moved == "" {
			break
		}
		t.Data = rest
		insertAfter(n, newText(moved))
		if rest != "" {
			break
		}
		removeNode(t)
	}
}

// insertAfter puts c right after n.
func insertAfter(n, c *html.Node) {
	if n.NextSibling != nil {
		n.Parent.InsertBefore(c, n.NextSibling)
	} else {
		n.Parent.AppendChild(c)
	}
}

// edgeText returns the first (or last) non-empty text node of n reached
// through plain inline wrappers only (skipping empty ones and line breaks),
// or nil when an image, link or other element comes first.
func edgeText(n *html.Node, first bool) *html.Node {
	c := n.FirstChild
	if !first {
		c = n.LastChild
	}
	for ; c != nil; c = step(c, first) {
		switch {
		case c.Type == html.TextNode:
			if strings.TrimSpace(cleanRunes(c.Data)) != "" || cleanRunes(c.Data) != "" {
				return c
			}
		case c.Type != html.ElementNode:
		case c.DataAtom == atom.Br:
		case isInlineWrapper(c):
			if t := edgeText(c, first); t != nil {
				return t
			}
			if cleanRunes(plainText(c)) != "" || hasImage(c) {
				return nil
			}
		default:
			return nil
		}
	}
	return nil
}

func step(c *html.Node, forward bool) *html.Node {
	if forward {
		return c.NextSibling
	}
	return c.PrevSibling
}

func isInlineWrapper(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Span, atom.Font, atom.Em, atom.Strong, atom.U, atom.Sub, atom.Sup, atom.Small, atom.Big, atom.Mark, atom.S, atom.Del, atom.Ins:
		return true
	}
	return false
}

// isEdgeRune is white space: moved out of a run so that its delimiters
// touch text. Punctuation at the edges is settled when the Markdown is
// written (see resolveEmphasis), where the characters around the run are
// known and a bracket or quote pair is never split.
func isEdgeRune(r rune) bool {
	return unicode.IsSpace(r) || r == utf8.RuneError
}
