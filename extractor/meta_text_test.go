package extractor

import (
	"strings"
	"testing"

	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

// Titles, authors, account names and descriptions lose the characters that
// hide or reorder text: C0 and C1 controls, bidirectional controls (U+202E
// shows "gnp.exe" as "exe.png"), invisible format characters.
func TestMetaTextDropsControls(t *testing.T) {
	const evil = "\u202egnp.exe\u202c\u2028\x1b[31m红\u009b色\u200b\u2066标题\u2069\ufeff\ufff9注\ufffb"
	page := []byte(`<html><head><title>t</title>
<script>var biz = "MzA=", mid = "1", idx = "1";
var msg_title = '` + evil + `'.html(false);
var msg_desc = htmlDecode("第一行` + evil + `\n第二行");
var nickname = htmlDecode("号` + evil + `");
var author = "作者` + evil + `";</script></head><body><div id="js_article"><h1 id="activity-name">x</h1>
<div id="js_content"><p>正文。</p></div></div></body></html>`)
	doc, err := Extract(page, Options{})
	if err != nil || doc.Article == nil {
		t.Fatalf("Extract: %v", err)
	}
	m := doc.Article.Meta
	for name, v := range map[string]string{"title": m.Title, "description": m.Description, "account": m.Account, "author": m.Author} {
		if v == "" {
			t.Errorf("%s empty", name)
		}
		for _, r := range v {
			if textsafe.Unsafe(r) && r != '\n' || isZeroWidth(r) || r >= 0xfff9 && r <= 0xfffb || r == 0x2028 {
				t.Errorf("%s %q keeps %U", name, v, r)
			}
		}
	}
	if strings.Contains(m.Title, "\n") || strings.Contains(m.Title, "  ") {
		t.Errorf("title %q: not one line", m.Title)
	}
	if !strings.Contains(m.Title, "gnp.exe") || !strings.Contains(m.Title, "红色") || !strings.Contains(m.Description, "第二行") {
		t.Errorf("text lost: title %q, description %q", m.Title, m.Description)
	}
	// Render cleans what it is given, whatever built the article
	md := string(Render(&model.Article{Meta: model.Meta{Title: evil, Author: evil,
		Related: []model.Related{{URL: "https://mp.weixin.qq.com/s/x", Title: evil}}}, Body: "正文"}))
	for _, r := range md {
		if textsafe.Unsafe(r) && r != '\n' || r == '\u200b' || r == '\ufeff' || r >= 0xfff9 && r <= 0xfffb {
			t.Errorf("rendered Markdown keeps %U:\n%q", r, md)
		}
	}
}
