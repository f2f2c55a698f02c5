package extractor

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"wxarchive/config"
	"wxarchive/model"
)

// RuleKind is the structural shape a Rule looks for.
type RuleKind string

// Rule kinds. Every kind but KindElement works on the body's blocks (leaf
// block elements, and images or text standing outside them) in document order.
const (
	// KindElement removes elements matching Selector (and Pattern, when set,
	// against the element's text), wherever they are.
	KindElement RuleKind = "element"
	// KindQRCode removes a QR-code image together with its caption: an image
	// whose own block or a nearby short block matches Pattern ("长按识别
	// 二维码"), or whose URL matches Pattern. The short blocks between the
	// image and its caption (a slogan, the account's ID) go with them. The
	// image must be square unless its URL matches or, in the tail, a caption
	// above points down at it ("请关注 ↓↓↓").
	KindQRCode RuleKind = "qr-code"
	// KindBlock removes a short block (at most MaxRunes) whose text matches
	// Pattern. With PositionTail it must lie in the tail and everything from
	// it to the end goes, with the footer just above it (see cutTail). A
	// CallLine rule's match counts only on a call line, and a tail cut only
	// in the tail segment, after the article's last content (see blocks).
	KindBlock RuleKind = "block"
	// KindMarker removes a short block matching Pattern ("广告") together with
	// what it labels: the next block, when that is an image, a card or a link
	// without text. A match followed by anything else stays.
	KindMarker RuleKind = "marker"
	// KindFollowPitch removes, in the tail, a block (at most MaxRunes) that
	// opens with a call matching Pattern ("关注") followed by the account's
	// own name, and everything from it to the end (see cutTail). It needs
	// the account's name.
	KindFollowPitch RuleKind = "follow-pitch"
	// KindTailList removes a heading block matching Pattern ("往期推荐") in the
	// tail together with the run of article links (and images) after it.
	KindTailList RuleKind = "tail-list"
	// KindTailLinks removes a run of at least two blocks at the very end that
	// are nothing but links to other articles, or a single such block with
	// the short line pointing down at it ("入口▼▼") above it.
	KindTailLinks RuleKind = "tail-links"
	// KindSegment scores the blocks at the end and at the start of the body
	// on promotional signals (contact details, group and course pitches,
	// prices, calls to scan or share, links to shops and forms) and cuts the
	// run where promotion starts, stopping at the article's own content (see
	// strip_segment.go). Every cut is recorded with its score and signals.
	KindSegment RuleKind = "segment"
	// KindTailOrnament removes the account's furniture after the article's
	// end that no phrase names: a closing rule (<hr>) in the tail followed
	// only by up to two pictures, or the ornaments (animations, icons, thin
	// rules) that end the body (see strip_ornament.go). Credits stay.
	KindTailOrnament RuleKind = "tail-ornament"
	// KindTailMarker removes the last block that is only an end marker
	// matching Pattern ("- END -") and everything after it.
	KindTailMarker RuleKind = "tail-marker"
)

// Position limits where a rule applies.
type Position string

// Positions.
const (
	PositionAnywhere Position = "anywhere"
	// PositionTail is the second half of the body's text.
	PositionTail Position = "tail"
)

// Rule is one promotional-block stripping rule. Rules are data, so
// pipeline.yaml can add rules or switch built-in ones off.
type Rule struct {
	Name     string
	Kind     RuleKind
	Selector string   // CSS selector (KindElement)
	Pattern  string   // regular expression on a block's text (or image URL for KindQRCode)
	Position Position // "" means anywhere
	MaxRunes int      // longest block text the pattern may match; 0 means 60
	// CallLine (KindBlock) marks a pattern that names a call to the reader
	// (follow, star, like, share, contact us): words an ordinary sentence
	// can hold too. Its match counts only on a call line, or in the tail
	// segment after the article's last content (see callLine, blocks).
	// Built-in rules set it; user rules match as written.
	CallLine bool

	sel   cascadia.Selector
	re    *regexp.Regexp
	pre   *prefilter // literals a match of re needs; nil tries re always
	ready bool       // compiled and checked
}

// match reports whether the rule's pattern matches s.
func (r Rule) match(s string) bool { return r.pre.mayMatch(s) && r.re.MatchString(s) }

// RuleError is a rule that cannot be used.
type RuleError struct {
	Rule string
	Err  error
}

func (e *RuleError) Error() string { return fmt.Sprintf("extractor: strip rule %q: %v", e.Rule, e.Err) }
func (e *RuleError) Unwrap() error { return e.Err }

