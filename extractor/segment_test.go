package extractor

import (
	"strings"
	"testing"

	"wxarchive/config"
	"wxarchive/model"
)

const para = "<p>这是正文的一句话，讲述文章的主要内容，作者在这里展开论证，并给出自己的看法和依据。</p>"

func TestSegmentCutsTheTailCluster(t *testing.T) {
	// the cluster seen on held-out pages (issue 8): after the last sentence
	// and a source credit, bold slogans, heading-sized taglines, a call to
	// scan or fill a form, a QR image, a pitch to brands, a contact, END
	page := strings.Repeat(para, 8) + `<p>文章最后一句，到此为止。</p><p>来源：某某研究院</p>
<p><strong>创意无限</strong></p><h2>告别低效沟通</h2><h2>无限创意，尽在掌握</h2>
<p>欢迎扫描下方二维码或点击链接填写您的需求</p><p><img data-src="https://mmbiz.qpic.cn/q/640?wx_fmt=png" data-ratio="1"></p>
<p><a href="https://jinshuju.net/f/abc">https://jinshuju.net/f/abc</a></p>
<p>欢迎各大品牌方、媒体、企业和个人等</p><p>请联系负责人微信：brand_2024</p><p>--END--</p>`
	res := convertHTML(t, page)
	for _, gone := range []string{"创意无限", "告别低效沟通", "无限创意", "欢迎扫描下方二维码", "jinshuju", "各大品牌方", "brand_2024", "END", "mmbiz.qpic.cn/q"} {
		if strings.Contains(res.Markdown, gone) {
			t.Errorf("promotion left: %q\n%s", gone, res.Markdown)
		}
	}
	for _, keep := range []string{"文章最后一句，到此为止。", "来源：某某研究院", "这是正文的一句话"} {
		if !strings.Contains(res.Markdown, keep) {
			t.Errorf("content lost: %q\n%s", keep, res.Markdown)
		}
	}
	explained := false
	for _, s := range res.Stripped {
		if s.Reason != "" && strings.HasPrefix(s.Reason, "score ") {
			explained = true
		}
	}
	if !explained {
		t.Errorf("no cut explained with its score: %+v", res.Stripped)
	}
}

func TestSegmentKeepsTheArticle(t *testing.T) {
	for name, page := range map[string]string{
		"question to readers": strings.Repeat(para, 6) + `<p>你在工作中遇到过类似的问题吗？欢迎在评论区聊聊你的看法。</p>`,
		"best comments":       strings.Repeat(para, 6) + `<p><strong>【最佳留言】</strong></p><p>@读者甲：写得真好，我也有同样的经历。</p>`,
		"references":          strings.Repeat(para, 6) + `<p>参考资料：</p><p>[1] 张三，《某某研究》，2020。</p><p>[2] 李四，《某某综述》，2021。</p>`,
		"closing poem":        strings.Repeat(para, 6) + `<p>山高水长</p><p>来日方长</p><p>后会有期</p>`,
		"header ornaments":    `<p><img data-src="https://mmbiz.qpic.cn/h/640?wx_fmt=gif" data-ratio="0.12"></p><p><img data-src="https://mmbiz.qpic.cn/h2/640?wx_fmt=gif" data-ratio="0.1"></p>` + strings.Repeat(para, 6),
		"comic":               strings.Repeat(para, 6) + `<p>关注我们，看更多漫画</p>` + strings.Repeat(`<p><img data-src="https://mmbiz.qpic.cn/c/640?wx_fmt=jpeg" data-ratio="1.6"></p>`, 5),
	} {
		res := convertHTML(t, page)
		for _, keep := range []string{"你在工作中遇到过类似的问题吗", "最佳留言", "写得真好", "参考资料", "《某某综述》", "山高水长", "后会有期"} {
			if strings.Contains(page, keep) && !strings.Contains(res.Markdown, keep) {
				t.Errorf("%s: lost %q\n%s", name, keep, res.Markdown)
			}
		}
		if name == "header ornaments" && strings.Count(res.Markdown, "mmbiz.qpic.cn/h") != 2 {
			t.Errorf("header pictures lost\n%s", res.Markdown)
		}
		if name == "comic" && strings.Count(res.Markdown, "mmbiz.qpic.cn/c/") != 5 {
			t.Errorf("comic: pictures lost\n%s", res.Markdown)
		}
	}
}

func TestSegmentCanBeDisabled(t *testing.T) {
	page := strings.Repeat(para, 6) + `<p>另外我组建了实战交流群，99元/人，感兴趣的私信我，备注「龙虾」。</p>`
	if res := convertHTML(t, page); strings.Contains(res.Markdown, "交流群") {
		t.Fatalf("pitch left:\n%s", res.Markdown)
	}
	rules, err := RulesFromConfig(DefaultRules(), config.Strip{Disable: []string{"promo-segment"}})
	if err != nil {
		t.Fatal(err)
	}
	if res := convertHTMLRules(t, page, rules); !strings.Contains(res.Markdown, "交流群") {
		t.Errorf("strip.disable promo-segment: pitch removed anyway\n%s", res.Markdown)
	}
}

func TestPaidPrefaceAndReprint(t *testing.T) {
	page := `<html><head><title>t</title><script>var biz = "MzA=", mid = "1", idx = "1";
var copyright_stat = "2";
var source_encode_biz = "MzB=";
var source_mid = "7";
var source_idx = "2";
var source_username = "gh_abc";</script></head><body><div id="js_article"><h1 id="activity-name">付费文章</h1>
<div class="original_area_primary"><p class="original_primary_card_tips"><span>以下文章来源于原号</span><span>，作者张三</span></p></div>
<div class="pay__summary"><p>这是免费的序言，读者在付费前就能看到。</p></div><a class="js_pay_btn">付费阅读</a>
<div id="js_content"><p>正文。</p></div></div></body></html>`
	doc, err := Extract([]byte(page), Options{})
	if err != nil || doc.Article == nil {
		t.Fatalf("Extract: %v %+v", err, doc)
	}
	a := doc.Article
	if !a.Meta.Paid || !strings.Contains(a.Body, "这是免费的序言") {
		t.Errorf("paid %v, body:\n%s", a.Meta.Paid, a.Body)
	}
	want := model.Origin{URL: "https://mp.weixin.qq.com/s?__biz=MzB=&mid=7&idx=2", Account: "原号", AccountID: "gh_abc", Author: "张三"}
	if a.Meta.Reprint == nil || *a.Meta.Reprint != want {
		t.Errorf("reprint = %+v, want %+v", a.Meta.Reprint, want)
	}
	if !strings.Contains(a.Body, "以下文章来源于[原号](https://mp.weixin.qq.com/s?__biz=MzB=&mid=7&idx=2)，作者张三") {
		t.Errorf("no source card in body:\n%s", a.Body)
	}
}
