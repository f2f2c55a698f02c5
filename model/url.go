package model

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Host is the only host WeChat article and album pages are served from.
const Host = "mp.weixin.qq.com"

// ErrNotWeChat is returned for a URL that is not a mp.weixin.qq.com page.
var ErrNotWeChat = errors.New("not a mp.weixin.qq.com URL")

// ID identifies one article: (Biz, Mid, Idx). Sn is the article's signature,
// kept so a canonical URL can be rebuilt, but it is not part of the identity.
type ID struct {
	Biz string `json:"biz,omitempty" yaml:"biz,omitempty"`
	Mid string `json:"mid,omitempty" yaml:"mid,omitempty"`
	Idx string `json:"idx,omitempty" yaml:"idx,omitempty"`
	Sn  string `json:"sn,omitempty" yaml:"sn,omitempty"`
}

// Complete reports whether the ID names one article: a base64 biz and
// decimal mid and idx (anything else could not come from WeChat, and would
// not be safe in a file name).
func (id ID) Complete() bool {
	return id.Biz != "" && len(id.Biz) <= 64 && allIn(id.Biz, isBase64) &&
		id.Mid != "" && len(id.Mid) <= 20 && allIn(id.Mid, isDigit) &&
		id.Idx != "" && len(id.Idx) <= 4 && allIn(id.Idx, isDigit)
}

func isDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isAlnum(r rune) bool  { return isDigit(r) || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
func isBase64(r rune) bool { return isAlnum(r) || r == '+' || r == '/' || r == '=' }
func isToken(r rune) bool  { return isAlnum(r) || r == '_' || r == '-' }

func allIn(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

// Key is the printable archive key of the article: "<biz>_<mid>_<idx>" with
// the base64 padding of biz removed and '/' and '+' made path-safe.
func (id ID) Key() Key {
	if !id.Complete() {
		return ""
	}
	b := strings.TrimRight(id.Biz, "=")
	b = strings.NewReplacer("/", "-", "+", ".").Replace(b)
	return Key(b + "_" + id.Mid + "_" + id.Idx)
}

// URL is the canonical article URL: https, only __biz, mid, idx and sn. The
// biz is written as WeChat writes it in its own links (msg_link, og:url):
// "__biz=MzA3MDM3NjE5NQ==", padding unescaped; only "+" (a space in a query)
// is escaped. One article has one spelling.
func (id ID) URL() string {
	if !id.Complete() {
		return ""
	}
	v := "https://" + Host + "/s?__biz=" + bizEscape(id.Biz) + "&mid=" + id.Mid + "&idx=" + id.Idx
	if id.Sn != "" {
		v += "&sn=" + url.QueryEscape(id.Sn)
	}
	return v
}

// Key names one article in the archive. Articles known by their ids have a
// key from ID.Key; an article known only by a short link /s/<token> has the
// key "s_<token>" until a capture reveals its ids.
type Key string

// Kind is what a mp.weixin.qq.com URL points at.
type Kind int

const (
	KindArticle Kind = iota // /s?__biz=…&mid=…&idx=… (long form)
	KindShort               // /s/<token>
	KindAlbum               // /mp/appmsgalbum?__biz=…&album_id=…
	KindTemp                // /s?src=…&timestamp=…&signature=… (Sogou, expires)
)

// Link is a parsed mp.weixin.qq.com URL.
type Link struct {
	Kind  Kind
	ID    ID     // for KindArticle
	Short string // token, for KindShort
	Album string // album_id, for KindAlbum
	Raw   string // the URL as given, trimmed
	Canon string // canonical URL (https, no tracking parameters, no fragment)
}

// Key returns the archive key of the link, or "" when it names no article.
func (l Link) Key() Key {
	switch l.Kind {
	case KindArticle:
		return l.ID.Key()
	case KindShort:
		return Key("s_" + l.Short)
	}
	return ""
}

// ParseLink parses and canonicalises a WeChat URL. It accepts http and https,
// a missing scheme, HTML-escaped ampersands, and the aliases appmsgid (mid),
// itemidx (idx) and sign (sn). Tracking parameters and fragments are dropped.
func ParseLink(raw string) (Link, error) {
	s := strings.TrimSpace(raw)
	s = strings.ReplaceAll(s, "&amp;", "&")
	s = strings.ReplaceAll(s, `\x26`, "&")
	s = strings.ReplaceAll(s, `\u0026`, "&")
	s = withScheme(s)
	u, err := url.Parse(s)
	if err != nil {
		return Link{}, fmt.Errorf("model: parse url %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Link{}, fmt.Errorf("model: url %q: scheme %q: %w", raw, u.Scheme, ErrNotWeChat)
	}
	if u.Host == "" || u.Opaque != "" {
		return Link{}, fmt.Errorf("model: url %q: no host name (want https://%s/…): %w", raw, Host, ErrNotWeChat)
	}
	if h := strings.ToLower(u.Hostname()); h == "http" || h == "https" {
		return Link{}, fmt.Errorf("model: url %q: malformed scheme (want https://%s/…): %w", raw, Host, ErrNotWeChat)
	}
	if !strings.EqualFold(u.Hostname(), Host) || (u.Port() != "" && u.Port() != "80" && u.Port() != "443") {
		return Link{}, fmt.Errorf("model: url %q: host %q: %w", raw, u.Host, ErrNotWeChat)
	}
	l := Link{Raw: strings.TrimSpace(raw)}
	q := u.Query()
	path := strings.TrimSuffix(u.Path, "/")
	switch {
	case strings.HasPrefix(path, "/s/"):
		tok := strings.TrimPrefix(path, "/s/")
		if tok == "" || len(tok) > 128 || !allIn(tok, isToken) {
			return Link{}, fmt.Errorf("model: url %q: malformed short link", raw)
		}
		l.Kind, l.Short = KindShort, tok
		l.Canon = "https://" + Host + "/s/" + tok
		return l, nil
	case path == "/s" || path == "/mp/appmsg/show" || path == "/mp/rumor" || path == "/mp/appmsg":
		id := ID{
			Biz: first(q, "__biz", "biz"),
			Mid: first(q, "mid", "appmsgid"),
			Idx: first(q, "idx", "itemidx"),
			Sn:  first(q, "sn", "sign"),
		}
		if id.Biz != "" && id.Mid != "" && id.Idx != "" && !id.Complete() {
			return Link{}, fmt.Errorf("model: url %q: malformed __biz, mid or idx", raw)
		}
		if id.Complete() {
			l.Kind, l.ID, l.Canon = KindArticle, id, id.URL()
			return l, nil
		}
		if q.Get("src") != "" && q.Get("signature") != "" {
			l.Kind = KindTemp
			l.Canon = u.String()
			return l, nil
		}
		return Link{}, fmt.Errorf("model: url %q: article link without __biz, mid and idx", raw)
	case path == "/mp/appmsgalbum":
		biz, album := q.Get("__biz"), q.Get("album_id")
		if biz == "" || album == "" {
			return Link{}, fmt.Errorf("model: url %q: album link without __biz and album_id", raw)
		}
		l.Kind, l.Album, l.ID = KindAlbum, album, ID{Biz: biz}
		l.Canon = "https://" + Host + "/mp/appmsgalbum?__biz=" + bizEscape(biz) + "&action=getalbum&album_id=" + url.QueryEscape(album)
		return l, nil
	}
	return Link{}, fmt.Errorf("model: url %q: path %q is not an article or album", raw, u.Path)
}

// bizEscape writes a biz for a query: base64 as it is but "+" (which a
// query reads as a space); anything else escaped.
// withScheme gives a link written without a scheme ("mp.weixin.qq.com/s?…",
// "//mp.weixin.qq.com/…", "mp.weixin.qq.com:443/…") the scheme https. A
// scheme is only what comes before the first ":" when that is before any
// "/", "?" or "#" and not a port: "://" in a query (…&url=https://x) is not
// one. A link with another scheme (javascript:, ftp://) is left for the
// caller to refuse.
func withScheme(s string) string {
	if strings.HasPrefix(s, "//") {
		return "https:" + s
	}
	head := s
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		head = s[:i]
	}
	scheme, rest, ok := strings.Cut(head, ":")
	if ok && validScheme(scheme) && (rest != "" && !allIn(rest, isDigit) || rest == "" && strings.HasPrefix(s[len(head):], "//")) {
		return s
	}
	return "https://" + s
}

// validScheme reports whether s is a URL scheme (RFC 3986 §3.1).
func validScheme(s string) bool {
	if s == "" || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func bizEscape(biz string) string {
	if allIn(biz, isBase64) {
		return strings.ReplaceAll(biz, "+", "%2B")
	}
	return url.QueryEscape(biz)
}

func first(q url.Values, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(q.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

// ImageHost reports whether host (lower case, no port) is one of WeChat's
// image servers: any host under qpic.cn or qlogo.cn (mmbiz, mmecoa, puui
// for video covers, wx for avatars…) and res.wx.qq.com (emoji). The
// extractor keeps such images and the fetcher copies them: one list.
func ImageHost(host string) bool {
	return host == "qpic.cn" || strings.HasSuffix(host, ".qpic.cn") ||
		host == "qlogo.cn" || strings.HasSuffix(host, ".qlogo.cn") || host == "res.wx.qq.com"
}