func (r Rule) compiled() bool { return r.ready }

// compile checks the rule and compiles its selector and pattern.
func (r Rule) compile() (Rule, error) {
	fail := func(err error) (Rule, error) { return r, &RuleError{Rule: r.Name, Err: err} }
	if r.Name == "" {
		return fail(errors.New("no name"))
	}
	switch r.Kind {
	case KindElement:
		if r.Selector == "" {
			return fail(errors.New("element rule needs a selector"))
		}
		if r.Position == PositionTail {
			return fail(errors.New("position tail applies to pattern rules, not selectors"))
		}
	case KindQRCode, KindBlock, KindTailList, KindTailMarker, KindMarker, KindFollowPitch:
		if r.Pattern == "" {
			return fail(fmt.Errorf("%s rule needs a pattern", r.Kind))
		}
	case KindTailLinks, KindSegment, KindTailOrnament:
	default:
		return fail(fmt.Errorf("unknown kind %q", r.Kind))
	}
	switch r.Position {
	case "", PositionAnywhere, PositionTail:
	default:
		return fail(fmt.Errorf("unknown position %q (want anywhere or tail)", r.Position))
	}
	if r.Selector != "" {
		sel, err := cascadia.Compile(r.Selector)
		if err != nil {
			return fail(fmt.Errorf("selector: %w", err))
		}
		r.sel = sel
	}
	if r.Pattern != "" {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return fail(fmt.Errorf("pattern: %w", err))
		}
		r.re = re
		r.pre = newPrefilter(r.Pattern)
	}
	if r.MaxRunes <= 0 {
		r.MaxRunes = 60
	}
	r.ready = true
	return r, nil
}

// decor is what surrounds a marker or heading: dashes, dots, brackets, emoji.
const decor = `[\s\p{P}\p{S}]*`

// builtinRules are the default rules, in the order they run.
var builtinRules = []Rule{
	{Name: "follow-card", Kind: KindElement,
		Selector: "mp-common-profile, mpprofile, .mp_profile_iframe_wrp, .js_profile_card, .wx_profile_card"},
	{Name: "ad-card", Kind: KindElement,
		Selector: "mp-common-cpsad, mp-common-product, .js_cpc_area, .mpcpc, .js_ad_link, .cps_inner_wrp"},
	{Name: "qr-code", Kind: KindQRCode, MaxRunes: 60,
		Pattern: `二维码|长按.{0,8}(识别|扫)|扫.{0,2}码|扫一扫|识别.{0,4}(关注|添加|加入)|^\PL*(请|欢迎)?(加)?关注(我们)?\PL*$|^\PL{0,2}(微信号?|公众号|微信ID)\s*[:：]\s*[A-Za-z][-\w]{3,19}\PL*$|(?i)qr[-_ ]?code`},
	{Name: "ad-marker", Kind: KindMarker, MaxRunes: 12,
		Pattern: `^` + decor + `(广告|推广|赞助|(?i:ad|advertisement|sponsored))` + decor + `$`},
	{Name: "ad-call", Kind: KindMarker, Position: PositionTail, MaxRunes: 45,
		Pattern: `(支持|摸|点|戳|看).{0,3}(一下|一个|下)?.{0,8}(广告|推广)`},
	{Name: "end-marker", Kind: KindTailMarker, MaxRunes: 16,
		Pattern: `^` + decor + `(?i:the end|end|fin|eof)` + decor + `$|^` + decor + `(全文完|本文完|完)` + decor + `$`},
	{Name: "tail-list", Kind: KindTailList, Position: PositionTail, MaxRunes: 24,
		Pattern: `^` + decor + `(往期|往年|精彩|推荐|相关|延伸|更多|热门|近期|历史|猜你|精选|热文|好文|今日)` +
			`.{0,6}(回顾|推荐|阅读|文章|精选|热文|喜欢|好文)`},
	{Name: "follow-call", Kind: KindBlock, MaxRunes: 45, CallLine: true,
		Pattern: `(点击|点|戳).{0,6}(上方|下方|蓝字|上面|下面|这里).{0,8}关注|关注.{0,8}(公众号|本号)|关注我们(\PL|$)|(设为|设置|加个?|标为|标).{0,3}星标|星标.{0,8}(公众号|我们|本号)|置顶.{0,4}公众号|星标.{0,6}(一下|不迷路)|更新不迷路|(扫码|长按|识别|扫描).{0,8}关注|^\PL*(请|欢迎)?(加)?关注(我们)?\PL*$`},
	{Name: "share-call", Kind: KindBlock, MaxRunes: 45, CallLine: true,
		Pattern: `(点赞|在看|分享|转发|收藏|留言).{0,6}(点赞|在看|分享|转发|收藏|留言)|(点|戳|点击).{0,3}阅读原文|点个?.{0,2}在看|(给|帮).{0,6}(点赞|在看)|(好文|文章).{0,4}在看|分享给.{0,4}(更多|朋友|身边)`},
	{Name: "follow-pitch", Kind: KindFollowPitch, Position: PositionTail, MaxRunes: 120,
		Pattern: `^\PL{0,3}(欢迎|请|记得)?(关注|星标|置顶|订阅)(一下)?`},
	{Name: "contact", Kind: KindBlock, Position: PositionTail, MaxRunes: 80, CallLine: true,
		Pattern: `联系负责人|商务合作|广告合作|商务联系|合作(请)?联系|投稿.{0,6}(邮箱|微信|联系)|转载.{0,6}(联系|授权|后台)|广告投放`},
	{Name: "signature", Kind: KindBlock, Position: PositionTail, MaxRunes: 30, CallLine: true,
		Pattern: `^\PL*(?i:powered\s+by)\b`},
	{Name: "promo-segment", Kind: KindSegment},
	// after the segment: the links its cut leaves at the end
	{Name: "tail-links", Kind: KindTailLinks},
	{Name: "tail-ornament", Kind: KindTailOrnament},
}

