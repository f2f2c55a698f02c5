package extractor

import "testing"

// A parameter without a value is a remnant of the page's display parameters
// (claw-2025-shdx-fuxiao-english-teaching.html writes
// "640?wx_fmt=png&amp;from=appmsg&amp;wx_", cut short by its editor): it
// tells the CDN nothing and the Markdown must not carry it.
func TestCleanImageURLEmptyParameters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png&from=appmsg&wx_", "https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png"},
		{"https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png&wx_=&x", "https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png"},
		{"https://mmbiz.qpic.cn/mmbiz_png/a/640?&&wx_fmt=gif&", "https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=gif"},
		{"https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_", "https://mmbiz.qpic.cn/mmbiz_png/a/640"},
		// the real format and other valued parameters stay, in order
		{"https://mmbiz.qpic.cn/mmbiz_jpg/a/0?wx_fmt=jpeg&s=1", "https://mmbiz.qpic.cn/mmbiz_jpg/a/0?wx_fmt=jpeg&s=1"},
		// not the CDN: left as written
		{"https://example.com/a.png?x&y=", "https://example.com/a.png?x&y="},
	}
	for _, tc := range tests {
		if got := cleanImageURL(tc.in); got != tc.want {
			t.Errorf("cleanImageURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
