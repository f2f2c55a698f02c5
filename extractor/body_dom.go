package extractor

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Small helpers over golang.org/x/net/html nodes. The body is walked a
// handful of times in total; none of these helpers allocates per node except
// when building text.

// attr returns the value of attribute key of n, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// setAttr sets attribute key of n to val.
func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// hasClass reports whether n's class list contains c.
func hasClass(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

// isElem reports whether n is an element named name.
func isElem(n *html.Node, name string) bool {
	return n != nil && n.Type == html.ElementNode && n.Data == name
}

// blockTags are the elements that start a new block in the rendered text.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Tbody: true, atom.Thead: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Center: true,
	atom.Header: true, atom.Footer: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
}

// isBlock reports whether n is a block-level element.
func isBlock(n *html.Node) bool {
	return n.Type == html.ElementNode && blockTags[n.DataAtom]
}

// textOf appends the text content of n to b, with a space between blocks.
func textOf(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style:
			return
		case atom.Br:
			b.WriteByte(' ')
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		textOf(b, c)
	}
	if isBlock(n) {
		b.WriteByte(' ')
	}
}

// nodeText returns the normalised text of n (collapsed spaces).
func nodeText(n *html.Node) string {
	var b strings.Builder
	textOf(&b, n)
	return collapseSpace(normalizeText(b.String()))
}

// collapseSpace collapses runs of white space to one space.
func collapseSpace(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\f\v") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// removeNode detaches n from its parent.
func removeNode(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// unwrap replaces n by its children.
func unwrap(n *html.Node) {
	p := n.Parent
	if p == nil {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

// elements returns the element descendants of root (root excluded) in
// document order for which keep returns true.
func elements(root *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if keep(c) {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(root)
	return out
}

// newElem makes an element with text content.
func newElem(name string, a atom.Atom, attrs ...html.Attribute) *html.Node {
	return &html.Node{Type: html.ElementNode, Data: name, DataAtom: a, Attr: attrs}
}

// newText makes a text node.
func newText(s string) *html.Node { return &html.Node{Type: html.TextNode, Data: s} }

// linkParagraph returns <p><a href=href>text</a></p>, or <p>text</p> when
// href is empty.
func linkParagraph(href, text string) *html.Node {
	p := newElem("p", atom.P)
	if href == "" {
		p.AppendChild(newText(text))
		return p
	}
	a := newElem("a", atom.A, html.Attribute{Key: "href", Val: href})
	a.AppendChild(newText(text))
	p.AppendChild(a)
	return p
}

// replaceNode puts repl where n was and removes n.
func replaceNode(n, repl *html.Node) {
	if n.Parent == nil {
		return
	}
	n.Parent.InsertBefore(repl, n)
	n.Parent.RemoveChild(n)
}
