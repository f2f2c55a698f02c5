package extractor

import (
	"strings"
	"testing"
)

// Phrase rules must not strip ordinary sentences of the article that
// mention 关注, 扫码, 点赞 in passing (issue 8 §1 "must stay"): a call is
// furniture only on a standalone call line, or after the article's last
// content; a phrase signal in a sentence that does not address the reader
// does not score.

func TestPhraseRulesKeepBodySentences(t *testing.T) {
	mid := []string{
		"记者注意到，不少市民在扫码后关注了这个账号，随即被拉进群。",
		"调查显示，点赞和转发最多的帖子，往往也是谣言最多的帖子。",
		"专家建议关注我们身边老人的上网安全。",
		"今天，扫码已从支付扩展到点餐、乘车、挂号。关注这些变化，就是关注我们日常生活的数字化。",
		"帮助老人关注我们身边的诈骗风险",
	}
	var page strings.Builder
	page.WriteString(strings.Repeat(para, 4))
	for _, m := range mid {
		page.WriteString("<p>" + m + "</p>")
	}
	page.WriteString(strings.Repeat(para, 2))
	// the same sentences as the article's last lines, above its closing
	// lines: a narrative sentence ("被拉进群") is no group pitch
	for _, m := range []string{mid[3], mid[0], mid[1], mid[2]} {
		page.WriteString("<p>" + m + "</p>")
	}
	page.WriteString("<p>信息来源于网络</p><p>经过文刃重新编排</p>")
	res := convertHTML(t, page.String())
	for _, k := range []string{"信息来源于网络", "经过文刃重新编排"} {
		if !strings.Contains(res.Markdown, k) {
			t.Errorf("closing line lost: %q", k)
		}
	}
	for _, m := range mid {
		if strings.Count(res.Markdown, m) < 1 {
			t.Errorf("sentence lost: %q", m)
		}
	}
	for _, m := range mid[:4] {
		if n := strings.Count(res.Markdown, m); n != 2 {
			t.Errorf("%q kept %d times of 2", m, n)
		}
	}
	if len(res.Stripped) > 0 {
		t.Errorf("stripped from an article without promotion: %+v", res.Stripped)
	}
}

// A short article about QR payments: bare mentions of 二维码/扫码 in
// sentences are no promotion, and the walk from the end stops at the
// reference list and 最佳留言.
func TestSegmentQRArticle(t *testing.T) {
	page := `<p>二维码支付在中国的普及，是过去十年最深刻的金融变化之一。本文回顾它的来龙去脉。</p>
<p>2011年，支付宝推出条码支付，最初只是为了解决线下收银的难题。很多商户第一次接触到扫码收款时半信半疑。</p>
<p>到2016年，微信支付与支付宝在线下市场激烈竞争，补贴大战让“扫一扫”成为全民习惯，街边小摊也贴出了收款码。</p>
<p>研究者指出，二维码的低成本是关键：一张打印的纸就能收款，不需要昂贵的POS机。</p>
<p>但风险随之而来：有人把自己的收款码贴在商户的码上，偷走货款。公安机关提醒，扫码前请核对收款方名称。</p>
<p>今天，扫码已从支付扩展到点餐、乘车、挂号。关注这些变化，就是关注我们日常生活的数字化。</p>
<p>你最常在什么场合扫码？你遇到过扫码被骗吗？欢迎在评论区分享你的经历。</p>
<p><strong>参考资料</strong></p>
<p>[1] 中国人民银行：《2020年支付体系运行总体情况》</p>
<p>[2] 王某某：《二维码支付的风险与监管》，《金融研究》2019年第5期</p>
<p>[3] 扫码安全手册</p>
<p>来源｜新华社 编辑｜李四 审核｜王五</p>
<p><strong>最佳留言</strong></p>
<p>@读者甲：去年在景区扫了一个假码，损失了200元，大家一定要小心。</p>
<p>@读者乙：我们村的小卖部现在也只收扫码了。</p>`
	res := convertHTML(t, page)
	for _, keep := range []string{"研究者指出", "但风险随之而来", "今天，扫码已从支付", "你最常在什么场合扫码",
		"参考资料", "二维码支付的风险与监管", "扫码安全手册", "来源｜新华社", "最佳留言", "@读者甲", "只收扫码了"} {
		if !strings.Contains(res.Markdown, keep) {
			t.Errorf("content lost: %q", keep)
		}
	}
	if len(res.Stripped) > 0 {
		t.Errorf("stripped from an article without promotion: %+v\n%s", res.Stripped, res.Markdown)
	}
}

