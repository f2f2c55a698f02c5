package extractor

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"wxarchive/model"
)

// showTypes maps item_show_type to the front-matter type.
var showTypes = map[string]string{
	"0": "article", "5": "video", "6": "music", "7": "audio",
	"8": "picture", "10": "text", "17": "short",
}

// metaContent returns the content of the first <meta> with the given
// property or name.
func (p *page) metaContent(keys ...string) string {
	for _, k := range keys {
		if v, ok := p.dom().metaContent(k); ok {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// text returns the normalised text of the first element matching sel.
func (p *page) text(sel string) string {
	if n, ok := p.dom().first(sel); ok {
		if n == nil {
			return ""
		}
		var b strings.Builder
		allText(&b, n)
		return cleanLine(b.String())
	}
	return cleanLine(p.doc.Find(sel).First().Text())
}

// cleanLine normalises text and folds internal runs of white space.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(normalizeText(s)), " ")
}

// pageLinks lists the URLs the page names for itself, most trusted first.
func (p *page) pageLinks() []string {
	var out []string
	for _, n := range []string{"msg_link", "link"} {
		if v := p.vars.get(n); v != "" {
			out = append(out, v)
		}
	}
	if v := p.metaContent("og:url", "twitter:url"); v != "" {
		out = append(out, v)
	}
	for _, c := range p.comments {
		if i := strings.Index(c, "http"); i >= 0 {
			u := strings.Fields(c[i:])
			if len(u) > 0 {
				out = append(out, strings.TrimSuffix(u[0], "-->"))
			}
		}
	}
	if p.opts.SourceURL != "" {
		out = append(out, p.opts.SourceURL)
	}
	return out
}

// shortLink is the short link /s/<token> the page gives for itself (its
// msg_link or og:url), canonical, or "".
func (p *page) shortLink() string {
	cands := []string{p.vars.get("msg_link"), p.vars.get("link"), p.metaContent("og:url", "twitter:url")}
	for _, c := range cands {
		if l, err := model.ParseLink(c); err == nil && l.Kind == model.KindShort {
			return l.Canon
		}
	}
	return ""
}

// identity collects (biz, mid, idx, sn) from script values, then from the
// links the page names for itself, then from data-biz attributes.
func (p *page) identity() model.ID {
	id := model.ID{
		Biz: p.value("biz", "__biz", "bizuin"),
		Mid: p.value("mid", "appmsgid"),
		Idx: p.value("idx", "itemidx"),
		Sn:  p.value("sn"),
	}
	id = validID(id)
	if id == (model.ID{}) {
		// 2017 video pages keep their ids only in object literals (reportOpt)
		id = validID(model.ID{Biz: p.vars.getKey("biz"), Mid: p.vars.getKey("mid"), Idx: p.vars.getKey("idx"), Sn: p.vars.getKey("sn")})
	}
	for _, raw := range p.pageLinks() {
		if id.Complete() && id.Sn != "" {
			break
		}
		l, err := model.ParseLink(raw)
		if err != nil || l.Kind != model.KindArticle {
			continue
		}
		l.ID = validID(l.ID)
		if id.Biz == "" || id.Biz == l.ID.Biz {
			fill(&id.Biz, l.ID.Biz)
			fill(&id.Mid, l.ID.Mid)
			fill(&id.Idx, l.ID.Idx)
			fill(&id.Sn, l.ID.Sn)
		}
	}
	if id.Biz == "" {
		if v, ok := p.doc.Find("[data-biz]").First().Attr("data-biz"); ok {
			id.Biz = strings.TrimSpace(v)
		}
	}
	return id
}

// validID drops fields that cannot be ids (script fragments like "+sn+").
func validID(id model.ID) model.ID {
	if !isDigits(id.Mid) {
		id.Mid = ""
	}
	if !isDigits(id.Idx) {
		id.Idx = ""
	}
	if !isAlnum(id.Sn, "") {
		id.Sn = ""
	}
	if !isAlnum(id.Biz, "+/=") {
		id.Biz = ""
	}
	return id
}

func isAlnum(s, extra string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r)) {
			return false
		}
	}
	return true
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// meta builds the front matter of an article page.
func (p *page) meta(id model.ID) model.Meta {
	v := p.vars
	m := model.Meta{}
	m.Title = firstNonEmpty(
		v.get("msg_title"),
		p.text("#activity-name"),
		p.text(".rich_media_title"),
		p.text("#video_title"),
		p.metaContent("og:title", "twitter:title"),
		p.cgiKey("title"),
		p.text("title"),
	)
	m.Author = firstNonEmpty(p.value("author"), p.text("#js_author_name"), p.domAuthor(), p.metaContent("og:article:author", "author"))
	if isSlogan(m.Author) {
		m.Author = ""
	}
	m.Account = firstNonEmpty(p.value("nickname", "nick_name"), p.text("#js_name"), p.text(".profile_nickname"),
		p.text(".account_nickname_inner"), p.text("#profile_share2"))
	if u := p.value("user_name"); strings.HasPrefix(u, "gh_") || strings.HasPrefix(u, "wxid_") {
		m.AccountID = u
	}
	m.Published = p.published()
	if mt := v.get("modify_time"); isDigits(mt) && mt != "0" {
		if s := unixTime(mt); s != m.Published {
			m.Modified = s
		}
	}
	m.Location = firstNonEmpty(v.getKey("provinceName"), v.getKey("cityName"), v.getKey("countryName"))
	m.Description = firstNonEmpty(v.get("msg_desc"), p.cgiKey("desc"), p.metaContent("og:description", "description"))
	m.Description, _ = shareText(m.Description)
	m.Description = strings.TrimSpace(m.Description)
	m.Cover = firstNonEmpty(v.get("msg_cdn_url"), p.cgiKey("cdn_url"), p.metaContent("og:image", "twitter:image"))
	m.Original = firstNonEmpty(v.get("copyright_stat", "_copyright_stat"), v.getKey("copyright_stat")) == "1" ||
		(len(p.scripts) == 0 && strings.Contains(p.text("#copyright_logo"), "原创"))
	m.SourceURL = readOriginal(p.value("msg_source_url", "source_url"))
	m.Reprint = p.reprint()
	m.Paid = p.firstNode(".pay__summary") != nil || p.firstNode("#js_pay_btn") != nil || p.firstNode(".js_pay_btn") != nil
	m.Type = showTypes[p.showType()]
	if m.Type == "" {
		m.Type = "article"
	}
	if p.isVideoPage() {
		m.Type = "video"
	}
	if id != (model.ID{}) {
		w := id
		m.WeChat = &w
	}
	m.URL = id.URL()
	if m.URL == "" {
		for _, raw := range p.pageLinks() {
			if l, err := model.ParseLink(raw); err == nil && (l.Kind == model.KindShort || l.Kind == model.KindArticle) {
				m.URL = l.Canon
				break
			}
		}
	}
	m.Tags = p.tags()
	return m
}

