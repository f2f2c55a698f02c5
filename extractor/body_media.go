package extractor

import (
	"bytes"
	"image"
	_ "image/gif" // image.DecodeConfig of inline images (placeholders are no pictures)
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wxarchive/internal/dataurl"
	"wxarchive/model"
)

// Rewriting of WeChat's embedded players and lazy images into plain HTML the
// Markdown converter understands: every embed becomes a link line (or a
// short placeholder line when it has no public URL), never silently lost.

// junkTags never carry article content.
var junkTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Link: true, atom.Meta: true, atom.Input: true, atom.Button: true,
	atom.Textarea: true, atom.Select: true, atom.Svg: true, atom.Canvas: true,
	atom.Object: true, atom.Embed: true, atom.Form: true,
}

// removeJunk drops scripts, styles, form controls and comments.
func removeJunk(root *html.Node) {
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == html.CommentNode:
				n.RemoveChild(c)
			case c.Type == html.ElementNode && junkTags[c.DataAtom]:
				n.RemoveChild(c)
			case c.Type == html.ElementNode:
				walk(c)
			}
			c = next
		}
	}
	walk(root)
}

// playerChrome are classes of the player UI a browser renders next to an
// embed; saved pages keep it, and its text only repeats the embed's.
var playerChrome = []string{
	"js_audio_frame", "share_audio_context", "audio_area", "qqmusic_area", "qqmusic_wrp",
	"weapp_display_element", "js_weapp_display_element", "js_tx_video_container",
	"js_mpvideo_wrp", "mpvideo_wrp", "video_card_context",
}

// rewriteEmbeds replaces audio, music, video and mini-program embeds by link
// paragraphs.
func rewriteEmbeds(root *html.Node) {
	for _, n := range elements(root, func(n *html.Node) bool {
		for _, c := range playerChrome {
			if hasClass(n, c) {
				return true
			}
		}
		return false
	}) {
		removeNode(n)
	}
	embeds := elements(root, func(n *html.Node) bool {
		switch n.Data {
		case "mpvoice", "mp-common-mpaudio", "qqmusic", "mp-common-qqmusic",
			"iframe", "mpvideo", "mp-video", "mp-common-videosnap", "mp-common-video",
			"mp-miniprogram", "mp-common-miniprogram", "weapp", "video":
			return true
		}
		return false
	})
	for _, n := range embeds {
		if n.Parent == nil {
			continue // inside an embed already replaced
		}
		href, text := embedLink(n)
		if text == "" {
			removeNode(n)
			continue
		}
		replaceNode(n, linkParagraph(href, text))
	}
	// Links keep their target only when it is a web or mail address: text
	// links to mini programs, javascript:, weixin://, anchors and relative
	// paths keep their text only.
	for _, a := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.A }) {
		if href, ok := safeLink(attr(a, "href")); ok {
			if isArticleLink(href) {
				if l, err := model.ParseLink(href); err == nil && l.Canon != "" {
					href = l.Canon // no chksm, scene, #wechat_redirect
				}
			}
			setAttr(a, "href", href)
		} else {
			unwrap(a)
		}
	}
}

// safeLink returns href when a Markdown reader may follow it: an absolute
// http, https or mailto URL (a scheme-relative //host/… becomes https).
// Everything else is refused: other schemes (javascript:, data:, weixin://,
// file:), relative paths, and a scheme holding anything but letters, digits,
// "+", "-" and "." (browsers drop tabs and newlines inside a URL, so
// "java\tscript:" would run), as is any control character or space.
func safeLink(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.ContainsFunc(href, func(r rune) bool { return r < 0x20 || r == 0x7f || unicode.IsSpace(r) }) {
		return "", false
	}
	if strings.HasPrefix(href, "//") {
		href = "https:" + href
	}
	scheme, rest, ok := strings.Cut(href, ":")
	if !ok || scheme == "" || rest == "" {
		return "", false
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false
		}
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		u, err := url.Parse(href)
		if err != nil || u.Host == "" {
			return "", false
		}
		return href, true
	case "mailto":
		return href, true
	}
	return "", false
}