// Standalone call lines still go, wherever they stand; a call that is not
// call-shaped goes when nothing of the article follows it.
func TestCallLinesStillGo(t *testing.T) {
	page := `<p>（给前端大全加星标，提升前端技能）</p>` + strings.Repeat(para, 3) +
		`<p>点击上方蓝字关注我们</p>` + strings.Repeat(para, 3) +
		`<p>觉得有用的话，点赞 👍 / 在看 👀 / 转发</p>` + strings.Repeat(para, 3) +
		`<p>更多精彩内容，请关注我们</p>`
	res := convertHTML(t, page)
	for _, gone := range []string{"加星标", "点击上方蓝字", "点赞 👍", "更多精彩内容"} {
		if strings.Contains(res.Markdown, gone) {
			t.Errorf("call left: %q\n%s", gone, res.Markdown)
		}
	}
	if n := strings.Count(res.Markdown, "这是正文的一句话"); n != 9 {
		t.Errorf("%d paragraphs of 9 kept", n)
	}
}

// A credit is a credit whatever bar separates its label: ASCII, full
// width, box drawing.
func TestCreditBars(t *testing.T) {
	for _, c := range []string{"来源|新华社", "来源｜新华社", "来源丨新华社", "来源│新华社", "来源︱新华社", "编辑 / 李四", "来源：新华社", "来源:新华社", "来源∣新华社", "来源／新华社"} {
		u := unit{text: c, runes: len([]rune(c))}
		if !isCredit(u) {
			t.Errorf("%q: not a credit", c)
		}
	}
	page := strings.Repeat(para, 6) + `<p>文章最后一句。</p><p>- END -</p><p>来源｜新华社</p><p>商务合作请联系微信：abc_12345</p>`
	res := convertHTML(t, page)
	if !strings.Contains(res.Markdown, "来源｜新华社") {
		t.Errorf("credit lost:\n%s", res.Markdown)
	}
	if strings.Contains(res.Markdown, "abc_12345") {
		t.Errorf("contact left:\n%s", res.Markdown)
	}
}

// --explain lists every removed block of a cut, each with its reason.
func TestExplainListsEachBlock(t *testing.T) {
	page := strings.Repeat(para, 8) + `<p>文章最后一句，到此为止。</p>
<p>另外我组建了实战交流群，99元/人，感兴趣的私信我，备注「龙虾」。</p>
<p>名额有限，先到先得</p>
<p>请联系负责人微信：brand_2024</p>`
	res := convertHTML(t, page)
	want := []string{"另外我组建了实战交流群", "名额有限，先到先得", "请联系负责人微信：brand_2024"}
	if len(res.Stripped) != len(want) {
		t.Fatalf("stripped %d entries, want one per block (%d): %+v", len(res.Stripped), len(want), res.Stripped)
	}
	for _, w := range want {
		found := false
		for _, s := range res.Stripped {
			if strings.HasPrefix(s.Text, w) {
				found = true
				if s.Rule == "promo-segment" && !strings.HasPrefix(s.Reason, "score ") {
					t.Errorf("%+v: a segment cut without its score", s)
				}
			}
		}
		if !found {
			t.Errorf("block %q has no entry of its own: %+v", w, res.Stripped)
		}
	}
}

// A tail rule cuts from its block to the end only when nothing of the
// article follows: "商务合作" in a sentence of the second half is no
// contact line.
func TestTailRuleNeedsTheTailSegment(t *testing.T) {
	page := strings.Repeat(para, 3) + `<p>两家公司去年达成商务合作，今年又扩大了规模。</p>` + strings.Repeat(para, 2) +
		`<p>文章最后一句，到此为止。</p><p>商务合作请联系负责人微信：abc_12345</p>`
	res := convertHTML(t, page)
	if !strings.Contains(res.Markdown, "两家公司去年达成商务合作") || strings.Count(res.Markdown, "这是正文的一句话") != 5 ||
		!strings.Contains(res.Markdown, "文章最后一句") {
		t.Errorf("article cut with a contact rule:\n%s", res.Markdown)
	}
	if strings.Contains(res.Markdown, "abc_12345") {
		t.Errorf("contact left:\n%s", res.Markdown)
	}
}
