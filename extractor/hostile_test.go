package extractor

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"wxarchive/internal/dataurl"
	"wxarchive/model"
)

// Issue 10 §9: a hostile title stays text in the "# " heading.
func TestTitleEscapedInHeading(t *testing.T) {
	for _, title := range []string{
		"[x](javascript:alert(1))", "![x](http://169.254.169.254/latest)", "<script>alert(1)</script>",
		"**bold** _it_ `code`", "a &amp; b &#x3C;", "C# and F#", "title ##", "| a | b |", "<https://evil.example/>",
	} {
		out := Render(&model.Article{Meta: model.Meta{Title: title}})
		html := string(renderGFM(t, withoutFrontMatter(out)))
		for _, bad := range []string{"<a ", "<img", "<strong", "<em", "<code", "<script", "<table"} {
			if strings.Contains(html, bad) {
				t.Errorf("title %q renders %s:\n%s", title, bad, html)
			}
		}
		if got := readerText(t, withoutFrontMatter(out)); got != squash(title) {
			t.Errorf("title %q reads %q", title, got)
		}
	}
}

// Issue 10 §10: links keep only http, https and mailto targets.
func TestLinkSchemesAllowList(t *testing.T) {
	page := `<p><a href="javascript:alert(1)">js</a> <a href="java&#9;script:alert(1)">tab</a>
<a href=" JavaScript:alert(1)">space</a> <a href="weixin://dl/business">wx</a> <a href="data:text/html,x">data</a>
<a href="vbscript:x">vb</a> <a href="file:///etc/passwd">file</a> <a href="/relative/path">rel</a>
<a href="//example.com/x">proto</a> <a href="mailto:a@example.com">mail</a> <a href="HTTPS://example.com/ok">ok</a>
<a href="ja\vascript:x">bs</a> <a href="java&#10;script:x">nl</a></p>`
	md := convertHTML(t, page).Markdown
	for _, bad := range []string{"javascript", "JavaScript", "weixin:", "data:", "vbscript", "file:", "/relative", "java\tscript", "script:"} {
		if strings.Contains(md, bad) {
			t.Errorf("link %q kept:\n%s", bad, md)
		}
	}
	for _, good := range []string{"](https://example.com/x)", "](mailto:a@example.com)", "](https://example.com/ok)", "wx", "js", "rel"} {
		if !strings.Contains(md, good) {
			t.Errorf("want %q in:\n%s", good, md)
		}
	}
}

// Issue 10 §11: only WeChat's CDN and inline data: images are images; an
// inline image is named by its content (review item 8), never carried.
func TestOnlyCDNImagesAreImages(t *testing.T) {
	png := "data:image/png;base64," + strings.Repeat("iVBORw0KGgo", 40)
	page := `<p><img data-src="https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png&amp;wxfrom=5&amp;wx_lazy=1&amp;tp=webp#imgIndex=3"></p>
<p><img src="http://169.254.169.254/latest/meta-data" alt="internal"></p>
<p><img src="https://tracker.example/pixel.gif?id=1" data-w="300"></p>
<p><img src="` + png + `"></p>
<p><img src="data:image/svg+xml;base64,` + strings.Repeat("PHN2Zz4", 60) + `"></p>
<p><img class="we-emoji" alt="[微笑]" src="https://res.wx.qq.com/mpres/htmledition/images/icon/emotion/0.gif"></p>`
	res := convertHTML(t, page)
	raw, err := dataurl.Decode(png)
	if err != nil {
		t.Fatal(err)
	}
	ref := dataurl.Ref(raw) // the inline image, named by its content
	want := []string{"https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png", ref}
	if !reflect.DeepEqual(res.Images, want) {
		t.Errorf("Images = %q, want %q", res.Images, want)
	}
	for _, s := range []string{"[internal](http://169.254.169.254/latest/meta-data)", "[图片](https://tracker.example/pixel.gif?id=1)", "[微笑]", "![](" + ref + ")"} {
		if !strings.Contains(res.Markdown, s) {
			t.Errorf("want %q in:\n%s", s, res.Markdown)
		}
	}
	for _, s := range []string{"![](http", "svg", "wxfrom", "imgIndex", "![internal]", "data:image", "base64"} {
		if strings.Contains(res.Markdown, s) && !strings.HasPrefix(s, "![](http") || strings.Contains(res.Markdown, "![](http://") {
			t.Errorf("unwanted %q in:\n%s", s, res.Markdown)
		}
	}
}

