package extractor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yuin/goldmark"

	"wxarchive/config"
	"wxarchive/model"
)

// convertHTML converts the #js_content of an HTML snippet (or the whole
// snippet when it has none) with the default rules.
func convertHTML(t testing.TB, h string) bodyResult {
	t.Helper()
	return convertHTMLRules(t, h, DefaultRules())
}

func convertHTMLRules(t testing.TB, h string, rules []Rule) bodyResult {
	t.Helper()
	if !strings.Contains(h, `id="js_content"`) {
		h = `<div id="js_content">` + h + `</div>`
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	res, err := convertBody(doc.Find("#js_content").First(), rules)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// renderCommonMark renders Markdown to HTML the way a reader's viewer would.
func renderCommonMark(t testing.TB, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestEmphasisRendersInCommonMark(t *testing.T) {
	tests := []struct {
		name    string
		html    string
		want    []string // substrings of the rendered HTML
		notWant []string
	}{
		{"trailing CJK colon moves out",
			`<p><strong>哲学根基：</strong>从柏拉图开始</p>`,
			[]string{"<strong>哲学根基</strong>：从柏拉图开始"}, nil},
		{"adjacent runs merge",
			`<p><strong>机</strong><strong>械可解释性</strong>是热点</p>`,
			[]string{"<strong>机械可解释性</strong>是热点"}, nil},
		{"bold span style",
			`<p><span style="font-size:15px;font-weight: bold;">重点</span>在这里</p>`,
			[]string{"<strong>重点</strong>在这里"}, nil},
		{"font-weight 700 span",
			`<p>前<span style="font-weight:700">中</span>后</p>`,
			[]string{"前<strong>中</strong>后"}, nil},
		{"quotes move out",
			`<p>前文<strong>“引号里”</strong>后文</p>`,
			[]string{"前文“<strong>引号里</strong>”后文"}, nil},
		{"ascii punctuation",
			`<p><strong>Note:</strong>text follows</p>`,
			[]string{"<strong>Note</strong>:text follows"}, nil},
		{"whitespace-only emphasis dropped",
			`<p>甲<strong> </strong>乙<b></b>丙</p>`,
			[]string{"甲 乙丙"}, []string{"<strong>", "*"}},
		{"punctuation-only emphasis dropped",
			`<p>甲<strong>：</strong>乙</p>`,
			[]string{"甲：乙"}, []string{"<strong>", "*"}},
		{"emphasis around only an image dropped",
			`<p><strong><img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png"></strong></p>`,
			[]string{`<img src="https://mmbiz.qpic.cn/a/640?wx_fmt=png"`}, []string{"<strong>", "*"}},
		{"nested strong flattened",
			`<p><strong>外<strong>内</strong>外</strong>。</p>`,
			[]string{"<strong>外内外</strong>。"}, nil},
		{"italic",
			`<p><em>斜体，</em>然后</p>`,
			[]string{"<em>斜体</em>，然后"}, nil},
		{"bold link between letters never leaves stray asterisks",
			`<p>看<strong><a href="https://example.com/x">链接</a></strong>吧</p>`,
			[]string{`<a href="https://example.com/x">`, "链接</"}, []string{"*"}},
		{"bold across a line break",
			`<p><strong>第一行<br>第二行</strong></p>`,
			[]string{"<strong>第一行</strong><br>", "<strong>第二行</strong>"}, []string{"*"}},
		{"heading keeps no inner bold",
			`<h2><strong>标题</strong></h2>`,
			[]string{"<h2>标题</h2>"}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := convertHTML(t, tt.html).Markdown
			got := renderCommonMark(t, md)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("rendered HTML lacks %q\nmarkdown: %q\nhtml: %s", w, md, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("rendered HTML has %q\nmarkdown: %q\nhtml: %s", w, md, got)
				}
			}
		})
	}
}

func TestCanEmphasize(t *testing.T) {
	tests := []struct {
		prev    rune
		content string
		next    rune
		want    bool
	}{
		{0, "哲学根基", '从', true},
		{0, "哲学根基：", '从', false},
		{'看', "[链接](x)", '吧', false},
		{' ', "[链接](x)", ' ', true},
		{'a', " b", 'c', false},
		{'a', "", 'c', false},
	}
	for _, tt := range tests {
		if got := canEmphasize(tt.prev, tt.content, tt.next); got != tt.want {
			t.Errorf("canEmphasize(%q, %q, %q) = %v, want %v", tt.prev, tt.content, tt.next, got, tt.want)
		}
	}
}

func TestCodeBlocks(t *testing.T) {
	tests := []struct {
		name string
		html string
		want string // the whole fenced block
	}{
		{"one code per line with line numbers",
			`<section class="code-snippet__fix code-snippet__js"><ul class="code-snippet__line-index code-snippet__js"><li></li><li></li><li></li></ul>` +
				`<pre class="code-snippet__js" data-lang="javascript"><code><span class="code-snippet__keyword">let</span> a = 1;</code><code></code><code>&nbsp; &nbsp;if (a) {</code><code>&nbsp; &nbsp; &nbsp; &nbsp;return a * 2;</code><code>&nbsp; &nbsp;}</code></pre></section>`,
			"```javascript\nlet a = 1;\n\n   if (a) {\n       return a * 2;\n   }\n```"},
		{"br lines",
			`<pre><code class="language-go"><span>func main() {</span><br><span>&nbsp; &nbsp; fmt.Println("hi")</span><br><span>}</span></code></pre>`,
			"```go\nfunc main() {\n    fmt.Println(\"hi\")\n}\n```"},
		{"list of paragraphs in pre",
			`<pre><ol><li><p><code>a := 1</code></p></li><li><p><code>b := 2</code></p></li></ol></pre>`,
			"```\na := 1\nb := 2\n```"},
		{"backticks in code get a longer fence",
			"<pre><code>x := `raw`<br>```<br>y</code></pre>",
			"````\nx := `raw`\n```\ny\n````"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := convertHTML(t, tt.html).Markdown
			if !strings.Contains(md, tt.want) {
				t.Errorf("got\n%s\nwant block\n%s", md, tt.want)
			}
		})
	}
}