// compiledDefaults compiles the built-in rules once.
var compiledDefaults = sync.OnceValue(func() []Rule {
	out := make([]Rule, len(builtinRules))
	for i, r := range builtinRules {
		c, err := r.compile()
		if err != nil {
			panic(err) // a bug in builtinRules, caught by the tests
		}
		out[i] = c
	}
	return out
})

// DefaultRules returns the built-in stripping rules, compiled.
func DefaultRules() []Rule { return append([]Rule(nil), compiledDefaults()...) }

// RulesFromConfig applies c to base: removes the rules named in c.Disable and
// appends c's user rules, compiled. An unknown name to disable, a duplicate
// name or an invalid selector or pattern is an error naming the rule.
func RulesFromConfig(base []Rule, c config.Strip) ([]Rule, error) {
	known := make(map[string]bool, len(base))
	for _, r := range base {
		known[r.Name] = true
	}
	off := make(map[string]bool, len(c.Disable))
	for _, name := range c.Disable {
		if !known[name] {
			return nil, &RuleError{Rule: name, Err: errors.New("cannot disable: no such rule")}
		}
		off[name] = true
	}
	out := make([]Rule, 0, len(base)+len(c.Rules))
	for _, r := range base {
		if off[r.Name] {
			continue
		}
		if !r.compiled() {
			var err error
			if r, err = r.compile(); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	for _, u := range c.Rules {
		if known[u.Name] {
			return nil, &RuleError{Rule: u.Name, Err: errors.New("name already used")}
		}
		known[u.Name] = true
		r := Rule{Name: u.Name, Selector: u.Selector, Pattern: u.Pattern,
			Position: Position(u.Position), MaxRunes: u.MaxRunes, Kind: KindBlock}
		if u.Selector != "" {
			r.Kind = KindElement
		}
		if u.Selector == "" && u.Pattern == "" {
			return nil, &RuleError{Rule: u.Name, Err: errors.New("needs a selector or a pattern")}
		}
		cr, err := r.compile()
		if err != nil {
			return nil, err
		}
		out = append(out, cr)
	}
	return out, nil
}

// stripper applies rules to one body.
type stripper struct {
	root     *html.Node
	account  string // the account's name, "" when unknown
	units    []unit
	total    int   // runes of text in all units
	before   []int // before[i]: runes of text in units[:i]
	stripped []model.StrippedBlock
}

// strip removes promotional blocks from root and returns what it removed.
// account is the name of the account that published the body, or "".
func strip(root *html.Node, rules []Rule, account string) ([]model.StrippedBlock, error) {
	s := &stripper{root: root, account: account}
	for _, r := range rules {
		if !r.compiled() {
			var err error
			if r, err = r.compile(); err != nil {
				return s.stripped, err
			}
		}
		if r.Kind == KindElement {
			s.elements(r)
		}
	}
	s.units = collectUnits(root)
	s.before = make([]int, len(s.units)+1)
	for i, u := range s.units {
		s.before[i+1] = s.before[i] + u.runes
	}
	s.total = s.before[len(s.units)]
	for _, r := range rules {
		if !r.compiled() {
			r, _ = r.compile() // checked above
		}
		switch r.Kind {
		case KindQRCode:
			s.qrCodes(r)
		case KindTailMarker:
			s.tailMarker(r)
		case KindTailList:
			s.tailList(r)
		case KindTailLinks:
			s.tailLinks(r)
		case KindBlock:
			s.blocks(r)
		case KindMarker:
			s.markers(r)
		case KindFollowPitch:
			s.followPitch(r)
		case KindSegment:
			s.segment(r)
		case KindTailOrnament:
			s.tailOrnament(r)
		}
	}
	return s.stripped, nil
}

func (s *stripper) record(rule, text string) {
	s.stripped = append(s.stripped, model.StrippedBlock{Rule: rule, Text: shorten(text, 80)})
}

// elements removes the elements a selector rule matches.
func (s *stripper) elements(r Rule) {
	for _, n := range r.sel.MatchAll(s.root) {
		if n.Parent == nil || !attached(n, s.root) {
			continue
		}
		text := nodeText(n)
		if r.re != nil && !r.match(text) {
			continue
		}
		if text == "" {
			text = elementLabel(n)
		}
		removeNode(n)
		s.record(r.Name, text)
	}
}

// elementLabel names an element without text (a follow card's account).
func elementLabel(n *html.Node) string {
	if v := firstAttr(n, "data-nickname", "data-alias", "data-id"); v != "" {
		return v
	}
	for _, c := range elements(n, func(c *html.Node) bool { return firstAttr(c, "data-nickname", "data-alias") != "" }) {
		return firstAttr(c, "data-nickname", "data-alias")
	}
	return "<" + n.Data + ">"
}

func attached(n, root *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == root {
			return true
		}
	}
	return false
}

// inTail reports whether unit i lies in the second half of the body's text.
func (s *stripper) inTail(i int) bool {
	before := s.before[i]
	return before >= s.total-before-s.units[i].runes
}

// remove drops unit i.
func (s *stripper) remove(i int) {
	s.units[i].gone = true
	removeNode(s.units[i].node)
}

// cutFrom removes unit i and everything after it in the body, but for
// credit lines (see isCredit), and returns the removed units, in order.
func (s *stripper) cutFrom(i int) []int {
	var cut []int
	last := -1 // the last credit line
	for j := len(s.units) - 1; j > i; j-- {
		if v := s.units[j]; !v.gone && isCredit(v) {
			last = j
			break
		}
	}
	if last > 0 {
		// the blocks up to the last credit go one by one, the rest at once
		for j := i; j < last; j++ {
			if v := s.units[j]; !v.gone && !isCredit(v) {
				cut = append(cut, j)
				s.remove(j)
			}
		}
		for j := last + 1; j < len(s.units); j++ {
			if !s.units[j].gone {
				cut = append(cut, s.cutFrom(j)...)
				break
			}
		}
		return cut
	}
	for j := i; j < len(s.units); j++ {
		if !s.units[j].gone {
			cut = append(cut, j)
		}
		s.units[j].gone = true
	}
	n := s.units[i].node
	for p := n; p != nil && p != s.root; p = p.Parent {
		for sib := p.NextSibling; sib != nil; sib = p.NextSibling {
			p.Parent.RemoveChild(sib)
		}
	}
	removeNode(n)
	return cut
}

// recordUnits records each removed unit that a reader could see (text, an
// image, a card or a player) as an entry of its own, so that --explain
// lists every block a cut took. reason, when set, gives each unit's reason.
func (s *stripper) recordUnits(rule string, cut []int, reason func(j int) string) {
	for _, j := range cut {
		u := s.units[j]
		text := u.text
		switch {
		case text != "":
		case u.imgs > 0:
			text = "[image]"
		case u.media:
			text = "[player]"
		case u.card:
			text = "[card]"
		default:
			continue
		}
		b := model.StrippedBlock{Rule: rule, Text: shorten(text, 80)}
		if reason != nil {
			b.Reason = reason(j)
		}
		s.stripped = append(s.stripped, b)
	}
}

// qrCodes removes QR images and their captions.
func (s *stripper) qrCodes(r Rule) {
	for i := range s.units {
		u := &s.units[i]
		if u.gone || u.imgs == 0 {
			continue
		}
		var caption []int
		if u.runes > 0 && u.runes <= r.MaxRunes && r.match(u.text) {
			caption = append(caption, i)
		}
		above, pointed := s.qrCaption(r, i, -1)
		below, pointedUp := s.qrCaption(r, i, 1)
		pointed = pointed || pointedUp
		caption = append(append(caption, above...), below...)
		slices.Sort(caption)
		urlHit := r.match(u.imgURLs)
		if len(caption) == 0 && !urlHit {
			continue
		}
		if !urlHit && !u.squareImg && !(pointed && s.inTail(i)) {
			continue
		}
		texts := []string{}
		if u.text != "" && (len(caption) == 0 || caption[0] != i) && u.runes > r.MaxRunes {
			// a long block holding the image: take the image only
			for _, img := range u.imgNodes {
				removeNode(img)
			}
		} else {
			s.remove(i)
		}
		for _, j := range caption {
			if !s.units[j].gone || j == i {
				texts = append(texts, s.units[j].text)
				if j != i {
					s.remove(j)
				}
			}
		}
		if len(texts) == 0 {
			texts = append(texts, "[QR image]")
		}
		if j := s.orphanLabel(i); j >= 0 {
			texts = append([]string{s.units[j].text}, texts...)
			s.remove(j)
		}
		s.record(r.Name, strings.Join(texts, " "))
	}
}

// orphanLabel returns the section label ("【福利】") left above a removed
// block at i with nothing of its own: the next thing after it is another
// label or the end of the body. It returns -1 when there is none.
func (s *stripper) orphanLabel(i int) int {
	prev := -1
	for j := i - 1; j >= 0; j-- {
		if v := s.units[j]; !v.gone && (v.runes > 0 || v.imgs > 0) {
			prev = j
			break
		}
	}
	if prev < 0 || !isLabel(s.units[prev]) {
		return -1
	}
	next := s.nextContent(i)
	if next >= 0 && !isLabel(s.units[next]) {
		return -1
	}
	return prev
}

// isLabel reports a short section label: bracketed ("【福 利】") or a
// heading of a few words.
func isLabel(u unit) bool {
	if u.runes == 0 || u.runes > 12 || u.imgs > 0 || u.links > 0 {
		return false
	}
	t := u.text
	return u.heading || strings.HasPrefix(t, "【") && strings.HasSuffix(t, "】") || strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")
}

// tailMarker cuts the body at its last end marker.
func (s *stripper) tailMarker(r Rule) {
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		if u.gone || u.runes == 0 || u.runes > r.MaxRunes || !r.match(u.text) {
			continue
		}
		if s.before[i]*5 < s.total { // a marker near the top ends nothing
			return
		}
		for _, v := range s.units[i+1:] {
			if !v.gone && v.runes <= 30 && referencesHeading.MatchString(v.text) {
				// notes and references follow: they are the article's
				s.remove(i)
				s.record(r.Name, u.text)
				return
			}
		}
		s.recordUnits(r.Name, s.cutFrom(i), nil)
		return
	}
}

