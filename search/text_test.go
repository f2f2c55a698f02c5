package search

import "testing"

// TestPlainText: what a reader sees of a Markdown body: Markdown escapes
// read as the character ("\|" is "|"), except in code, where a backslash
// is the text's own; no link targets, no image URLs.
func TestPlainText(t *testing.T) {
	for _, c := range []struct{ md, want string }{
		{`初赛赛题解读 \| 10分钟读懂 \*重点\* a\_b`, "初赛赛题解读 | 10分钟读懂 *重点* a_b"},
		{"路径 `C:\\dir\\_x` 原样", `路径 C:\dir\_x 原样`},
		{"见[链接](https://example.com/x) ![图](https://mmbiz.qpic.cn/a.png)", "见链接"},
		{"```\nprintf(\"\\n\");\n```", `printf("\n");`},
		// html-to-markdown writes "<" as "&lt;": the reader sees "<", and
		// a snippet escaped again by html/template must not show "&amp;lt;".
		{`&lt;script\>alert\(1\)&lt;/script\> A&amp;B \&amp; &#20013;&#x6587; &copy;`, "<script>alert(1)</script> A&B &amp; 中文 ©"},
		{"代码 `&lt;b&gt;` 原样", "代码 &lt;b&gt; 原样"},
	} {
		if got := PlainText([]byte(c.md)); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.md, got, c.want)
		}
	}
}

// TestInvisibleFormatCharacters: zero-width joiners and spaces, soft
// hyphens, bidirectional marks are invisible: the extractor drops some of
// them from the text, a query pasted from a page may hold them. Neither
// the text indexed nor a query's terms keep them, so "👨‍👩‍👧" (joined) finds
// the text that shows it, and "soft\u00adware" finds "software".
func TestInvisibleFormatCharacters(t *testing.T) {
	if got := PlainText([]byte("soft\u00adware 👨\u200d👩\u200d👧 a\u200bb \u200e\u202aRTL\u202c")); got != "software 👨👩👧 ab RTL" {
		t.Errorf("PlainText = %q", got)
	}
	if got := Terms("👨\u200d👩\u200d👧 soft\u00adware \ufeff\u2060"); len(got) != 2 || got[0] != "👨👩👧" || got[1] != "software" {
		t.Errorf("Terms = %q", got)
	}
}
