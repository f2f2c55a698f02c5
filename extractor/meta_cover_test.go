package extractor

import (
	"strings"
	"testing"
)

// The cover a page's script names gets the allow-list of body images: only
// WeChat's CDN (review item 9).
func TestCoverOnlyFromTheCDN(t *testing.T) {
	page := func(cdn, og string) []byte {
		return []byte(`<html><head><title>t</title><meta property="og:image" content="` + og + `">
<script>var biz = "MzA=", mid = "1", idx = "1";
var msg_cdn_url = "` + cdn + `";</script></head><body><div id="js_article"><h1 id="activity-name">标题</h1>
<div id="js_content"><p>正文。</p></div></div></body></html>`)
	}
	const cdn = "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"
	for _, tt := range []struct{ cdn, og, want string }{
		{cdn, "", cdn},
		{"http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg", "", "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"},
		{"//mmbiz.qpic.cn/mmbiz_jpg/abc/0", "", "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0"},
		{"javascript:alert(1)", "", ""},
		{"http://169.254.169.254/latest/meta-data/", "", ""},
		{"http://127.0.0.1:8080/x.png", "", ""},
		{"data:image/png;base64,iVBORw0KGgo=", "", ""},
		{"https://mmbiz.qpic.cn.evil.example/x.png", "", ""},
		{"https://user@mmbiz.qpic.cn/x.png", "", ""},
		{"https://mmbiz.qpic.cn:8443/x.png", "", ""},
		{"java\tscript:alert(1)", "", ""},
		{"javascript:alert(1)", cdn, cdn}, // a bad script value gives way to a good og:image
		{"", "http://169.254.169.254/", ""},
	} {
		doc, err := Extract(page(tt.cdn, tt.og), Options{})
		if err != nil || doc.Article == nil {
			t.Fatalf("%q: %v", tt.cdn, err)
		}
		if got := doc.Article.Meta.Cover; got != tt.want {
			t.Errorf("msg_cdn_url %q, og:image %q: cover = %q, want %q", tt.cdn, tt.og, got, tt.want)
		}
		if md := string(Render(doc.Article)); tt.want == "" && strings.Contains(md, "cover") {
			t.Errorf("cover in the front matter:\n%s", md)
		}
	}
}
