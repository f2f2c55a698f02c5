package extractor

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wxarchive/model"
)

// MaxSize is the largest page Extract accepts: the one page size limit of
// the tool (model.MaxPageSize). Real pages are under 4 MiB; saved pages with
// inline images reach tens.
const MaxSize = model.MaxPageSize

// Errors for input that is not a page at all.
var (
	ErrEmpty    = errors.New("extractor: empty input")
	ErrTooLarge = fmt.Errorf("extractor: input larger than %d MiB", MaxSize>>20)
	ErrNotHTML  = errors.New("extractor: input is not an HTML page")
)

// Options tune one extraction.
type Options struct {
	// SourceURL is the URL the page was fetched from or named by the user;
	// used when the page does not carry its own identity.
	SourceURL string
	// Rules are the promotional-block rules; nil means DefaultRules().
	Rules []Rule
	// ContentType is the Content-Type header the page was served with,
	// for its charset; "" for a file (a BOM or <meta> charset then decides).
	ContentType string
}

// Extract turns one page into a Document: an Article, or a page state.
// It returns an error only for input that is not a page at all.
func Extract(raw []byte, opts Options) (doc *model.Document, err error) {
	return extract(raw, opts, parsePage)
}

// parseFull is the reference parse: html.Parse of the whole page. Tests
// compare parsePage with it.
func parseFull(raw []byte) (*html.Node, error) {
	return html.Parse(bytes.NewReader(raw))
}

// extract is Extract with the parser as a parameter.
func extract(raw []byte, opts Options, parse func([]byte) (*html.Node, error)) (doc *model.Document, err error) {
	if len(raw) > MaxSize {
		return nil, fmt.Errorf("%w (got %d bytes)", ErrTooLarge, len(raw))
	}
	if raw, err = toUTF8(raw, opts.ContentType); err != nil {
		return nil, err
	}
	if err := checkInput(raw); err != nil {
		return nil, err
	}
	defer func() {
		// Last resort: a bug in a converter must not take the daemon down.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("extractor: internal error: %v", r)
		}
	}()
	root, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("extractor: parse html: %w", err)
	}
	p := newPage(root, raw, opts)
	id := p.identity()
	if st, reason := p.state(); st != model.StateArticle {
		if st == model.StateNotArticle && strings.HasPrefix(reason, "album") {
			id = model.ID{Biz: id.Biz} // the ids found belong to listed articles
		}
		doc = &model.Document{State: st, Reason: reason, ID: id}
		detach(doc, raw)
		return doc, nil
	}
	a, err := p.article(id)
	if err != nil {
		return nil, err
	}
	doc = &model.Document{State: model.StateArticle, ID: id, Article: a, ShortLink: p.shortLink()}
	detach(doc, raw)
	return doc, nil
}

// payPreface converts the free preface of a paid article (.pay__summary,
// above #js_content): it is part of the body a reader sees.
func (p *page) payPreface(rules []Rule) string {
	n, _ := p.dom().first(".pay__summary")
	if n == nil || p.content.Length() > 0 && attached(n, p.content.Get(0)) {
		return ""
	}
	br, err := convertBody(p.doc.FindNodes(n), rules)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(br.Markdown)
}

// checkInput rejects garbage before parsing: empty, too large, binary, or
// text with no HTML markup near the start.
func checkInput(raw []byte) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return ErrEmpty
	}
	if len(raw) > MaxSize {
		return fmt.Errorf("%w (got %d bytes)", ErrTooLarge, len(raw))
	}
	head := raw
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	sample := head
	if len(sample) > 8<<10 {
		sample = sample[:8<<10]
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return fmt.Errorf("%w: binary data (NUL bytes)", ErrNotHTML)
	}
	bad := 0
	for s := sample; len(s) > 0; {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		s = s[n:]
	}
	if bad > len(sample)/10+3 {
		return fmt.Errorf("%w: binary data (not UTF-8 text)", ErrNotHTML)
	}
	if hasMarkupFold(head) {
		return nil
	}
	// Unicode lower-casing can make ASCII out of other letters (K, İ):
	// only this slow path, kept for input the fast one rejects, sees that.
	lower := bytes.ToLower(head)
	for _, tag := range markupTags {
		if bytes.Contains(lower, []byte(tag)) {
			return nil
		}
	}
	return fmt.Errorf("%w: no HTML markup in the first %d bytes", ErrNotHTML, len(head))
}

