package extractor

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wxarchive/model"
)

// Promotion at the ends of a body is found as a segmentation, not by one
// phrase: every block near the end (and near the start) is scored on the
// signals below, and the run of blocks from where promotion starts to the
// end is cut when, walking back from the end, no block of the article's own
// content comes first. Content stops the walk: a sentence without any
// signal, a heading, a picture, a video or audio line. Credits (来源, 编辑,
// 审核…) are kept wherever they stand (see cutFrom).

// signal is one kind of evidence that a block promotes rather than tells.
type signal struct {
	name   string
	weight int
	re     *regexp.Regexp
	pre    *prefilter // literals one of which a match holds (see strip_prefilter.go)
}

// newSignal compiles a signal and its prefilter.
func newSignal(name string, weight int, expr string) signal {
	return signal{name: name, weight: weight, re: regexp.MustCompile(expr), pre: newPrefilter(expr)}
}

// match is re.MatchString, sparing the regexp the blocks without a literal.
func (sg signal) match(s string) bool { return sg.pre.mayMatch(s) && sg.re.MatchString(s) }

// promoSignals are the signals, as data. A block's score is the sum of the
// weights of the signals it shows (each once).
var promoSignals = []signal{
	newSignal("contact", 3, `微信号\s*[:：]?\s*[A-Za-z]|(微信|[Ww]e[Cc]hat|vx|VX|v信)\s*(ID|id)?\s*[:：]\s*[A-Za-z][-_A-Za-z0-9]{4,}|[（(]微信[)）]|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|联系(负责人|小编|我们|我)|商务合作|广告合作|(合作|投稿)\s*[|｜:：]`),
	newSignal("group", 3, `交流群|社群|知识星球|训练营|(进|入|加|拉你进)\S{0,3}群|私信|后台(回复|找我|留言|私信|联系)|回复\s*[“"「『]\S{1,8}[”"」』]|备注\s*[「“"『]`),
	newSignal("money", 3, `[0-9]+\s*元\s*/\s*(人|年|月)|[¥￥]\s*[0-9]|打赏|赞赏|红包|转账|原价|限时(优惠|特价|免费)|优惠券`),
	newSignal("offer", 2, `付费|报名|购买|下单|领取|礼包|抽奖|正式上线|无需购买|免费(领|试|送|提供)|课程|立即(收听|购买|报名|领取|订阅|加入|体验)`),
	newSignal("call", 2, `欢迎(分享|转发|关注|扫描|加入|投稿|合作|各大|点赞|打赏|订阅|在看)|分享到朋友圈|转发(到)?朋友圈|点击(图片|下方|上方|阅读原文|链接)|扫描(下方|上方|二维码)|长按(识别|扫码|二维码)|二维码|扫码|关注(我们|公众号|本号)|星标|置顶`),
}

// formHosts are shops, form and sign-up sites whose links are promotion.
var formHosts = []string{
	"wjx.cn", "wjx.top", "jinshuju.net", "jinshuju.com", "wj.qq.com", "feishu.cn", "larksuite.com",
	"xiaoe-tech.com", "xetslk.com", "xet.tech", "youzan.com", "weidian.com", "taobao.com", "tb.cn",
	"tmall.com", "jd.com", "3.cn", "pinduoduo.com", "yangkeduo.com", "zsxq.com", "t.zsxq.com", "mikecrm.com",
}

// scoreUnit scores a block and names the signals it shows.
func scoreUnit(u unit) (int, []string) {
	score, names := 0, []string(nil)
	if u.runes > 0 && u.runes <= 300 {
		for _, sg := range promoSignals {
			if sg.match(u.text) {
				score += sg.weight
				names = append(names, sg.name)
			}
		}
	}
	if u.formLink {
		score += 3
		names = append(names, "shop-link")
	}
	if u.runes > 0 && onlyArrows(u.text) {
		score++
		names = append(names, "pointer")
	}
	if u.runes == 0 && u.imgs > 0 && u.decorImg {
		score++
		names = append(names, "ornament")
	}
	return score, names
}

// isContent reports a block that is the article's own: it stops the walk
// from the end (or the start) of the body.
func isContent(u unit, score int) bool {
	switch {
	case u.media:
		return true
	case u.runes > 40 && score == 0:
		return true
	case u.runes == 0 && u.imgs > 0:
		// a picture of the article, unless a QR code, an ornament or a banner
		return !u.squareImg && !u.decorImg && u.links == 0 && !u.formLink && !u.anyLink
	}
	return false
}

// segment cuts the promotion at the end of the body, and at its start.
func (s *stripper) segment(r Rule) {
	s.segmentTail(r)
	s.segmentHead(r)
}

// maxTrailingPictures is how many pictures may follow a promotional block
// at the very end and go with it (a poster, a logo); more are the article's.
const maxTrailingPictures = 3