// referencesHeading starts the notes of an article, which may follow its
// end marker.
var referencesHeading = regexp.MustCompile(`^(?i:references?|notes|sources|参考资料|参考文献|参考链接|参考|引用|注释|脚注|资料来源|相关链接)`)

// tailList removes "往期推荐"-style headings in the tail with the article
// links that follow them.
func (s *stripper) tailList(r Rule) {
	for i := range s.units {
		u := s.units[i]
		if u.gone || u.runes == 0 || u.runes-u.linkRunes > r.MaxRunes ||
			!r.match(u.text) || !s.inTail(i) {
			continue
		}
		end, links := i+1, u.links
		for j := i + 1; j < len(s.units); j++ {
			v := s.units[j]
			if v.gone {
				continue
			}
			if v.links > 0 && (v.runes-v.linkRunes <= 12 || v.runes <= 60) {
				links += v.links // an item: a link, maybe with a cover or a short caption
				end = j + 1
				continue
			}
			if v.links == 0 && v.runes <= 40 && s.nextIsLinkedImage(j) {
				continue // an item's title standing above its linked cover
			}
			if v.runes <= 4 {
				continue // decoration between items
			}
			break
		}
		if links == 0 {
			continue
		}
		var cut []int
		for j := i; j < end; j++ {
			if !s.units[j].gone {
				cut = append(cut, j)
				s.remove(j)
			}
		}
		s.recordUnits(r.Name, cut, nil)
	}
}