// embedLink returns the link and the text that stand for one embed.
func embedLink(n *html.Node) (href, text string) {
	switch n.Data {
	case "mpvoice", "mp-common-mpaudio":
		name := normalizeText(firstAttr(n, "name", "data-name", "data-title"))
		id := firstAttr(n, "voice_encode_fileid", "data-voice_encode_fileid", "data-fileid")
		if name == "" {
			name = "音频"
		} else {
			name = "音频：" + name
		}
		if id == "" {
			return "", "【" + name + "】"
		}
		return "https://res.wx.qq.com/voice/getvoice?mediaid=" + url.QueryEscape(id), name
	case "qqmusic", "mp-common-qqmusic":
		name := normalizeText(firstAttr(n, "music_name", "data-music_name", "data-musicname"))
		singer := normalizeText(firstAttr(n, "singer", "data-singer"))
		label := "音乐"
		if name != "" {
			label += "：" + name
		}
		if singer != "" {
			label += " - " + singer
		}
		if mid := firstAttr(n, "mid", "data-mid"); mid != "" {
			return "https://y.qq.com/n/ryqq/songDetail/" + url.PathEscape(mid), label
		}
		return "", "【" + label + "】"
	case "iframe":
		src := firstAttr(n, "data-src", "src")
		if !strings.HasPrefix(src, "http") && !hasClass(n, "video_iframe") {
			return "", "" // a saved page's local player copy, or nothing
		}
		return videoLink(src, attr(n, "data-mpvid"))
	case "video":
		// a capture without scripts keeps the player's <video><source>
		src := firstAttr(n, "src")
		for _, c := range elements(n, func(c *html.Node) bool { return c.Data == "source" }) {
			if src == "" {
				src = firstAttr(c, "src")
			}
		}
		if m := qqVideoFile.FindStringSubmatch(src); m != nil {
			return "https://v.qq.com/x/page/" + m[1] + ".html", "视频"
		}
		if h, ok := safeLink(src); ok && strings.HasPrefix(h, "http") {
			return h, "视频"
		}
		return "", "【视频】"
	case "mpvideo", "mp-video", "mp-common-videosnap", "mp-common-video":
		vid := firstAttr(n, "data-mpvid", "data-vid", "vid", "data-id")
		title := normalizeText(firstAttr(n, "data-desc", "data-title", "data-nickname"))
		label := "视频"
		if title != "" {
			label += "：" + title
		}
		if u := firstAttr(n, "data-url", "data-src"); strings.HasPrefix(u, "http") {
			return u, label
		}
		if vid != "" && strings.HasPrefix(vid, "wxv_") {
			return "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl&vid=" + url.QueryEscape(vid), label
		}
		return "", "【" + label + "】"
	default: // mini-programs
		title := normalizeText(firstAttr(n, "data-miniprogram-title", "data-title"))
		nick := normalizeText(firstAttr(n, "data-miniprogram-nickname", "data-nickname"))
		label := "小程序"
		if nick != "" {
			label += "：" + nick
		}
		if title != "" {
			label += " · " + title
		}
		return "", "【" + label + "】"
	}
}

// videoLink turns a player URL into a watch link.
func videoLink(src, mpvid string) (string, string) {
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		if strings.HasPrefix(mpvid, "wxv_") {
			return "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl&vid=" + url.QueryEscape(mpvid), "视频"
		}
		return "", "【视频】"
	}
	q := u.Query()
	vid := q.Get("vid")
	if strings.HasSuffix(u.Host, "v.qq.com") && vid != "" {
		return "https://v.qq.com/x/page/" + url.PathEscape(vid) + ".html", "视频"
	}
	if strings.HasPrefix(vid, "wxv_") || strings.HasPrefix(mpvid, "wxv_") {
		if vid == "" {
			vid = mpvid
		}
		return "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl&vid=" + url.QueryEscape(vid), "视频"
	}
	u.Scheme = "https"
	return u.String(), "视频"
}

// qqVideoFile reads the video id from a Tencent Video file URL
// (…qqvideo.tc.qq.com/<vid>.m701.mp4?vkey=…), which expires; the page
// https://v.qq.com/x/page/<vid>.html does not.
var qqVideoFile = regexp.MustCompile(`qqvideo\.tc\.qq\.com/(?:[^/?#]*/)*([a-z0-9]{11})(?:\.[a-z0-9]+)?\.mp4`)

// firstAttr returns the first non-empty attribute among keys.
func firstAttr(n *html.Node, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(attr(n, k)); v != "" {
			return v
		}
	}
	return ""
}

// rewriteImages points every image at its real URL (data-src over a
// placeholder src), drops placeholders and tracking pixels, turns WeChat's
// emoji images into their text code ("[微笑]"), and keeps alt text only when
// it says something. Only images on WeChat's CDN, and images a saved page
// holds inline, stay images: any other image URL becomes a plain link, so a
// Markdown viewer never requests an internal or tracking address. An
// inline image (data:image/…) is named by its content (dataurl.Ref), which
// ingest resolves to the blob it stores: the Markdown never carries the
// base64. One whose bytes are no raster image (SVG, HTML, whatever it
// declares) is dropped, its alt text kept.
func rewriteImages(root *html.Node) {
	for _, img := range elements(root, func(n *html.Node) bool { return n.DataAtom == atom.Img }) {
		if isEmoji(img) {
			code := normalizeText(attr(img, "alt"))
			if code == "" || len(code) > 40 {
				removeNode(img)
			} else {
				replaceNode(img, newText(code))
			}
			continue
		}
		src := imageURL(img)
		if src == "" || isPixel(img) {
			removeNode(img)
			continue
		}
		alt := normalizeText(firstAttr(img, "alt", "title"))
		if !meaningfulAlt(alt) {
			alt = ""
		}
		if isDataImage(src) {
			ref := inlineRef(src)
			if ref == "" {
				if alt != "" {
					replaceNode(img, newText(alt))
				} else {
					removeNode(img)
				}
				continue
			}
			src = ref
		} else if !isCDNImage(src) {
			label := alt
			if label == "" {
				label = "图片"
			}
			a := newElem("a", atom.A, html.Attribute{Key: "href", Val: src})
			a.AppendChild(newText(label))
			replaceNode(img, a)
			continue
		}
		img.Attr = []html.Attribute{{Key: "src", Val: src}, {Key: "alt", Val: alt}}
	}
}