// markupTags are the openings that make input look like HTML.
var markupTags = []string{"<html", "<!doctype html", "<head", "<body", "<div", "<meta", "<title", "<script", "<p>", "<p "}

// hasMarkupFold reports whether head contains one of markupTags, ASCII
// case-insensitively, without lower-casing a copy of 64 KB of mostly
// Chinese text. A match here is a match in bytes.ToLower(head).
func hasMarkupFold(head []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(head[i:], '<')
		if j < 0 {
			return false
		}
		i += j
		for _, tag := range markupTags {
			if len(head)-i >= len(tag) && bytes.EqualFold(head[i:i+len(tag)], []byte(tag)) {
				return true
			}
		}
		i++
	}
}

// page is one parsed page and what has been read from it so far.
type page struct {
	raw      []byte
	opts     Options
	root     *html.Node
	doc      *goquery.Document
	scripts  []string // inline script texts, in order
	comments []string // comments (saved-from URL, <!--URL-->)
	vars     *scriptVars
	cgi      []string            // window.cgiDataNew / cgiData / SSR data objects
	cgiKeys  []map[string]string // top-level keys of each cgi object (topKeys), on first use
	content  *goquery.Selection  // #js_content, may be empty
	index    *domIndex           // built on first use, dropped when the body is converted
}

// dom returns the index of the tree as it is now.
func (p *page) dom() *domIndex {
	if p.index == nil {
		p.index = newDOMIndex(p.root)
	}
	return p.index
}

// firstNode returns the first element matching sel, or nil.
func (p *page) firstNode(sel string) *html.Node {
	if n, ok := p.dom().first(sel); ok {
		return n
	}
	if s := p.doc.Find(sel); s.Length() > 0 {
		return s.Get(0)
	}
	return nil
}

func newPage(root *html.Node, raw []byte, opts Options) *page {
	p := &page{raw: raw, opts: opts, root: root, doc: goquery.NewDocumentFromNode(root)}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.ElementNode:
				if c.DataAtom == atom.Script {
					for t := c.FirstChild; t != nil; t = t.NextSibling {
						if t.Type == html.TextNode {
							p.scripts = append(p.scripts, t.Data)
						}
					}
					continue
				}
				if c.DataAtom == atom.Style {
					continue
				}
				walk(c)
			case html.CommentNode:
				if strings.Contains(c.Data, "mp.weixin.qq.com") {
					p.comments = append(p.comments, c.Data)
				}
			default:
				walk(c)
			}
		}
	}
	walk(root)
	p.vars = parseScriptVars(p.scripts)
	for _, m := range []string{"cgiDataNew =", "cgiData =", "__QMTPL_SSR_DATA__="} {
		if m == "cgiData =" && len(p.cgi) > 0 {
			continue // cgiDataNew supersedes it
		}
		if m == "__QMTPL_SSR_DATA__=" && p.vars.get("item_show_type") != "10" {
			continue // only text-share pages are server-rendered
		}
		if s := p.findScript(m); s != "" {
			if b := objectAfter(s, m); b != "" {
				p.cgi = append(p.cgi, b)
			}
		}
	}
	if n := p.firstNode("#js_content"); n != nil {
		p.content = p.doc.FindNodes(n)
	} else {
		p.content = p.doc.FindNodes()
	}
	return p
}

// findScript returns the page data object or else the first script
// containing marker.
func (p *page) findScript(marker string) string {
	for _, b := range p.cgi {
		if strings.Contains(b, marker) {
			return b
		}
	}
	if i, known := p.vars.firstScript(marker); known {
		if i < 0 {
			return ""
		}
		return p.scripts[i]
	}
	for _, s := range p.scripts {
		if strings.Contains(s, marker) {
			return s
		}
	}
	return ""
}

