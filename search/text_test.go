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
	} {
		if got := PlainText([]byte(c.md)); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.md, got, c.want)
		}
	}
}