func (s *stripper) segmentTail(r Rule) {
	start, total, pictures := -1, 0, 0
	var reasons []string
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		if u.gone || u.runes == 0 && u.imgs == 0 && !u.media {
			continue
		}
		if isCredit(u) {
			continue
		}
		score, names := scoreUnit(u)
		if u.runes == 0 && u.imgs > 0 && isContent(u, score) {
			if pictures++; pictures > maxTrailingPictures {
				break
			}
			continue
		}
		if isContent(u, score) {
			break
		}
		if score >= 2 {
			start, total, pictures = i, total+score, 0
			reasons = append(reasons, names...)
		} else if score > 0 {
			total += score
			reasons = append(reasons, names...)
		}
	}
	// the cut must leave the article's start: never in its first fifth
	if start < 0 || total < 3 || s.before[start]*5 < s.total {
		return
	}
	// a lead-in that announces the promotion ("…如下：", "▼") goes with
	// it, and so do the taglines above it: short headings and bold slogans
	for j := start - 1; j >= 0; j-- {
		v := s.units[j]
		if v.gone || v.runes == 0 && v.imgs == 0 && !v.media {
			continue
		}
		if v.runes > 0 && v.runes <= 30 && v.imgs == 0 && (strings.ContainsRune("：:", lastRune(v.text)) || isArrow(lastRune(v.text)) || onlyArrows(v.text)) {
			start = j
			continue
		}
		if (v.heading || isBold(v)) && footerText(v) {
			start = j
			continue
		}
		break
	}
	s.stripped = append(s.stripped, recordOf(r.Name, total, reasons, s.cutTail(start)))
}

func (s *stripper) segmentHead(r Rule) {
	end, total := -1, 0
	var reasons []string
	for i := range s.units {
		u := s.units[i]
		if u.gone || u.runes == 0 && u.imgs == 0 && !u.media {
			continue
		}
		score, names := scoreUnit(u)
		if u.runes > 0 && u.runes <= 12 && strings.Contains(u.text, "关注") && score == 0 {
			score, names = 2, []string{"slogan"} // "关注军旅 关注人生" atop the body
		}
		if isContent(u, score) || s.inTail(i) || u.runes > 30 {
			break // the head's promotion is short lines, pictures and banners
		}
		if isCredit(u) || score == 0 && u.runes > 0 && u.runes <= 8 && footerText(u) {
			continue // a credit or a label (the account's name) atop the body
		}
		if score == 0 && !(u.runes == 0 && u.imgs > 0) {
			break
		}
		if score >= 1 {
			end, total = i, total+score
			reasons = append(reasons, names...)
		}
	}
	if end < 0 || total < 2 || onlyOrnaments(reasons) {
		return // ornaments alone (a header picture, a divider) are no promotion
	}
	var texts []string
	for j := 0; j <= end; j++ {
		if v := s.units[j]; !v.gone && (v.runes > 0 || v.imgs > 0) && !isCredit(v) {
			if v.text != "" {
				texts = append(texts, v.text)
			}
			s.remove(j)
		}
	}
	s.stripped = append(s.stripped, recordOf(r.Name+"-head", total, reasons, strings.Join(texts, " ")))
}

func onlyOrnaments(reasons []string) bool {
	for _, r := range reasons {
		if r != "ornament" {
			return false
		}
	}
	return true
}

// recordOf makes the audit entry of a segment cut: its score and signals.
func recordOf(rule string, score int, reasons []string, text string) model.StrippedBlock {
	seen := map[string]bool{}
	var uniq []string
	for _, n := range reasons {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	if text == "" {
		text = "[images]"
	}
	return model.StrippedBlock{Rule: rule, Reason: fmt.Sprintf("score %d: %s", score, strings.Join(uniq, ", ")), Text: shorten(text, 80)}
}

// unitLinks notes, for makeUnit, links that lead to shops and forms.
func unitLinks(u *unit, a *html.Node) {
	href := strings.TrimSpace(attr(a, "href"))
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return
	}
	u.anyLink = true
	pu, err := url.Parse(href)
	if err != nil {
		return
	}
	h := strings.ToLower(pu.Hostname())
	for _, f := range formHosts {
		if h == f || strings.HasSuffix(h, "."+f) {
			u.formLink = true
			return
		}
	}
}

// isMedia reports an embedded player (video, audio, music).
func isMedia(n *html.Node) bool {
	switch n.Data {
	case "iframe", "mpvoice", "mp-common-mpaudio", "qqmusic", "mp-common-qqmusic", "mpvideo", "mp-video", "mp-common-video", "mp-common-videosnap", "video":
		return true
	}
	return n.DataAtom == atom.Iframe
}
