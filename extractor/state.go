package extractor

import (
	"bytes"
	"strings"

	"wxarchive/model"
)

// stateRule maps the words of a notice page to its state. Rules are tried
// in order; the first whose phrase occurs wins.
type stateRule struct {
	state   model.State
	phrases []string
}

var stateRules = []stateRule{
	{model.StateDeleted, []string{"已被发布者删除", "has been deleted by the author", "内容已删除", "has been deleted"}},
	{model.StateAccountGone, []string{"帐号已被屏蔽", "账号已被屏蔽", "该公众号已迁移", "已自主注销", "帐号已注销", "账号已注销", "account has been"}},
	{model.StateViolation, []string{"违规", "投诉", "侵权", "violat", "complaint", "infring"}},
	{model.StateRateLimited, []string{"访问过于频繁", "too frequent"}},
	{model.StateVerify, []string{"环境异常", "去验证", "完成验证", "verify", "captcha"}},
	{model.StateExpired, []string{"链接已过期", "link has expired", "expired"}},
	{model.StateParamError, []string{"参数错误", "invalid parameter", "parameter error"}},
	{model.StateUnavailable, []string{"暂时无法查看", "微信扫一扫可打开此内容", "无法查看", "cannot be viewed", "unavailable"}},
}

// classify returns the state the notice text names, or "".
func classify(text string) model.State {
	lower := strings.ToLower(text)
	for _, r := range stateRules {
		for _, ph := range r.phrases {
			if strings.Contains(lower, strings.ToLower(ph)) {
				return r.state
			}
		}
	}
	return ""
}

// state decides what the page is. Structure first: a weui-msg notice is a
// state whatever its wording; an article body makes an article even when the
// text mentions "环境异常"; only a page without a body is searched for the
// notice phrases.
func (p *page) state() (model.State, string) {
	if title := p.text(".weui-msg__title"); title != "" && p.content.Length() == 0 {
		reason := title
		if desc := p.text(".weui-msg__desc"); desc != "" && desc != title {
			reason += ": " + desc
		}
		if st := classify(title); st != "" {
			return st, reason
		}
		if st := classify(reason); st != "" {
			return st, reason
		}
		return model.StateUnavailable, reason
	}
	if p.content.Length() == 0 && bytes.Contains(p.raw, []byte("wappoc_appmsgcaptcha")) {
		return model.StateVerify, firstNonEmpty(p.text(".weui-msg__desc"), "verification page (wappoc_appmsgcaptcha)")
	}
	if t := p.text("title"); p.content.Length() == 0 && classify(t) == model.StateUnavailable {
		return model.StateUnavailable, t
	}
	if p.hasBody() {
		return model.StateArticle, ""
	}
	// No body: a notice without weui-msg markup, an album, or a truncated page.
	if bytes.Contains(p.raw, []byte("appmsgalbum")) || p.doc.Find(".album__list, .album__page_header").Length() > 0 {
		return model.StateNotArticle, "album (合集) page listing articles, not an article"
	}
	body := p.text("body")
	if len(body) < 4096 {
		if st := classify(body); st != "" {
			return st, firstLine(body, 120)
		}
	}
	if bytes.Contains(p.raw, []byte("微信扫一扫可打开此内容")) {
		return model.StateUnavailable, "微信扫一扫可打开此内容，使用完整服务"
	}
	if !bytes.Contains(bytes.ToLower(p.raw[max(0, len(p.raw)-512):]), []byte("</html>")) {
		return model.StateTruncated, "truncated page without an article body"
	}
	return model.StateNotArticle, "page has no article body"
}

// firstLine returns the first line of s, at most n runes.
func firstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