// domAuthor reads the author from the meta row of pages without scripts:
// an em.rich_media_meta_text that is not the date.
func (p *page) domAuthor() string {
	if p.vars.seen["author"] {
		return "" // the page says it has no author
	}
	var out string
	p.doc.Find("#meta_content .rich_media_meta_text, .rich_media_meta_list .rich_media_meta_text").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if id, _ := s.Attr("id"); id != "" {
			return true // post-date, publish_time, js_ip_wording_wrp, copyright_logo …
		}
		if s.Find("a").Length() > 0 || s.HasClass("rich_media_meta_nickname") || s.HasClass("meta_original_tag") {
			return true
		}
		if t := cleanLine(s.Text()); t != "" && utf8.RuneCountInString(t) < 40 {
			out = t
			return false
		}
		return true
	})
	return out
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// published is the publication time in RFC 3339 (+08:00).
//
// The script's send time (ct) is precise to the second; the date the page
// shows (#post-date, var publish_time) is what a reader saw and the only
// date a capture without scripts keeps. When both are there and name
// different days (a message sent ahead of its shown date), the shown date
// wins, at 00:00 China time: so every capture of one article, with scripts or
// without, gives the same time. When they agree, ct gives the time of day.
func (p *page) published() string {
	var ct string
	for _, n := range []string{"ct", "ori_create_time", "create_time"} {
		if v := p.value(n); isDigits(v) && v != "0" {
			ct = unixTime(v)
			break
		}
	}
	shown := ""
	for _, sel := range []string{"em#post-date", "#post-date", "#publish_time"} {
		if s := parseDate(p.text(sel)); s != "" {
			shown = s
			break
		}
	}
	if shown == "" {
		if v := p.value("publish_time"); v != "" {
			shown = parseDate(v)
		}
	}
	switch {
	case ct != "" && shown != "" && ct[:10] != shown[:10]:
		return shown
	case ct != "":
		return ct
	case shown != "":
		return shown
	}
	if v := p.value("create_time"); v != "" {
		return parseDate(v)
	}
	return ""
}

