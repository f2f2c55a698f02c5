package extractor

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// unit is one block of the body as a reader sees it: a leaf block element
// (no block inside), or an image or text standing outside any leaf block.
type unit struct {
	node      *html.Node
	text      string // normalised, spaces collapsed
	runes     int
	imgs      int
	imgNodes  []*html.Node
	imgURLs   string // space-separated
	squareImg bool   // some image is, or may be, square
	decorImg  bool   // every image is furniture: animated, tiny or a rule
	card      bool   // holds a card: mini program, product, article card
	links     int    // links to WeChat articles
	linkRunes int    // runes of text inside those links
	anyLink   bool   // holds a link to anywhere
	formLink  bool   // holds a link to a shop or a form site
	media     bool   // holds an embedded player (video, audio, music)
	heading   bool   // is a heading
	rule      bool   // is a thematic break (<hr>)
	gone      bool   // removed by a rule
}

// collectUnits lists the units of root in document order.
func collectUnits(root *html.Node) []unit {
	leafy := map[*html.Node]bool{} // block elements without block descendants
	var mark func(n *html.Node) bool
	mark = func(n *html.Node) bool {
		has := false
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && mark(c) {
				has = true
			}
		}
		if isBlock(n) {
			if !has {
				leafy[n] = true
			}
			return true
		}
		return has
	}
	mark(root)

	var units []unit
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				if strings.TrimSpace(c.Data) != "" {
					units = append(units, makeUnit(c, root))
				}
			case c.Type != html.ElementNode:
			case leafy[c] || c.DataAtom == atom.Img || isMedia(c):
				units = append(units, makeUnit(c, root))
			default:
				walk(c)
			}
		}
	}
	walk(root)
	return units
}

func makeUnit(n, root *html.Node) unit {
	u := unit{node: n, text: nodeText(n), rule: n.DataAtom == atom.Hr}
	u.runes = utf8.RuneCountInString(u.text)
	var urls []string
	var walk func(*html.Node)
	decor := true
	visit := func(c *html.Node) {
		switch c.DataAtom {
		case atom.Img:
			u.imgs++
			u.imgNodes = append(u.imgNodes, c)
			src := imageURL(c)
			urls = append(urls, src)
			if maybeSquare(c) {
				u.squareImg = true
			}
			decor = decor && decorative(c, src)
		case atom.A:
			if isArticleLink(attr(c, "href")) {
				u.links++
				u.linkRunes += utf8.RuneCountInString(nodeText(c))
			}
			unitLinks(&u, c)
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			u.heading = true
		case 0:
			if c.Data == "mp-miniprogram" || strings.HasPrefix(c.Data, "mp-common-") {
				u.card = true
			}
		}
		if isMedia(c) {
			u.media = true
		}
		if cls := attr(c, "class"); cls != "" && strings.Contains(cls, "_card") &&
			(strings.Contains(cls, "weapp_card") || strings.Contains(cls, "appmsg_card")) {
			u.card = true
		}
	}
	walk = func(p *html.Node) {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				visit(c)
				walk(c)
			}
		}
	}
	if n.Type == html.ElementNode {
		visit(n)
		walk(n)
	}
	if n.Type == html.ElementNode || n.Type == html.TextNode {
		// a block standing in a link: a banner or a card
		for p := n.Parent; p != nil && p != root; p = p.Parent {
			if p.DataAtom == atom.A {
				visit(p)
				break
			}
		}
	}
	u.imgURLs = strings.Join(urls, " ")
	u.decorImg = u.imgs > 0 && decor
	return u
}

// isBold reports a unit whose text is all set in bold.
func isBold(u unit) bool {
	if u.runes == 0 {
		return false
	}
	plain, bold := textRunes(u.node, false)
	return plain == 0 && bold > 0
}

// textRunes counts the visible runes of text under n outside and inside
// bold.
func textRunes(n *html.Node, inBold bool) (plain, bold int) {
	if n.Type == html.TextNode {
		for _, r := range n.Data {
			if !unicode.IsSpace(r) && !isZeroWidth(r) {
				if inBold {
					bold++
				} else {
					plain++
				}
			}
		}
		return plain, bold
	}
	if n.Type == html.ElementNode && (n.DataAtom == atom.Strong || n.DataAtom == atom.B || styleBold(attr(n, "style"))) {
		inBold = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p, b := textRunes(c, inBold)
		plain += p
		bold += b
	}
	return plain, bold
}

// decorative reports an image that is page furniture rather than a picture:
// an animation (follow me, dividers), an icon a few dozen pixels wide, or a
// thin rule.
func decorative(img *html.Node, src string) bool {
	if strings.Contains(src, "mmbiz_gif") || strings.Contains(src, "wx_fmt=gif") {
		return true
	}
	for _, k := range []string{"width", "data-w"} {
		v := strings.TrimSuffix(attr(img, k), "px")
		if !mayBeFloat(v) {
			continue // "auto", "100%": spare ParseFloat its error
		}
		if w, err := strconv.ParseFloat(v, 64); err == nil && w > 0 && w <= 120 {
			return true
		}
	}
	v := attr(img, "data-ratio")
	if !mayBeFloat(v) {
		return false
	}
	r, err := strconv.ParseFloat(v, 64)
	return err == nil && r > 0 && (r < 0.15 || r > 6)
}

// maybeSquare reports an image that is square or of unknown shape.
func maybeSquare(img *html.Node) bool {
	if r, err := strconv.ParseFloat(attr(img, "data-ratio"), 64); err == nil && r > 0 {
		return r > 0.75 && r < 1.33
	}
	w, errW := strconv.ParseFloat(strings.TrimSuffix(attr(img, "width"), "px"), 64)
	h, errH := strconv.ParseFloat(strings.TrimSuffix(attr(img, "height"), "px"), 64)
	if errW == nil && errH == nil && w > 0 && h > 0 {
		return h/w > 0.75 && h/w < 1.33
	}
	return true
}

// isArticleLink reports a link to a WeChat article (not an album, not a
// mini-program, not an external site).
func isArticleLink(href string) bool {
	href = strings.TrimSpace(href)
	if !strings.Contains(href, "mp.weixin.qq.com") {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Hostname(), "mp.weixin.qq.com") && (u.Path == "/s" || strings.HasPrefix(u.Path, "/s/") || u.Path == "/mp/appmsg/show")
}
