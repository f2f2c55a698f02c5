package extractor

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
	// maxRunes, when set, is the longest block the signal counts in: a bare
	// mention ("二维码") is a call on a short line, a topic in a sentence.
	maxRunes int
	// phrase marks words a sentence about something else can hold ("被拉进
	// 群", "达成商务合作", "转账5000元"): in a block of more than
	// narrativeRunes they count only when the block speaks to the reader
	// (see addressesReader). Contact details and prices always count.
	phrase bool
}

// newSignal compiles a signal and its prefilter.
func newSignal(name string, weight int, expr string) signal {
	return signal{name: name, weight: weight, re: regexp.MustCompile(expr), pre: newPrefilter(expr)}
}

// asPhrase marks sg a phrase signal (see signal.phrase).
func (sg signal) asPhrase() signal { sg.phrase = true; return sg }

// upTo limits sg to blocks of at most n runes.
func (sg signal) upTo(n int) signal { sg.maxRunes = n; return sg }

// match is re.MatchString, sparing the regexp the blocks without a literal.
func (sg signal) match(s string) bool { return sg.pre.mayMatch(s) && sg.re.MatchString(s) }

// narrativeRunes is the length above which a block is a sentence whose
// phrase signals need the reader addressed.
const narrativeRunes = 20

// addressesReader finds what promotion says to its reader: the second
// person, the writer offering, an imperative.
var addressesReader = regexp.MustCompile(`你|您|我|咱|大家|各位|朋友们|粉丝|请|欢迎|可以|快来|赶紧|记得|点击|扫描|长按|私信|回复|备注|添加|联系`)

// promoSignals are the signals, as data. A block's score is the sum of the
// weights of the signals it shows (each name once).
var promoSignals = []signal{
	newSignal("contact", 3, `微信号\s*[:：]?\s*[A-Za-z]|(微信|[Ww]e[Cc]hat|vx|VX|v信)\s*(ID|id)?\s*[:：]\s*[A-Za-z][-_A-Za-z0-9]{4,}|[（(]微信[)）]|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(合作|投稿)\s*[|｜:：]`),
	newSignal("contact", 3, `联系(负责人|小编|我们|我)|商务合作|广告合作`).asPhrase(),
	newSignal("group", 3, `回复\s*[“"「『]\S{1,8}[”"」』]|备注\s*[「“"『]`),
	newSignal("group", 3, `交流群|社群|知识星球|训练营|(进|入|加|拉你进)\S{0,3}群|私信|后台(回复|找我|留言|私信|联系)`).asPhrase(),
	newSignal("money", 3, `[0-9]+\s*元\s*/\s*(人|年|月)|[¥￥]\s*[0-9]`),
	newSignal("money", 3, `打赏|赞赏|红包|转账|原价|限时(优惠|特价|免费)|优惠券`).asPhrase(),
	newSignal("offer", 2, `付费|报名|购买|下单|领取|礼包|抽奖|正式上线|无需购买|免费(领|试|送|提供)|课程|立即(收听|购买|报名|领取|订阅|加入|体验)`).asPhrase(),
	newSignal("call", 2, `欢迎(分享|转发|关注|扫描|加入|投稿|合作|各大|点赞|打赏|订阅|在看)|分享到朋友圈|转发(到)?朋友圈|点击(图片|下方|上方|阅读原文|链接)|扫描(下方|上方|二维码)|长按(识别|扫码|二维码)|关注(公众号|本号)|关注我们(\PL|$)|(设为|加个?|标为).{0,3}星标|置顶公众号`).asPhrase(),
	newSignal("call", 2, `二维码|扫码|星标|置顶`).upTo(narrativeRunes),
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
		narrative := -1 // unknown yet; 1 when a long block does not address the reader
		for _, sg := range promoSignals {
			if sg.maxRunes > 0 && u.runes > sg.maxRunes || slices.Contains(names, sg.name) {
				continue
			}
			if sg.phrase && u.runes > narrativeRunes {
				if narrative < 0 {
					narrative = 0
					if !addressesReader.MatchString(u.text) {
						narrative = 1
					}
				}
				if narrative == 1 {
					continue
				}
			}
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
	own := map[int]string{} // each block's own score and signals
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		if u.gone || u.runes == 0 && u.imgs == 0 && !u.media {
			continue
		}
		if isNotes(u) {
			break // references and comments are the article's, and so is all above
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
		if score > 0 {
			own[i] = scoreText(score, names)
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
	s.recordUnits(r.Name, s.cutTail(start), cutReason(own, total, reasons))
}

func (s *stripper) segmentHead(r Rule) {
	end, total := -1, 0
	var reasons []string
	own := map[int]string{}
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
			own[i] = scoreText(score, names)
		}
	}
	if end < 0 || total < 2 || onlyOrnaments(reasons) {
		return // ornaments alone (a header picture, a divider) are no promotion
	}
	var cut []int
	for j := 0; j <= end; j++ {
		if v := s.units[j]; !v.gone && (v.runes > 0 || v.imgs > 0) && !isCredit(v) {
			cut = append(cut, j)
			s.remove(j)
		}
	}
	s.recordUnits(r.Name+"-head", cut, cutReason(own, total, reasons))
}

func onlyOrnaments(reasons []string) bool {
	for _, r := range reasons {
		if r != "ornament" {
			return false
		}
	}
	return true
}

// scoreText writes a score with its signals: "score 3: group, money".
func scoreText(score int, names []string) string {
	seen := map[string]bool{}
	var uniq []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	return fmt.Sprintf("score %d: %s", score, strings.Join(uniq, ", "))
}

// cutReason gives the audit reason of each block of a segment cut: its own
// score and signals, then the cut's ("score 3: group; cut score 6: group,
// money"). A block of score 0 (a lead-in, a tagline, a picture) went with
// the cut.
func cutReason(own map[int]string, total int, reasons []string) func(int) string {
	all := "; cut " + scoreText(total, reasons)
	return func(j int) string {
		if o, ok := own[j]; ok {
			return o + all
		}
		return "score 0" + all
	}
}

// notesHeading starts the article's own notes, references or readers'
// comments (最佳留言): the walk from the end stops there.
var notesHeading = regexp.MustCompile(`^\PL{0,3}(?i:references?|notes|sources|bibliography|参考资料|参考文献|参考链接|参考|引用|注释|脚注|资料来源|(最佳|精选|精彩|读者|热门|部分)留言|留言(精选|区)|网友(评论|留言)|评论精选)\PL{0,3}$`)

// referenceItem is an item of a reference list: "[1] 张三：《…》".
var referenceItem = regexp.MustCompile(`^\s*[\[［【]\d{1,3}[\]］】]\s*\S`)

// isNotes reports a block that starts or belongs to the article's notes:
// a references or comments heading, or a numbered reference.
func isNotes(u unit) bool {
	return u.runes > 0 && u.runes <= 30 && notesHeading.MatchString(u.text) ||
		u.runes > 0 && u.links == 0 && referenceItem.MatchString(u.text)
}

// tailSegment returns the index of the first unit after the article's last
// content: where a body's closing furniture may stand. Content is what
// stops the segment walk (see isContent); so do notes, references and
// comments (see isNotes). It returns len(s.units) when the body ends with
// content.
func (s *stripper) tailSegment() int {
	start := len(s.units)
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		if u.gone || u.runes == 0 && u.imgs == 0 && !u.media {
			continue
		}
		if isNotes(u) {
			break
		}
		if score, _ := scoreUnit(u); !isCredit(u) && isContent(u, score) {
			break
		}
		start = i
	}
	return start
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
