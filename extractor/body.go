package extractor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"

	"wxarchive/model"
)

// bodyResult is the converted article body.
type bodyResult struct {
	Markdown string                // normalised Markdown of the body
	Stripped []model.StrippedBlock // audit of removed promotional blocks
	Links    []model.Related       // links to mp.weixin.qq.com articles anywhere in the body, in document order
	Images   []string              // image URLs used in Markdown, in order, unique
	Tags     []string              // hashtags found in the body
}

// convertBody converts #js_content to Markdown, stripping promotional blocks
// with rules. It mutates content.
func convertBody(content *goquery.Selection, rules []Rule) (bodyResult, error) {
	var res bodyResult
	if content == nil || content.Length() == 0 {
		return res, nil
	}
	root := content.Get(0)
	removeJunk(root)
	removeHidden(root)
	res.Links = articleLinks(root)
	stripped, err := strip(root, rules, accountName(root))
	res.Stripped = stripped
	if err != nil {
		return res, fmt.Errorf("extractor: strip body: %w", err)
	}
	res.Tags = bodyTopics(root)
	rewriteEmbeds(root)
	rewriteImages(root)
	rewriteCode(root)
	rewriteBlocks(root)
	rewriteEmphasis(root)
	normalizeTextNodes(root)
	res.Images = bodyImages(root)

	// Convert the children under a detached element, so that the converter
	// never sees (or touches) the page around the body.
	holder := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for c := root.FirstChild; c != nil; c = root.FirstChild {
		root.RemoveChild(c)
		holder.AppendChild(c)
	}
	md, err := toMarkdown(holder)
	for c := holder.FirstChild; c != nil; c = holder.FirstChild {
		holder.RemoveChild(c)
		root.AppendChild(c)
	}
	if err != nil {
		return res, fmt.Errorf("extractor: convert body: %w", err)
	}
	res.Markdown = md
	return res, nil
}

// accountName finds the publishing account's name in the page around the
// body (#js_name, or .profile_nickname in older pages), for the rules that
// recognise an account naming itself. It returns "" for a detached body.
func accountName(content *html.Node) string {
	top := content
	for top.Parent != nil {
		top = top.Parent
	}
	if top == content {
		return ""
	}
	var found *html.Node
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c == content || c.DataAtom == atom.Script || c.DataAtom == atom.Style {
				continue
			}
			if attr(c, "id") == "js_name" || c.DataAtom == atom.Strong && attr(c, "class") == "profile_nickname" {
				found = c
				return true
			}
			if walk(c) {
				return true
			}
		}
		return false
	}
	if !walk(top) {
		return ""
	}
	return normalizeText(nodeText(found))
}

// removeHidden drops elements a reader cannot see: display:none, and text
// made invisible (visibility:hidden, opacity 0, font-size 0, a line height
// near 0, as some editors use for filler) when it holds no image.
func removeHidden(root *html.Node) {
	for _, n := range elements(root, func(n *html.Node) bool {
		switch hiddenStyle(attr(n, "style")) {
		case hiddenAlways:
			return true
		case hiddenText:
			return !hasImage(n)
		}
		return false
	}) {
		removeNode(n)
	}
}

const (
	visible = iota
	hiddenText
	hiddenAlways
)

// hiddenStyle reads the declarations of a style attribute that hide an
// element, without a regular expression (styles are long and everywhere).
func hiddenStyle(style string) int {
	if style == "" || !strings.ContainsAny(style, "0dhn") {
		return visible
	}
	verdict := visible
	for style != "" {
		decl := style
		if i := strings.IndexByte(style, ';'); i >= 0 {
			decl, style = style[:i], style[i+1:]
		} else {
			style = ""
		}
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important")))
		switch prop {
		case "display":
			if val == "none" {
				return hiddenAlways
			}
		case "visibility":
			if val == "hidden" {
				verdict = hiddenText
			}
		case "opacity", "font-size", "line-height":
			num := strings.TrimRight(val, "pxemt%")
			if !mayBeFloat(num) {
				continue // "normal", "bold": ParseFloat would fail, allocating its error
			}
			if f, err := strconv.ParseFloat(num, 64); err == nil && f < 0.05 && (prop != "line-height" || num == val || strings.HasSuffix(val, "em")) {
				verdict = hiddenText
			}
		}
	}
	return verdict
}

// mayBeFloat reports false for text strconv.ParseFloat surely rejects: it
// accepts only a sign, a digit or '.' first, or inf, infinity and nan.
func mayBeFloat(s string) bool {
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '.', c == '+', c == '-':
		return true
	}
	return strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") || strings.EqualFold(s, "nan")
}

func hasImage(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Img || c.DataAtom == atom.Iframe || hasImage(c)) {
			return true
		}
	}
	return false
}

// articleLinks lists links to WeChat articles in document order.
func articleLinks(root *html.Node) []model.Related {
	var out []model.Related
	for _, a := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.A }) {
		href := strings.TrimSpace(attr(a, "href"))
		if !isArticleLink(href) {
			continue
		}
		out = append(out, model.Related{URL: href, Title: nodeText(a)})
	}
	return out
}

// bodyTopics turns hashtag links (a.wx_topic_link "#话题") and music text
// links into text, and returns the hashtags.
func bodyTopics(root *html.Node) []string {
	var tags []string
	for _, n := range elements(root, func(n *html.Node) bool {
		return hasClass(n, "wx_topic_link") || hasClass(n, "js_plain-music_entry")
	}) {
		if n.Parent == nil {
			continue
		}
		if hasClass(n, "js_plain-music_entry") {
			replaceNode(n, newText(musicLabel(n)))
			continue
		}
		t := nodeText(n)
		if tag := strings.TrimSpace(strings.TrimPrefix(t, "#")); tag != "" && !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
		replaceNode(n, newText(t))
	}
	return tags
}

// bodyImages lists the image URLs left in the body, in order, unique.
func bodyImages(root *html.Node) []string {
	var out []string
	seen := map[string]bool{}
	for _, img := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.Img }) {
		if src := attr(img, "src"); src != "" && !seen[src] {
			seen[src] = true
			out = append(out, src)
		}
	}
	return out
}

// normalizeTextNodes applies cleanRunes and NFC to every text node, so that
// Markdown escaping sees the final characters.
func normalizeTextNodes(root *html.Node) {
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				c.Data = norm.NFC.String(cleanRunes(c.Data))
			case html.ElementNode:
				if c.DataAtom != atom.Pre {
					walk(c)
				}
			}
		}
	}
	walk(root)
}

// normalizeText returns s in NFC with zero-width characters removed, NBSP
// turned into spaces and surrounding space trimmed.
func normalizeText(s string) string {
	return strings.TrimSpace(norm.NFC.String(cleanRunes(s)))
}