// isEmoji reports WeChat's own emoji images (we-emoji, newemoji), each of
// which stands for a text code held in its alt.
func isEmoji(img *html.Node) bool {
	if hasClass(img, "we-emoji") || hasClass(img, "wx_emoji") {
		return true
	}
	for _, k := range []string{"data-src", "src"} {
		v := attr(img, k)
		if strings.Contains(v, "/we-emoji/") || strings.Contains(v, "/newemoji/") || strings.Contains(v, "/emoji/") && strings.Contains(v, "res.wx.qq.com") {
			return true
		}
	}
	return false
}

// imageURL returns the usable URL of an image, or "": an http(s) URL (lazy
// data-src first) without WeChat's display parameters, or else an inline
// data:image/… of a saved page (not the small placeholders WeChat puts in
// src).
func imageURL(img *html.Node) string {
	var inline string
	for _, k := range []string{"data-src", "data-original", "data-backsrc", "src"} {
		v := strings.TrimSpace(attr(img, k))
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "data:") {
			if inline == "" && isDataImage(v) && len(v) >= 256 {
				inline = v
			}
			continue
		}
		if strings.HasPrefix(v, "//") {
			v = "https:" + v
		}
		if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			continue // a saved page's local file or a relative placeholder
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			continue
		}
		return markdownURL(cleanImageURL(v))
	}
	return inline
}

// inlineRef returns the content name (dataurl.Ref) of an inline image, or
// "" when its data: URI does not decode to a raster image of more than
// 2×2 pixels (a lazy-loading placeholder is no picture).
func inlineRef(uri string) string {
	data, err := dataurl.Decode(uri)
	if err != nil || !dataurl.IsRaster(data) {
		return ""
	}
	if c, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && c.Width <= 2 && c.Height <= 2 {
		return ""
	}
	return dataurl.Ref(data)
}

// isDataImage reports an inline raster image (base64 PNG, JPEG, GIF or
// WebP); SVG is not one (it can carry script).
func isDataImage(v string) bool {
	for _, t := range []string{"png", "jpeg", "jpg", "gif", "webp"} {
		if strings.HasPrefix(v, "data:image/"+t+";base64,") {
			return true
		}
	}
	return false
}

// isCDNImage reports an image served by WeChat's image CDN.
func isCDNImage(src string) bool {
	u, err := url.Parse(src)
	if err != nil {
		return false
	}
	return model.ImageHost(strings.ToLower(u.Hostname()))
}

// imageDisplayParams are the parameters a page appends to CDN image URLs for
// its own display and tracking; wx_fmt (the real format) stays.
var imageDisplayParams = []string{"wxfrom", "wx_lazy", "wx_co", "tp", "from"}

// cleanImageURL drops display parameters, parameters without a value and
// the fragment (#imgIndex=N) from a CDN image URL.
func cleanImageURL(v string) string {
	if !isCDNImage(v) {
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		return v
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for _, k := range imageDisplayParams {
			q.Del(k)
		}
		// keep the page's order of what is left
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if v == "" {
				continue // no value ("&wx_"): a display remnant that tells the CDN nothing
			}
			if key, err := url.QueryUnescape(k); err == nil && q.Has(key) {
				kept = append(kept, kv)
			}
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	return u.String()
}

// urlReplacer matches the converter's escaping of URL characters that
// Markdown would misread.
var urlReplacer = strings.NewReplacer(" ", "%20", "[", "%5B", "]", "%5D", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// markdownURL writes a URL the way the Markdown converter will, so the image
// list names exactly the URLs in the Markdown.
func markdownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return urlReplacer.Replace(raw)
	}
	u.RawQuery = strings.ReplaceAll(converter.ParseAndEncodeQuery(u.RawQuery), "+", "%20")
	return urlReplacer.Replace(u.String())
}

// isPixel reports images declared 1×1 or smaller.
func isPixel(img *html.Node) bool {
	small := func(k string) bool {
		v := strings.TrimSuffix(strings.TrimSpace(attr(img, k)), "px")
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && f <= 1
	}
	return small("width") && small("height") || small("data-w")
}

// meaningfulAlt reports whether alt describes the image rather than naming
// a file or the word "image".
func meaningfulAlt(alt string) bool {
	if alt == "" || len(alt) > 300 {
		return false
	}
	switch strings.ToLower(alt) {
	case "图片", "image", "img", "picture", "photo", "图", "null", "undefined", "封面":
		return false
	}
	l := strings.ToLower(alt)
	for _, ext := range []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"} {
		if strings.HasSuffix(l, ext) {
			return false
		}
	}
	return !strings.HasPrefix(l, "http")
}