// value returns the first non-empty value of the names: assigned by a
// script (var/window.), else a top-level key of the page data objects.
func (p *page) value(names ...string) string {
	if v := p.vars.get(names...); v != "" {
		return v
	}
	return p.cgiKey(names...)
}

// cgiKey returns a top-level key of the page data objects.
func (p *page) cgiKey(names ...string) string {
	for len(p.cgiKeys) < len(p.cgi) {
		p.cgiKeys = append(p.cgiKeys, topKeys(p.cgi[len(p.cgiKeys)]))
	}
	for _, n := range names {
		for _, keys := range p.cgiKeys {
			if v := keys[n]; v != "" {
				return v
			}
		}
	}
	return ""
}

// showType is item_show_type as a number string ("0" when unknown).
func (p *page) showType() string {
	t := p.value("item_show_type")
	if t == "" {
		return "0"
	}
	return t
}

// isShare reports an image-share (8) or text-share (10) page, whose body
// lives in script data rather than #js_content.
func (p *page) isShare() bool {
	switch p.showType() {
	case "8":
		return true
	case "10":
		return true
	}
	return false
}

// isVideoPage reports the standalone video page (2017 template).
func (p *page) isVideoPage() bool {
	return p.content.Length() == 0 && p.firstNode("#video_title") != nil
}

func (p *page) hasBody() bool {
	return p.content.Length() > 0 || p.isShare() || p.isVideoPage()
}

func (p *page) article(id model.ID) (*model.Article, error) {
	rules := p.opts.Rules
	if rules == nil {
		rules = DefaultRules()
	}
	a := &model.Article{Meta: p.meta(id)}
	var br bodyResult
	switch {
	case p.isShare():
		br = p.shareBody()
	case p.content.Length() > 0:
		var err error
		p.index = nil // convertBody changes the tree
		br, err = convertBody(p.content, rules)
		if err != nil {
			return nil, fmt.Errorf("extractor: convert body: %w", err)
		}
	default:
		br = p.videoPageBody()
		// The video is played by script: its Tencent Video id, or else a
		// link to the page, stands for it, so it is never silently dropped.
		if vid := p.vars.getKey("vid"); isAlnum(vid, "") && len(vid) >= 8 && len(vid) <= 16 {
			br.Markdown = strings.TrimSpace("[视频](https://v.qq.com/x/page/" + vid + ".html)\n\n" + br.Markdown)
		} else if a.Meta.URL != "" {
			br.Markdown = strings.TrimSpace(br.Markdown + "\n\n[视频：在微信中播放](" + a.Meta.URL + ")")
		}
	}
	if a.Meta.Paid {
		if pre := p.payPreface(rules); pre != "" {
			br.Markdown = strings.TrimSpace(pre + "\n\n" + br.Markdown)
		}
	}
	if r := a.Meta.Reprint; r != nil && r.Account != "" {
		// the card above the body a reader sees on a reprint
		line := "以下文章来源于" + escapeInline(r.Account)
		if r.URL != "" {
			line = "以下文章来源于[" + escapeInline(r.Account) + "](" + r.URL + ")"
		}
		if r.Author != "" {
			line += "，作者" + escapeInline(r.Author)
		}
		br.Markdown = strings.TrimSpace("> " + line + "\n\n" + br.Markdown)
	}
	if p.showType() == "10" {
		a.Meta.Title = textTitle(a.Meta.Title, br.Markdown)
	}
	a.Body = br.Markdown
	a.Stripped = br.Stripped
	a.Images = br.Images
	a.Meta.Related = related(br.Links, id)
	for _, t := range br.Tags {
		if !slices.Contains(a.Meta.Tags, t) {
			a.Meta.Tags = append(a.Meta.Tags, t)
		}
	}
	a.Meta.Timelines = findTimelines(a.Body)
	return a, nil
}