// tailLinks removes a final run of article-link blocks.
func (s *stripper) tailLinks(r Rule) {
	start, links := len(s.units), 0
	for i := len(s.units) - 1; i >= 0; i-- {
		v := s.units[i]
		if v.gone {
			continue
		}
		if v.links > 0 && v.runes-v.linkRunes <= 4 {
			links += v.links
			start = i
			continue
		}
		if v.runes == 0 {
			continue
		}
		break
	}
	if links == 1 {
		// one link, pointed at by the line above it ("入口▼▼"): the
		// pointer goes with it
		p := s.prevContent(start)
		if p < 0 || !pointsDown(s.units[p]) {
			return
		}
		links, start = 2, p
	}
	if links < 2 || !s.inTail(start) {
		return
	}
	var cut []int
	for j := start; j < len(s.units); j++ {
		if !s.units[j].gone {
			cut = append(cut, j)
			s.remove(j)
		}
	}
	s.recordUnits(r.Name, cut, nil)
}

// blocks removes short blocks matching a pattern. A call-line rule's match
// counts only on a call line (see callLine), or, for a tail rule, in the
// tail segment: nothing of the article is ever cut with it.
func (s *stripper) blocks(r Rule) {
	seg := -1 // the tail segment's start, found when first needed
	inSegment := func(i int) bool {
		if seg < 0 {
			seg = s.tailSegment()
		}
		return i >= seg
	}
	for i := range s.units {
		u := s.units[i]
		if u.gone || u.runes == 0 || u.runes > r.MaxRunes || !r.match(u.text) {
			continue
		}
		if r.Position == PositionTail {
			if !s.inTail(i) || r.CallLine && !inSegment(i) {
				continue
			}
			s.recordUnits(r.Name, s.cutTail(i), nil)
			return
		}
		if r.CallLine && !callLine(u.text, r.re.FindStringIndex(u.text), inSegment(i)) {
			continue
		}
		s.remove(i)
		s.record(r.Name, u.text)
	}
}

