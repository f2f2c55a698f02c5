package extractor

import (
	"strings"

	"golang.org/x/net/html"
)

// domIndex answers the page's simple lookups (#id, .class, tag, <meta>)
// from one walk of the tree. Each goquery Find walks the whole tree again,
// and metadata asks some twenty of them. The answers are what cascadia
// gives: the first element in document order whose id attribute equals,
// whose class attribute lists, or whose tag name is the one asked.
type domIndex struct {
	byID    map[string]*html.Node
	byClass map[string]*html.Node
	byTag   map[string]*html.Node
	metas   []*html.Node // <meta> elements in document order
}

// newDOMIndex walks the tree under root once.
func newDOMIndex(root *html.Node) *domIndex {
	x := &domIndex{byID: map[string]*html.Node{}, byClass: map[string]*html.Node{}, byTag: map[string]*html.Node{}}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			x.add(c)
			walk(c)
		}
	}
	walk(root)
	return x
}

func (x *domIndex) add(n *html.Node) {
	addFirst(x.byTag, n.Data, n)
	if n.Data == "meta" {
		x.metas = append(x.metas, n)
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "id":
			addFirst(x.byID, a.Val, n)
		case "class":
			// cascadia splits the class list on these five bytes
			for rest := a.Val; rest != ""; {
				c := rest
				if i := strings.IndexAny(rest, " \t\r\n\f"); i >= 0 {
					c, rest = rest[:i], rest[i+1:]
				} else {
					rest = ""
				}
				if c != "" {
					addFirst(x.byClass, c, n)
				}
			}
		}
	}
}

func addFirst(m map[string]*html.Node, k string, n *html.Node) {
	if _, ok := m[k]; !ok {
		m[k] = n
	}
}

// first returns the first element matching a simple selector ("#id",
// ".class" or "tag"), and ok false for any other selector.
func (x *domIndex) first(sel string) (n *html.Node, ok bool) {
	switch {
	case len(sel) > 1 && sel[0] == '#' && isSimpleIdent(sel[1:]):
		return x.byID[sel[1:]], true
	case len(sel) > 1 && sel[0] == '.' && isSimpleIdent(sel[1:]):
		return x.byClass[sel[1:]], true
	case isTagName(sel):
		return x.byTag[sel], true
	}
	return nil, false
}

// metaContent returns the trimmed content of the first <meta> whose
// property or name is key, as `meta[property="key"], meta[name="key"]`
// selects it; ok is false when there is no such element.
func (x *domIndex) metaContent(key string) (string, bool) {
	for _, m := range x.metas {
		for _, a := range m.Attr {
			if (a.Key == "property" || a.Key == "name") && a.Val == key {
				return firstAttrValue(m, "content")
			}
		}
	}
	return "", false
}

// firstAttrValue is goquery's Attr: the first attribute named key.
func firstAttrValue(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// isSimpleIdent reports a CSS identifier that needs no escaping: a letter or
// '_' then letters, digits, '-' and '_'.
func isSimpleIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-')) {
			return false
		}
	}
	return s != ""
}

// isTagName reports a lower-case tag name such as "title" or "h1".
func isTagName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// allText is goquery's Text of one node: its text nodes, concatenated.
func allText(b *strings.Builder, n *html.Node) {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		allText(b, c)
	}
}
