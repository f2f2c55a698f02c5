package extractor

import (
	"strings"
	"testing"
)

// The account's furniture after the article's end that no phrase names: a
// closing rule with the pictures after it, and the ornaments that end the
// body (see strip_ornament.go). Pictures the article announces, pictures
// that are the article's (more than a closing rule takes), credits and a
// body of nothing but pictures stay.
func TestTailOrnament(t *testing.T) {
	const text = `<p>正文第一段，讲述了一件事情的来龙去脉，文字足够长，让尾部位于正文的后半部分。</p>
<p>正文第二段，作者的结论：无论在哪里，都要保持初心，继续前行。</p>`
	gif := func(id string) string {
		return `<p><img data-ratio="0.55" data-w="639" data-type="gif" data-src="https://mmbiz.qpic.cn/mmbiz_gif/` + id + `/640?wx_fmt=gif"></p>`
	}
	photo := func(id string) string {
		return `<p><img data-ratio="0.75" data-w="640" data-type="jpeg" data-src="https://mmbiz.qpic.cn/mmbiz_jpg/` + id + `/640?wx_fmt=jpeg"></p>`
	}
	tests := []struct {
		name       string
		html       string
		gone, keep []string
	}{
		{"ornament after the last sentence", text + gif("g1") + `<p><br></p>`, []string{"g1"}, []string{"保持初心"}},
		{"ornaments after a picture of the article", text + photo("p1") + gif("g1") + gif("g2"), []string{"g1", "g2"}, []string{"p1"}},
		{"credit after the ornament stays", text + gif("g1") + `<p>编辑：张三</p>`, []string{"g1"}, []string{"编辑：张三"}},
		{"closing rule and the account's picture", text + `<hr>` + photo("qr"), []string{"qr", "---"}, []string{"保持初心"}},
		{"bare closing rule", text + `<hr><p><br></p>`, []string{"---"}, []string{"保持初心"}},
		{"closing rule, credit kept", text + `<hr>` + photo("qr") + `<p>来源：新华社</p>`, []string{"qr", "---"}, []string{"来源：新华社"}},

		{"announced animation stays", text + `<p>运行效果如下：</p>` + gif("g1"), nil, []string{"g1"}},
		{"animation pointed at stays", text + `<p>看看这只猫▼</p>` + gif("g1"), nil, []string{"g1"}},
		{"rule before a photo section stays", text + `<hr>` + photo("p1") + photo("p2") + photo("p3"), nil, []string{"p1", "p2", "p3", "---"}},
		{"rule in the first half stays", `<p>开头</p><hr>` + photo("p1") + `<p>` + strings.Repeat("正文很长的一段文字。", 20) + `</p>`, nil, []string{"p1", "---"}},
		{"a body of animations only stays", gif("g1") + gif("g2"), nil, []string{"g1", "g2"}},
		{"a linked banner is not an ornament", text + `<p><a href="https://example.com/x">` + gif("g1")[3:len(gif("g1"))-4] + `</a></p>`, nil, []string{"g1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := convertHTML(t, `<div id="js_content">`+tc.html+`</div>`)
			for _, s := range tc.gone {
				if strings.Contains(res.Markdown, s) {
					t.Errorf("%q left in:\n%s", s, res.Markdown)
				}
			}
			for _, s := range tc.keep {
				if !strings.Contains(res.Markdown, s) {
					t.Errorf("%q lost from:\n%s", s, res.Markdown)
				}
			}
		})
	}
}

// strip.disable: tail-ornament switches the rule off.
func TestTailOrnamentDisabled(t *testing.T) {
	var rules []Rule
	for _, r := range DefaultRules() {
		if r.Name != "tail-ornament" {
			rules = append(rules, r)
		}
	}
	res := convertHTMLRules(t, `<div id="js_content"><p>正文第一段，讲述了一件事情的来龙去脉。</p><p><img data-type="gif" data-src="https://mmbiz.qpic.cn/mmbiz_gif/g1/640?wx_fmt=gif"></p></div>`, rules)
	if !strings.Contains(res.Markdown, "g1") {
		t.Errorf("ornament cut with the rule off:\n%s", res.Markdown)
	}
}

// A single link to another article ends the body, pointed at by the line
// above it ("问卷调查入口▼▼" in savetruth-2018-jundu-pre-blocks.html): the
// pointer and the link go, as a run of two links would (tail-links). A
// link the article's own sentence introduces stays, and so does a link
// without a pointer.
func TestTailLinkPointedAt(t *testing.T) {
	const text = `<p>正文第一段，讲述了一件事情的来龙去脉，文字足够长，让尾部位于正文的后半部分。</p>
<p><strong>为了希望，自学之路未曾轻言放弃。</strong></p>`
	link := `<p><a href="https://mp.weixin.qq.com/s?__biz=MzUxMTAxODE5NA==&amp;mid=2247487914&amp;idx=1&amp;sn=e254032a&amp;scene=21#wechat_redirect"><strong>【军渡调查】青年军官图鉴</strong></a></p>`
	tests := []struct {
		name       string
		html       string
		gone, keep []string
	}{
		{"pointer and link", text + `<p><strong>问卷调查入口▼▼</strong></p>` + link, []string{"入口", "青年军官图鉴"}, []string{"自学之路"}},
		{"arrows alone", text + `<p>▼</p>` + link, []string{"▼", "青年军官图鉴"}, []string{"自学之路"}},
		{"no pointer", text + link, nil, []string{"青年军官图鉴"}},
		{"a sentence introducing it", text + `<p>这次调查的结果，我们写在了这篇文章里：</p>` + link, nil, []string{"青年军官图鉴", "写在了这篇文章里"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := convertHTML(t, `<div id="js_content">`+tc.html+`</div>`)
			for _, s := range tc.gone {
				if strings.Contains(res.Markdown, s) {
					t.Errorf("%q left in:\n%s", s, res.Markdown)
				}
			}
			for _, s := range tc.keep {
				if !strings.Contains(res.Markdown, s) {
					t.Errorf("%q lost from:\n%s", s, res.Markdown)
				}
			}
		})
	}
}
