package extractor

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzExtract: Extract never panics, and a rendered article never carries a
// <script tag.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.html"))
	for _, p := range files {
		// Small pages only: every seed is extracted on each plain test run,
		// under the race detector too. Larger ones are covered by the
		// corpus tests.
		if b, err := os.ReadFile(p); err == nil && len(b) < 24<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`<html><body><div id="js_content"><script>alert(1)</script><p>&lt;script&gt;x</p></div></body></html>`))
	f.Add([]byte(`<html><script>var msg_title = '<script>'.html(false); var item_show_type = "10";</script></html>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, err := Extract(raw, Options{})
		if err != nil {
			return
		}
		if doc.Article == nil {
			return
		}
		out := Render(doc.Article)
		if bytes.Contains(bytes.ToLower(out), []byte("<script")) {
			t.Errorf("rendered output contains <script:\n%s", out)
		}
	})
}

// FuzzFastPath: the fast path (pre-pass, script texts as views) gives the
// Document the full parse gives, or declines and falls back to it; it never
// gives a different one.
func FuzzFastPath(f *testing.F) {
	for _, c := range prepassCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(`<!DOCTYPE html><html><head><meta property="og:title" content="t"><script>var msg_title = 'T'.html(false); var biz = "MzA=";</script></head>` +
		`<body><div id="js_article"><div id="js_content" style="visibility: hidden;"><p>正文<b>粗</b></p><script>x()</script></div></div>` +
		`<script>var ct = "1700000000"; var nickname = htmlDecode("号");</script></body></html>`))
	f.Add([]byte(`<html><script>var item_show_type = "10"; window.cgiDataNew = {text_page_info: {content_noencode: 'a\nb'}};</script></html>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		want, wantErr := extract(raw, Options{}, parseFull)
		got, gotErr := Extract(raw, Options{})
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) || !reflect.DeepEqual(want, got) {
			t.Fatalf("fast path and full parse differ for %q:\nfull %+v (%v)\nfast %+v (%v)", clip(raw), want, wantErr, got, gotErr)
		}
	})
}