// Issue 10 §12: no placeholder a title can collide with; invalid UTF-8
// repaired, never !!binary.
func TestFrontMatterHostileValues(t *testing.T) {
	for _, title := range []string{
		"WXARCHIVE-ESCAPED-0", `"WXARCHIVE-ESCAPED-0"`, "WXARCHIVE-ESCAPED-1 <x>", "<x> WXARCHIVE-ESCAPED-0 🌏",
		"a\xffb\xfe", "\xc3", "line1\nline2 <b>", "trailing space \nx", "---", "key: value", "- item", "'quoted'",
	} {
		a := &model.Article{Meta: model.Meta{Title: title, Author: "<a>", Description: title + " 🌏",
			Tags: []string{title, "WXARCHIVE-ESCAPED-0"}, Related: []model.Related{{URL: "https://mp.weixin.qq.com/s/x", Title: title}}}}
		out := Render(a)
		if !utf8.Valid(out) || bytes.Contains(out, []byte("!!binary")) {
			t.Fatalf("title %q: invalid UTF-8 or !!binary:\n%q", title, out)
		}
		m, _, err := ParseFrontMatter(out)
		if err != nil {
			t.Fatalf("title %q: %v\n%s", title, err, out)
		}
		want := strings.ToValidUTF8(title, "\uFFFD")
		if m.Title != want || m.Author != "<a>" || m.Tags[0] != want || m.Tags[1] != "WXARCHIVE-ESCAPED-0" || m.Related[0].Title != want || m.Description != want+" 🌏" {
			t.Errorf("title %q: read back %+v", title, m)
		}
		if bytes.Contains(out, []byte("<")) {
			t.Errorf("title %q: raw < in the file:\n%s", title, out)
		}
	}
}

// Issue 11: old stored versions read with the new names, same fields.
func TestFrontMatterOldNames(t *testing.T) {
	old := "---\ntitle: T\nurl: https://mp.weixin.qq.com/s?__biz=MzA%3D&mid=1&idx=1\nsource_url: https://example.com/a\ntype: picture\nrelated:\n  - url: https://mp.weixin.qq.com/s/x\n    title: R\nreprint:\n  url: https://mp.weixin.qq.com/s/y\n---\n\n# T\n\nbody\n"
	m, body, err := ParseFrontMatter([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	want := model.Meta{Title: "T", URL: "https://mp.weixin.qq.com/s?__biz=MzA%3D&mid=1&idx=1", SourceURL: "https://example.com/a", Type: "picture",
		Related: []model.Related{{URL: "https://mp.weixin.qq.com/s/x", Title: "R"}}, Reprint: &model.Origin{URL: "https://mp.weixin.qq.com/s/y"}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("old names read as\n%+v\nwant\n%+v", m, want)
	}
	if string(body) != "# T\n\nbody\n" {
		t.Errorf("body = %q", body)
	}
	// the same article written now: no field differs
	now := Render(&model.Article{Meta: want, Body: "body"})
	for _, k := range []string{"\nsource: ", "\nread_original: ", "\nformat: picture", "\n  - url: ", "\n  url: "} {
		if !bytes.Contains(now, []byte(k)) {
			t.Errorf("new front matter lacks %q:\n%s", k, now)
		}
	}
	for _, k := range []string{"\nurl:", "\nsource_url:", "\ntype:"} {
		if bytes.Contains(now, []byte(k)) {
			t.Errorf("new front matter has old key %q:\n%s", k, now)
		}
	}
	m2, _, err := ParseFrontMatter(now)
	if err != nil || !reflect.DeepEqual(m2, m) {
		t.Errorf("old and new differ: %+v vs %+v (%v)", m, m2, err)
	}
	// both names present: the new one wins
	var both model.Meta
	if _, _, err := ParseFrontMatter([]byte("---\nurl: old\nsource: new\n---\n")); err != nil {
		t.Fatal(err)
	}
	both, _, _ = ParseFrontMatter([]byte("---\nurl: old\nsource: new\n---\n"))
	if both.URL != "new" {
		t.Errorf("url/source: got %q", both.URL)
	}
}

// Control characters in a page's text (ESC sequences that clear or retitle
// a terminal, BEL, backspaces that hide what precedes them, C1 controls)
// are never an article's content: the Markdown holds none, in text or in
// code, so `show`, `search` and `diff` cannot pass them to a terminal.
func TestBodyDropsControlCharacters(t *testing.T) {
	page := "<p>text \x1b]0;pwned\x07 \x1b[2J\x1b[31mRED\x1b[0m \u0085\u009b31m end\x7f</p>" +
		"<pre><code>code \x1b[31mREDCODE\x1b[0m \x08\x08BS\ttab</code></pre>"
	md := convertHTML(t, page).Markdown
	for _, r := range md {
		if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
			t.Errorf("control character %U kept in:\n%q", r, md)
		}
	}
	for _, want := range []string{"RED", "REDCODE", "BS\ttab", "end"} {
		if !strings.Contains(md, want) {
			t.Errorf("lost %q:\n%q", want, md)
		}
	}
}
