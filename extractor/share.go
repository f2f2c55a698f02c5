package extractor

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// shareText turns the text of a share page, which may hold markup (music
// cards, hashtag links, entities), into plain text: a music card becomes a
// line "【音乐：name - singer】", a hashtag its text; it returns the hashtags
// too.
func shareText(s string) (string, []string) {
	if !strings.ContainsAny(s, "<&") {
		return s, nil
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return s, nil
	}
	var b strings.Builder
	var tags []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type != html.ElementNode:
			return
		case n.DataAtom == atom.Br:
			b.WriteByte('\n')
			return
		case n.DataAtom == atom.Script || n.DataAtom == atom.Style:
			return
		case hasClass(n, "js_plain-music_entry") || hasClass(n, "wx_plain-music_link"):
			b.WriteString(musicLabel(n))
			return
		case hasClass(n, "wx_topic_link"):
			t := normalizeText(nodeText(n))
			if tag := strings.TrimSpace(strings.TrimPrefix(t, "#")); tag != "" {
				tags = append(tags, tag)
			}
			b.WriteString(t)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if isBlock(n) {
			b.WriteByte('\n')
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String(), tags
}

// musicLabel is the line standing for a music card.
func musicLabel(n *html.Node) string {
	name := normalizeText(firstAttr(n, "data-music_name", "music_name", "data-musicname"))
	if name == "" {
		name = normalizeText(nodeText(n))
	}
	label := "音乐"
	if name != "" {
		label += "：" + name
	}
	if singer := normalizeText(firstAttr(n, "data-singer", "singer")); singer != "" {
		label += " - " + singer
	}
	return "【" + label + "】"
}

// shareBody builds the body of an image-share (item_show_type 8) or
// text-share (10) page. These pages have no article DOM: the text and the
// pictures live in window.cgiDataNew / cgiData (text_page_info,
// picture_page_info_list) or in the server-rendered data.
func (p *page) shareBody() bodyResult {
	var text string
	if s := p.findScript("text_page_info:"); s != "" {
		blk := jsBlock(s, "text_page_info:")
		text = firstNonEmpty(topKey(blk, "content_noencode"), topKey(blk, "content"))
	}
	if text == "" {
		text = firstNonEmpty(p.cgiKey("content_noencode"), p.vars.get("msg_desc"), p.cgiKey("desc"))
	}
	var br bodyResult
	text, br.Tags = shareText(text)
	br.Markdown = plainToMarkdown(text)
	if s := p.findScript("picture_page_info_list:"); s != "" {
		seen := map[string]bool{}
		var imgs []string
		for _, it := range jsItems(jsBlock(s, "picture_page_info_list:")) {
			u := topKey(it, "cdn_url")
			if u == "" || seen[u] {
				continue
			}
			seen[u] = true
			imgs = append(imgs, u)
		}
		var b strings.Builder
		b.WriteString(br.Markdown)
		for _, u := range imgs {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString("![](" + mdURL(u) + ")")
		}
		br.Markdown = b.String()
		br.Images = imgs
	}
	return br
}

// videoPageBody is the body of the standalone video page: its description,
// if any. The video itself is played by script and has no stable URL here.
func (p *page) videoPageBody() bodyResult {
	return bodyResult{Markdown: plainToMarkdown(firstNonEmpty(p.text(".video_desc"), p.text("#js_video_desc")))}
}

// textTitle makes a title for a text-share page, whose msg_title is the
// whole text: its first non-empty line, shortened.
func textTitle(title, body string) string {
	if title == "" {
		title = body
	}
	title = strings.ReplaceAll(title, `\n`, "\n")
	for _, l := range strings.Split(title, "\n") {
		if l = metaText(l); l != "" {
			return firstLine(l, 64)
		}
	}
	return ""
}

// plainToMarkdown turns plain text (lines separated by \n, possibly as a
// literal backslash-n) into Markdown paragraphs, escaping characters that
// would start Markdown structure.
func plainToMarkdown(text string) string {
	text = strings.ReplaceAll(text, `\n`, "\n")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var paras []string
	for _, l := range strings.Split(text, "\n") {
		l = normalizeText(l)
		if l == "" {
			continue
		}
		paras = append(paras, escapeLineStart(l))
	}
	return strings.Join(paras, "\n\n")
}

// escapeLineStart escapes a leading character that Markdown would read as
// structure (heading, quote, list, code fence, HTML).
func escapeLineStart(l string) string {
	l = strings.ReplaceAll(l, "<", "&lt;")
	switch l[0] {
	case '#', '>', '-', '+', '*', '=', '`', '~', '|':
		return `\` + l
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')') {
		return l[:i] + `\` + l[i:]
	}
	return l
}

// mdURL makes a URL safe inside Markdown link parentheses.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(u)
}