func TestLayoutPreIsProse(t *testing.T) {
	// cut from savetruth-2018-jundu-pre-blocks.html: a <pre> used for layout.
	md := convertHTML(t, `<pre><pre><span>▼<strong>今日正文</strong>▼</span></pre></pre><p>正文。</p>`).Markdown
	if strings.Contains(md, "```") || !strings.Contains(md, "**今日正文**") {
		t.Errorf("layout pre: got %q", md)
	}
}

func TestEmbeds(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"mpvoice", `<mpvoice voice_encode_fileid="MzIy_28" name="体制内的人"></mpvoice>`,
			"[音频：体制内的人](https://res.wx.qq.com/voice/getvoice?mediaid=MzIy_28)"},
		{"qqmusic", `<qqmusic mid="004Sly" music_name="理想" singer="赵雷"></qqmusic>`,
			"[音乐：理想 - 赵雷](https://y.qq.com/n/ryqq/songDetail/004Sly)"},
		{"v.qq.com iframe", `<iframe class="video_iframe" data-src="https://v.qq.com/iframe/player.html?vid=m13264nl5wu&amp;width=670&amp;auto=0" src="local_files/player.htm"></iframe>`,
			"[视频](https://v.qq.com/x/page/m13264nl5wu.html)"},
		{"mp video iframe", `<iframe class="video_iframe rich_pages" data-src="https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl&amp;action=mpvideo&amp;vid=wxv_438" data-mpvid="wxv_438"></iframe>`,
			"[视频](https://mp.weixin.qq.com/mp/readtemplate?t=pages%2Fvideo_player_tmpl&vid=wxv_438)"},
		{"mpvideo", `<mpvideo data-mpvid="wxv_9" data-desc="发布会"></mpvideo>`,
			"[视频：发布会](https://mp.weixin.qq.com/mp/readtemplate?t=pages%2Fvideo_player_tmpl&vid=wxv_9)"},
		{"mini-program", `<mp-miniprogram data-miniprogram-appid="wx1" data-miniprogram-nickname="多多购物吧" data-miniprogram-title="省钱有套路"></mp-miniprogram>`,
			"【小程序：多多购物吧 · 省钱有套路】"},
		{"audio without id", `<mpvoice name="早安"></mpvoice>`, "【音频：早安】"},
		{"dead links keep their text", `<p><a href="javascript:void(0);" data-miniprogram-appid="wx1">小程序文字链</a> <a href="#top">回顶部</a></p>`, "小程序文字链 回顶部"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := convertHTML(t, "<p>前文。</p>"+tt.html+"<p>后文。</p>").Markdown
			if !strings.Contains(md, tt.want+"\n") {
				t.Errorf("got\n%s\nwant line %s", md, tt.want)
			}
		})
	}
}

