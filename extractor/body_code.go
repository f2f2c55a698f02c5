package extractor

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteCode turns WeChat's code blocks (one <code> per line, <br> lines,
// line-number lists, code-snippet sections) into <pre><code class=language-x>
// holding plain text with its line breaks and indentation. A <pre> used only
// for layout (formatted prose, no <code>) becomes an ordinary block.
func rewriteCode(root *html.Node) {
	for _, n := range elements(root, func(n *html.Node) bool {
		return hasClass(n, "code-snippet__line-index")
	}) {
		removeNode(n)
	}
	for _, pre := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.Pre }) {
		if pre.Parent == nil || insidePre(pre) {
			continue
		}
		if !isCodePre(pre) {
			pre.Data, pre.DataAtom, pre.Attr = "div", atom.Div, nil
			continue
		}
		lang := codeLanguage(pre)
		text := codeText(pre)
		for c := pre.FirstChild; c != nil; c = pre.FirstChild {
			pre.RemoveChild(c)
		}
		pre.Attr = nil
		if strings.TrimSpace(text) == "" {
			removeNode(pre)
			continue
		}
		code := newElem("code", atom.Code)
		if lang != "" {
			code.Attr = []html.Attribute{{Key: "class", Val: "language-" + lang}}
		}
		code.AppendChild(newText(text + "\n"))
		pre.AppendChild(code)
	}
}

func insidePre(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Pre {
			return true
		}
	}
	return false
}

// isCodePre tells code from a <pre> used for layout: code has a <code>
// element, or no rich formatting at all.
func isCodePre(pre *html.Node) bool {
	hasCode, rich := false, false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Code:
				hasCode = true
			case atom.Strong, atom.B, atom.Img, atom.H1, atom.H2, atom.H3, atom.H4:
				rich = true
			}
			walk(c)
		}
	}
	walk(pre)
	return hasCode || !rich
}

// codeLanguage finds a language name in class or data-lang of the block or
// its code elements.
func codeLanguage(pre *html.Node) string {
	var lang string
	check := func(n *html.Node) {
		if lang != "" {
			return
		}
		if v := strings.TrimSpace(attr(n, "data-lang")); v != "" && !strings.ContainsAny(v, " `") {
			lang = strings.ToLower(v)
			return
		}
		for _, c := range strings.Fields(attr(n, "class")) {
			for _, p := range []string{"language-", "lang-", "code-snippet__"} {
				if v, ok := strings.CutPrefix(c, p); ok && v != "" && v != "fix" && v != "js_darkmode" && !strings.Contains(v, "line") {
					lang = strings.ToLower(v)
					return
				}
			}
		}
	}
	check(pre)
	for p := pre.Parent; p != nil && lang == "" && hasClass(p, "code-snippet__fix"); p = p.Parent {
		check(p)
	}
	for _, c := range elements(pre, func(n *html.Node) bool { return n.DataAtom == atom.Code }) {
		check(c)
	}
	return lang
}

// codeText returns the text of a code block: <br> and blocks end lines, and
// sibling <code> elements are one line each.
func codeText(pre *html.Node) string {
	var b strings.Builder
	newline := func() {
		if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		codeLines := countChildren(n, atom.Code) > 1
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type != html.ElementNode:
			case c.DataAtom == atom.Br:
				b.WriteByte('\n')
			case c.DataAtom == atom.Code && codeLines:
				walk(c)
				b.WriteByte('\n')
			case isBlock(c):
				newline()
				walk(c)
				newline()
			default:
				walk(c)
			}
		}
	}
	walk(pre)
	lines := strings.Split(cleanRunes(b.String()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func countChildren(n *html.Node, a atom.Atom) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			k++
		}
	}
	return k
}