// callLine reports whether the call that loc locates in text makes a line
// of furniture rather than a sentence of the article that mentions 关注 or
// 点赞 in passing. The call must end its clause (a few letters may follow:
// "长按关注小号“军度”", not "点赞和转发最多的帖子"), and either open
// it, with at most an imperative or a beneficiary before it ("请", "记得",
// "给前端大全加星标"), after clauses that are calls or conditions themselves
// ("觉得有用的话，点赞"); or stand after the article's last content
// (inSegment) in a line that does not end as a statement ("。").
func callLine(text string, loc []int, inSegment bool) bool {
	if loc == nil {
		return false
	}
	before, after := text[:loc[0]], text[loc[1]:]
	rest := after
	if k := strings.IndexFunc(after, isClauseStop); k >= 0 {
		rest = after[:k]
	}
	if letters(rest) > 8 {
		return false
	}
	lead, prefix := "", before
	if k := strings.LastIndexFunc(before, isClauseStop); k >= 0 {
		_, size := utf8.DecodeRuneInString(before[k:])
		lead, prefix = before[:k], before[k+size:]
	}
	shaped := true
	if p := trimDecor(prefix); p != "" && !callOpener.MatchString(p) && !callLead.MatchString(p) {
		shaped = false
	}
	for _, c := range strings.FieldsFunc(lead, isClauseStop) {
		if c = trimDecor(c); c != "" && !callLead.MatchString(c) {
			shaped = false
		}
	}
	if shaped {
		return true
	}
	return inSegment && !strings.ContainsRune("。．.", lastRune(strings.TrimSpace(text)))
}

// callOpener is what may stand before a call in its clause: an imperative,
// or the account the reader is asked to star ("给前端大全加星标"); so may
// another call ("关注「前端大全」加星标", see callLead).
var callOpener = regexp.MustCompile(`^(请|欢迎|记得|别忘了?|大家|各位|亲们?|一定要?|快|赶紧|顺手|随手|动动手指|给|帮)`)

// callLead is a clause that may precede a call's clause: another call, or a
// condition ("觉得有用的话").
var callLead = regexp.MustCompile(`^(关注|点击|点|戳|长按|扫码|扫描|识别|星标|设为|置顶|转发|分享|收藏|点赞|在看|请|欢迎|记得|别忘|觉得|喜欢|如果|若)|的话$`)

// isClauseStop reports punctuation that ends a clause.
func isClauseStop(r rune) bool {
	switch r {
	case '，', ',', '。', '．', '！', '!', '？', '?', '；', ';', '：', ':', '\n':
		return true
	}
	return false
}

// letters counts the letters and digits of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// trimDecor trims what is neither a letter nor a digit from both ends.
func trimDecor(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