// isSlogan reports an author field that is a slogan or a call ("读武汉关注☞"),
// not a name.
func isSlogan(s string) bool {
	if utf8.RuneCountInString(s) > 30 {
		return true
	}
	for _, w := range []string{"关注", "点击", "订阅", "扫码", "星标", "置顶"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, r := range s {
		if r >= 0x2190 && r <= 0x21FF || r >= 0x261A && r <= 0x261F || r >= 0x1F446 && r <= 0x1F449 || r == '▶' || r == '►' {
			return true // arrows and pointing hands
		}
	}
	return false
}

// readOriginal is the 阅读原文 link, kept only when it leads somewhere of
// its own: not the account's profile or home page, not a script.
func readOriginal(su string) string {
	su = strings.TrimSpace(su)
	u, err := url.Parse(su)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	if strings.EqualFold(u.Hostname(), model.Host) {
		switch strings.TrimSuffix(u.Path, "/") {
		case "/mp/profile_ext", "/mp/homepage", "/mp/getmasssendmsg", "", "/mp/profile":
			return ""
		}
		if l, err := model.ParseLink(su); err == nil && l.Canon != "" {
			return l.Canon
		}
	}
	return su
}

// reprint names the article a reprint (copyright_stat 2, or the card
// "以下文章来源于X，作者Y" above the body) comes from.
func (p *page) reprint() *model.Origin {
	var o model.Origin
	if n := p.firstNode(".original_primary_card_tips"); n != nil {
		t := cleanLine(nodeText(n))
		if rest, ok := strings.CutPrefix(t, "以下文章来源于"); ok {
			acct, author, _ := strings.Cut(rest, "，作者")
			o.Account = strings.TrimSpace(acct)
			o.Author = strings.TrimSpace(author)
		}
	}
	if o.Account == "" {
		o.Account = p.text(".original_primary_nickname")
	}
	stat := firstNonEmpty(p.vars.get("copyright_stat", "_copyright_stat"), p.vars.getKey("copyright_stat"))
	if o.Account == "" && stat != "2" {
		return nil
	}
	id := validID(model.ID{Biz: p.value("source_encode_biz"), Mid: p.value("source_mid"), Idx: p.value("source_idx")})
	o.URL = id.URL()
	if u := p.value("source_username"); strings.HasPrefix(u, "gh_") {
		o.AccountID = u
	}
	if o == (model.Origin{}) {
		return nil
	}
	return &o
}

func unixTime(v string) string {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return ""
	}
	return time.Unix(n, 0).In(model.ChinaTime).Format(time.RFC3339)
}

var dateRe = regexp.MustCompile(`(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?`)

// parseDate reads "2017-01-18", "2026-02-10 07:52", "2017年1月18日".
func parseDate(s string) string {
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	t := time.Date(num(m[1]), time.Month(num(m[2])), num(m[3]), num(m[4]), num(m[5]), 0, 0, model.ChinaTime)
	if t.Year() < 2000 || t.Month() != time.Month(num(m[2])) {
		return ""
	}
	return t.Format(time.RFC3339)
}

// tags are the article's hashtags and the name of its album (合集).
func (p *page) tags() []string {
	var tags []string
	seen := map[string]bool{}
	add := func(t string) {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	if s := p.findScript("hashtags:"); s != "" {
		for _, it := range jsItems(jsBlock(jsBlock(s, "hashtags:"), "hashtag:")) {
			add(firstNonEmpty(topKey(it, "tag_name"), topKey(it, "title"), topKey(it, "name")))
		}
	}
	p.doc.Find(".article-tag__item").Each(func(_ int, s *goquery.Selection) {
		if t := cleanLine(s.Text()); strings.HasPrefix(t, "#") {
			add(t)
		}
	})
	if s := p.findScript("appmsgalbuminfo:"); s != "" {
		add(topKey(jsBlock(s, "appmsgalbuminfo:"), "title"))
	}
	return tags
}