func TestImages(t *testing.T) {
	res := convertHTML(t, `<p><img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png" src="data:image/gif;base64,AAAA" alt="图片"></p>`+
		`<p><img src="https://mmbiz.qpic.cn/b/640?wx_fmt=jpeg" alt="架构图"></p>`+
		`<p><img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png"></p>`+
		`<p><img src="https://example.com/pixel.gif" width="1" height="1"></p>`+
		`<p><img src="data:image/png;base64,AAAA"></p><p><img src="./local_files/x.png"></p>`)
	want := "![](https://mmbiz.qpic.cn/a/640?wx_fmt=png)\n\n![架构图](https://mmbiz.qpic.cn/b/640?wx_fmt=jpeg)\n\n![](https://mmbiz.qpic.cn/a/640?wx_fmt=png)\n"
	if res.Markdown != want {
		t.Errorf("markdown\n%q\nwant\n%q", res.Markdown, want)
	}
	if got := strings.Join(res.Images, " "); got != "https://mmbiz.qpic.cn/a/640?wx_fmt=png https://mmbiz.qpic.cn/b/640?wx_fmt=jpeg" {
		t.Errorf("images = %v", res.Images)
	}
}

func TestStripping(t *testing.T) {
	long := strings.Repeat("这是正文的一句话，讲述文章的主要内容。", 6)
	tests := []struct {
		name      string
		html      string
		rules     []string // stripped rule names, in order
		keep      []string // must stay in the Markdown
		drop      []string // must be gone
		linkCount int
	}{
		{"follow card",
			`<p>` + long + `</p><section class="mp_profile_iframe_wrp"><mp-common-profile data-nickname="轩辕的编程宇宙"></mp-common-profile></section><p>` + long + `</p>`,
			[]string{"follow-card"}, []string{"这是正文"}, nil, 0},
		{"keyword inside a body sentence stays",
			`<p>我们在推荐阅读这件事上花了很多心思，关注公众号的人都知道这一点，点赞和在看也是一种反馈，这是正文，不是推广。</p><p>` + long + `</p>`,
			nil, []string{"我们在推荐阅读这件事上"}, nil, 0},
		{"short follow call at the top",
			`<p>关注「前端大全」加星标，提升前端技能</p><p>` + long + `</p>`,
			[]string{"follow-call"}, []string{"这是正文"}, []string{"前端大全"}, 0},
		{"QR image with caption",
			`<p>` + long + `</p><p><img data-src="https://mmbiz.qpic.cn/qr/0?wx_fmt=jpeg" data-ratio="1"></p><p>长按识别二维码关注</p>`,
			[]string{"qr-code"}, []string{"这是正文"}, []string{"mmbiz.qpic.cn/qr", "长按"}, 0},
		{"wide image next to a QR caption stays",
			`<p>` + long + `</p><p><img data-src="https://mmbiz.qpic.cn/photo/0?wx_fmt=jpeg" data-ratio="0.56"></p><p>扫码关注</p>`,
			[]string{"follow-call"}, []string{"mmbiz.qpic.cn/photo"}, []string{"扫码关注"}, 0},
		{"END marker cuts the tail, credits stay",
			`<p>` + long + `</p><p>- END -</p><p>撰稿：某某</p><p><img data-src="https://mmbiz.qpic.cn/ad/0"></p>`,
			[]string{"end-marker"}, []string{"这是正文", "撰稿：某某"}, []string{"END", "mmbiz.qpic.cn/ad"}, 0},
		{"END near the top does not",
			`<p>END</p><p>` + long + long + long + long + long + long + `</p>`,
			nil, []string{"END", "这是正文"}, nil, 0},
		{"references after the end marker stay",
			`<p>` + long + `</p><p>（完）</p><p>References</p><p>[1] 开源：https://github.com/ruanyf/weekly</p>`,
			[]string{"end-marker"}, []string{"References", "ruanyf"}, []string{"（完）"}, 0},
		{"tail list of articles",
			`<p>` + long + `</p><p><strong>往期推荐</strong></p><p><a href="https://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=1&amp;idx=1&amp;sn=a">一个神奇的网站</a></p><p><a href="https://mp.weixin.qq.com/s/abcDEF">另一篇</a></p>`,
			[]string{"tail-list"}, []string{"这是正文"}, []string{"往期推荐", "神奇"}, 2},
		{"tail list heading carrying its link",
			`<p>` + long + `</p><p><strong>推荐阅读</strong>：<a href="http://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=2&amp;idx=1&amp;sn=b">绥德交警</a></p>`,
			[]string{"tail-list"}, nil, []string{"推荐阅读", "绥德交警"}, 1},
		{"article links inside the body stay",
			`<p>上一篇文章<a href="https://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=3&amp;idx=1&amp;sn=c">《账单降了 72%》</a>讲了省钱。</p><p>` + long + `</p>`,
			nil, []string{"[《账单降了 72%》](https://mp.weixin.qq.com/s?"}, nil, 1},
		{"external links stay",
			`<p>` + long + `</p><p>代码在 <a href="https://github.com/x/y">GitHub</a> 上。</p>`,
			nil, []string{"[GitHub](https://github.com/x/y)"}, nil, 0},
		{"trailing run of article links without heading",
			`<p>` + long + `</p><p><a href="https://mp.weixin.qq.com/s/a1">第一篇</a></p><p><a href="https://mp.weixin.qq.com/s/a2">第二篇</a></p>`,
			[]string{"tail-links"}, []string{"这是正文"}, []string{"第一篇", "第二篇"}, 2},
		{"contact block in the tail",
			`<p>` + long + `</p><p>商务合作请联系负责人微信：abc</p><p>微信号：abc</p>`,
			[]string{"contact"}, []string{"这是正文"}, []string{"商务合作", "微信号"}, 0},
		{"share call",
			`<p>` + long + `</p><p>觉得有用的话，点赞 👍 / 在看 👀 / 转发</p>`,
			[]string{"share-call"}, []string{"这是正文"}, []string{"点赞"}, 0},
		{"ad marker with the image it labels",
			`<p>` + long + `</p><p>广告</p><p><img data-src="https://mmbiz.qpic.cn/ad1/0?wx_fmt=jpeg" data-ratio="0.45"></p><p>` + long + `</p>`,
			[]string{"ad-marker"}, []string{"这是正文"}, []string{"广告", "mmbiz.qpic.cn/ad1"}, 0},
		{"a heading named 广告 over text stays",
			`<p>` + long + `</p><h2>广告</h2><p>广告是这门生意的核心，下面讲讲它是怎么运作的。</p>`,
			nil, []string{"## 广告", "广告是这门生意"}, nil, 0},
		{"ad call with the mini program after it",
			`<p>` + long + `</p><p><strong>PS：支持小槽，就摸一下今天的第二条广告呗，一下就好……</strong></p>` +
				`<p><mp-miniprogram data-miniprogram-appid="wx1" data-miniprogram-nickname="多多购物吧" data-miniprogram-title="省钱有套路"></mp-miniprogram></p>`,
			[]string{"ad-call"}, []string{"这是正文"}, []string{"PS", "小程序"}, 0},
		{"a sentence about ads in the tail stays",
			`<p>` + long + `</p><p>我们支持这条广告的创意，也欢迎读者点评。</p><p>` + long + `</p>`,
			nil, []string{"我们支持这条广告"}, nil, 0},
		{"footer above a contact block goes with it",
			`<p>` + long + `</p><p><img data-src="https://mmbiz.qpic.cn/mmbiz_gif/logo/0?wx_fmt=gif" data-ratio="0.75"></p>` +
				`<p>摆渡人的最高境界就是感同身受</p><p>Powered by <strong>军渡</strong></p><p>投稿邮箱： dax163@126.com</p>`,
			[]string{"contact"}, []string{"这是正文"}, []string{"摆渡人", "Powered", "mmbiz_gif"}, 0},
		{"short last lines above a contact block stay without furniture above them",
			`<p>` + long + `</p><p>谢谢大家</p><p>投稿邮箱： dax163@126.com</p>`,
			[]string{"contact"}, []string{"这是正文", "谢谢大家"}, []string{"投稿"}, 0},
		{"signature footer",
			`<p>` + long + `</p><p>Powered by <strong>军渡</strong></p>`,
			[]string{"signature"}, []string{"这是正文"}, []string{"Powered"}, 0},
		{"powered by inside a sentence stays",
			`<p>` + long + `</p><p>This site is powered by Hugo, 这是正文的最后一句话。</p>`,
			nil, []string{"powered by Hugo"}, nil, 0},
		{"QR image with the slogan between it and its caption",
			`<p>` + long + `</p><p>微信：lglicai</p><p><img data-src="https://mmbiz.qpic.cn/q2/0?wx_fmt=jpeg" data-ratio="1"></p>` +
				`<p>简单 好玩 有干货的</p><p>理财万宝全书</p><p>长按二维码关注</p><p>版权声明：本文版权属于作者，未经授权不得转载。</p>`,
			[]string{"qr-code"}, []string{"这是正文", "版权声明"}, []string{"lglicai", "q2/0", "干货", "万宝", "长按"}, 0},
		{"WeChat ID in a sentence stays",
			`<p>` + long + `</p><p>作者的微信：他说自己从不加陌生人，所以别问了。</p><p><img data-src="https://mmbiz.qpic.cn/photo2/0?wx_fmt=jpeg" data-ratio="1"></p>`,
			nil, []string{"作者的微信", "photo2"}, nil, 0},
		{"wide QR banner a call points at",
			`<p>` + long + `</p><p>请关注</p><p>↓↓↓↓</p><p><img data-src="https://mmbiz.qpic.cn/banner2/0?wx_fmt=jpeg" data-ratio="0.38"></p>`,
			[]string{"qr-code"}, []string{"这是正文"}, []string{"请关注", "↓", "banner2"}, 0},
		{"wide image under an arrow in the first half stays",
			`<p>请关注</p><p>↓↓↓↓</p><p><img data-src="https://mmbiz.qpic.cn/photo3/0?wx_fmt=jpeg" data-ratio="0.38"></p><p>` + long + `</p>`,
			[]string{"follow-call"}, []string{"photo3", "这是正文"}, []string{"请关注"}, 0},
		{"tail list with a title above each linked cover",
			`<p>` + long + `</p><p><strong>推荐阅读</strong></p><h2>是谁制造了国旗门？</h2>` +
				`<p><a href="https://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=5&amp;idx=1&amp;sn=e"><img data-src="https://mmbiz.qpic.cn/cover5/0?wx_fmt=jpeg" data-ratio="0.55"></a></p>`,
			[]string{"tail-list"}, []string{"这是正文"}, []string{"推荐阅读", "国旗门", "cover5"}, 1},
		{"a heading above an ordinary paragraph in the tail stays",
			`<p>` + long + `</p><p><strong>推荐阅读</strong></p><h2>三本好书</h2><p>第一本是《三体》，第二本是《活着》，第三本是《围城》，都值得一读。</p>`,
			nil, []string{"推荐阅读", "三本好书", "三体"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := convertHTML(t, tt.html)
			var names []string
			for _, s := range res.Stripped {
				if len(names) == 0 || names[len(names)-1] != s.Rule {
					names = append(names, s.Rule) // a cut lists each block it took
				}
				if s.Text == "" {
					t.Errorf("stripped block %s has no text", s.Rule)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.rules, ",") {
				t.Errorf("stripped %v, want %v", res.Stripped, tt.rules)
			}
			for _, k := range tt.keep {
				if !strings.Contains(res.Markdown, k) {
					t.Errorf("lost %q:\n%s", k, res.Markdown)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(res.Markdown, d) {
					t.Errorf("kept %q:\n%s", d, res.Markdown)
				}
			}
			if len(res.Links) != tt.linkCount {
				t.Errorf("links = %v, want %d", res.Links, tt.linkCount)
			}
			checkHygiene(t, res.Markdown)
		})
	}
}

// TestFollowPitch checks the rule that needs the account's name, which
// convertBody reads from the page around the body.
func TestFollowPitch(t *testing.T) {
	long := strings.Repeat("这是正文的一句话，讲述文章的主要内容。", 6)
	page := func(account, body string) string {
		return `<div class="profile"><strong class="profile_nickname">` + account + `</strong></div><div id="js_content">` + body + `</div>`
	}
	pitch := `<p><img data-src="https://mmbiz.qpic.cn/icon/0" data-w="22" data-ratio="0.45"></p>` +
		`<p><strong>关注军渡，你会获得以下帮助：运营小伙伴们无私的经验分享、最新政策解读。</strong></p>` +
		`<p>希望更多的人分享你们的军旅故事，你来说我们听！</p>`
	tests := []struct {
		name  string
		html  string
		rules []string
		keep  []string
		drop  []string
	}{
		{"pitch naming the account", page("军渡", `<p>`+long+`</p>`+pitch),
			[]string{"follow-pitch"}, []string{"这是正文"}, []string{"关注军渡", "军旅故事", "icon/0"}},
		{"pitch for another account stays", page("槽逻辑", `<p>`+long+`</p>`+pitch),
			nil, []string{"关注军渡", "军旅故事"}, nil},
		{"no account name, no pitch", `<div id="js_content"><p>` + long + `</p>` + pitch + `</div>`,
			nil, []string{"关注军渡"}, nil},
		{"pitch in the first half stays", page("军渡", pitch+`<p>`+long+long+`</p>`),
			nil, []string{"关注军渡", "这是正文"}, nil},
		{"a sentence naming the account stays", page("军渡", `<p>`+long+`</p><p>我关注军渡很久了，它讲的转业故事很真实，这是正文。</p>`),
			nil, []string{"我关注军渡很久了"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := convertHTML(t, tt.html)
			var names []string
			for _, s := range res.Stripped {
				if len(names) == 0 || names[len(names)-1] != s.Rule {
					names = append(names, s.Rule) // a cut lists each block it took
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.rules, ",") {
				t.Errorf("stripped %v, want %v", res.Stripped, tt.rules)
			}
			for _, k := range tt.keep {
				if !strings.Contains(res.Markdown, k) {
					t.Errorf("lost %q:\n%s", k, res.Markdown)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(res.Markdown, d) {
					t.Errorf("kept %q:\n%s", d, res.Markdown)
				}
			}
		})
	}
}

func TestLinksInDocumentOrder(t *testing.T) {
	res := convertHTML(t, `<p>见<a href="https://mp.weixin.qq.com/s/first">第一篇</a>与<a href="https://example.com">外链</a></p>`+
		`<p>`+strings.Repeat("正文内容很长。", 30)+`</p><p>往期推荐</p><p><a href="https://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=9&amp;idx=2&amp;sn=z">第二篇</a></p>`)
	if len(res.Links) != 2 || res.Links[0].URL != "https://mp.weixin.qq.com/s/first" || res.Links[0].Title != "第一篇" ||
		res.Links[1].URL != "https://mp.weixin.qq.com/s?__biz=MzA=&mid=9&idx=2&sn=z" || res.Links[1].Title != "第二篇" {
		t.Errorf("links = %+v", res.Links)
	}
}

func TestRulesFromConfig(t *testing.T) {
	base := DefaultRules()
	tests := []struct {
		name    string
		strip   config.Strip
		errRule string // "" means no error
	}{
		{"nothing", config.Strip{}, ""},
		{"disable", config.Strip{Disable: []string{"share-call", "end-marker"}}, ""},
		{"unknown disable", config.Strip{Disable: []string{"no-such"}}, "no-such"},
		{"bad pattern", config.Strip{Rules: []config.StripRule{{Name: "mine", Pattern: "(["}}}, "mine"},
		{"bad selector", config.Strip{Rules: []config.StripRule{{Name: "sel", Selector: "div[["}}}, "sel"},
		{"bad position", config.Strip{Rules: []config.StripRule{{Name: "pos", Pattern: "x", Position: "middle"}}}, "pos"},
		{"tail selector", config.Strip{Rules: []config.StripRule{{Name: "tailsel", Selector: "p", Position: "tail"}}}, "tailsel"},
		{"empty rule", config.Strip{Rules: []config.StripRule{{Name: "empty"}}}, "empty"},
		{"duplicate name", config.Strip{Rules: []config.StripRule{{Name: "qr-code", Pattern: "x"}}}, "qr-code"},
		{"user rules", config.Strip{Rules: []config.StripRule{{Name: "ads", Selector: "section.ad"}, {Name: "sponsor", Pattern: "^本文由.*赞助$", Position: "tail"}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := RulesFromConfig(base, tt.strip)
			if tt.errRule == "" {
				if err != nil {
					t.Fatal(err)
				}
				if want := len(base) - len(tt.strip.Disable) + len(tt.strip.Rules); len(rules) != want {
					t.Errorf("%d rules, want %d", len(rules), want)
				}
				return
			}
			var re *RuleError
			if !errors.As(err, &re) || re.Rule != tt.errRule || !strings.Contains(err.Error(), tt.errRule) {
				t.Errorf("err = %v, want a RuleError naming %q", err, tt.errRule)
			}
		})
	}
}

func TestUserRulesApply(t *testing.T) {
	rules, err := RulesFromConfig(DefaultRules(), config.Strip{
		Disable: []string{"end-marker"},
		Rules: []config.StripRule{
			{Name: "ad-section", Selector: "section.ad"},
			{Name: "sponsor", Pattern: "^本文由.{1,20}赞助", Position: "tail"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("正文内容。", 40)
	res := convertHTMLRules(t, `<section class="ad"><p>买买买</p></section><p>`+long+`</p><p>END</p><p>本文由某公司赞助</p><p>赞助商介绍</p>`, rules)
	if strings.Contains(res.Markdown, "买买买") || strings.Contains(res.Markdown, "赞助") || !strings.Contains(res.Markdown, "END") {
		t.Errorf("markdown:\n%s", res.Markdown)
	}
	// the sponsor rule cuts from its block to the end: one entry per block
	if len(res.Stripped) != 3 || res.Stripped[0].Rule != "ad-section" || res.Stripped[1].Rule != "sponsor" ||
		res.Stripped[2] != (model.StrippedBlock{Rule: "sponsor", Text: "赞助商介绍"}) {
		t.Errorf("stripped = %v", res.Stripped)
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a\u00a0b\u200b\u200c\u200d\ufeff\u2060c  ", "a bc"},
		{"e\u0301", "\u00e9"}, // NFC
		{"\u00a0\u00a0", ""},
	}
	for _, tt := range tests {
		if got := normalizeText(tt.in); got != tt.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextHygiene(t *testing.T) {
	res := convertHTML(t, "<p>甲\u200b乙&nbsp;丙   </p><p><br></p><p><br></p><p></p>"+
		"<section><p>丁<br>戊<br></p></section><p>a -&gt; b &lt;c&gt; x&lt;3</p>"+
		`<p><a href="https://example.com"></a><a href="">空</a></p><script>alert(1)</script>`)
	want := "甲乙 丙\n\n丁\\\n戊\n\na -> b &lt;c> x<3\n\n空\n"
	if res.Markdown != want {
		t.Errorf("got\n%q\nwant\n%q", res.Markdown, want)
	}
	checkHygiene(t, res.Markdown)
}

func TestDeterministic(t *testing.T) {
	h, err := os.ReadFile(filepath.Join("testdata", "body", "tail-promo.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := convertHTML(t, string(h)), convertHTML(t, string(h))
	if a.Markdown != b.Markdown || len(a.Stripped) != len(b.Stripped) {
		t.Error("two conversions differ")
	}
}

// TestBodyGolden converts the snippets in testdata/body (cut from real
// pages, sources noted in each) and compares with the .md golden files;
// -update rewrites them.
func TestBodyGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "body", "*.html"))
	if len(files) == 0 {
		t.Fatal("no snippets")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			h, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := convertHTML(t, string(h))
			checkHygiene(t, res.Markdown)
			got := goldenText(res)
			golden := strings.TrimSuffix(f, ".html") + ".md"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from golden:\n%s", f, got)
			}
		})
	}
}

// goldenText is the Markdown followed by the audit, as HTML comments.
func goldenText(res bodyResult) string {
	var b strings.Builder
	b.WriteString(res.Markdown)
	for _, s := range res.Stripped {
		b.WriteString("<!-- stripped " + s.Rule + ": " + s.Text + " -->\n")
	}
	for _, l := range res.Links {
		b.WriteString("<!-- link " + l.URL + " " + l.Title + " -->\n")
	}
	for _, i := range res.Images {
		b.WriteString("<!-- image " + i + " -->\n")
	}
	return b.String()
}

func BenchmarkConvertBody(b *testing.B) {
	var bodies []string
	for _, name := range []string{"tail-promo.html", "code-br.html", "mpvoice.html"} {
		h, err := os.ReadFile(filepath.Join("testdata", "body", name))
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, string(h))
	}
	if raw, err := os.ReadFile(filepath.Join(sharedFixtures, "openclaw-2026-linyuebanzi-ai-agents.html")); err == nil {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		h, _ := goquery.OuterHtml(doc.Find("#js_content"))
		bodies = append(bodies, h)
	}
	var size int
	for _, h := range bodies {
		size += len(h)
	}
	rules := DefaultRules()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		docs := make([]*goquery.Selection, len(bodies))
		for i, h := range bodies {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(h))
			if err != nil {
				b.Fatal(err)
			}
			docs[i] = doc.Find("#js_content").First()
		}
		b.StartTimer()
		for _, d := range docs {
			if _, err := convertBody(d, rules); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestStructure(t *testing.T) {
	md := convertHTML(t, `<h2>小标题</h2><section><p>段落一</p></section><ul><li>甲</li><li>乙</li></ul><ol><li>一</li><li>二</li></ol>`+
		`<blockquote><p>引用</p></blockquote><table><tr><th>名</th><th>值</th></tr><tr><td>a</td><td>1</td></tr></table><hr><p>尾</p>`).Markdown
	got := renderCommonMark(t, md)
	for _, w := range []string{"<h2>小标题</h2>", "<p>段落一</p>", "<li>甲</li>", "<ol>", "<blockquote>", "|", "<hr>", "<p>尾</p>"} {
		if !strings.Contains(got, w) && !strings.Contains(md, w) {
			t.Errorf("lacks %q\nmarkdown:\n%s\nhtml:\n%s", w, md, got)
		}
	}
	if !strings.Contains(md, "| 名 | 值 |") || !strings.Contains(md, "| a | 1 |") {
		t.Errorf("table not converted:\n%s", md)
	}
}

func TestMayBeFloat(t *testing.T) {
	for _, s := range []string{"", "0", ".5", "-1", "+2", "1e-3", "0x1p-2", "inf", "-Inf", "Infinity", "NaN", "nan",
		"normal", "bold", "auto", "inherit", "initial", "none", "e5", "_1", "1_0", "in", "na", " 1"} {
		_, err := strconv.ParseFloat(s, 64)
		if err == nil && !mayBeFloat(s) {
			t.Errorf("mayBeFloat(%q) = false, but ParseFloat accepts it", s)
		}
	}
}

func FuzzMayBeFloat(f *testing.F) {
	f.Add("1.5")
	f.Add("normal")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := strconv.ParseFloat(s, 64); err == nil && !mayBeFloat(s) {
			t.Fatalf("mayBeFloat(%q) = false, but ParseFloat accepts it", s)
		}
	})
}
