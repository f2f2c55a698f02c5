package extractor

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// charsetPage is a small article in traditional characters (which GBK,
// GB18030 and Big5 all have); head goes into <head> (a meta charset).
func charsetPage(head string) string {
	return `<!DOCTYPE html><html><head>` + head + `<title>編碼測試</title></head><body>
<div id="js_article" class="rich_media"><h1 class="rich_media_title" id="activity-name">中文編碼測試：繁體與正體</h1>
<div class="rich_media_content" id="js_content"><p>這是一篇用來測試字元集的文章，正文裡有中文標點。</p><p>第二段：繁體字也要正確。</p></div></div>
<script>var biz = "MzA5NTAwMDAwMQ=="; var mid = "2650000001"; var idx = "1"; var sn = "abc";</script></body></html>`
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCharsets: GBK, GB18030, GB2312 and Big5 pages, named by a meta
// charset, a BOM or the HTTP header, are decoded, not refused as binary
// (issue 10 §19).
func TestCharsets(t *testing.T) {
	tests := []struct {
		name, ctype string
		raw         []byte
	}{
		{"gbk meta", "", encode(t, simplifiedchinese.GBK, charsetPage(`<meta charset="gbk">`))},
		{"gb2312 http-equiv", "", encode(t, simplifiedchinese.GBK, charsetPage(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`))},
		{"gb18030 header", "text/html; charset=GB18030", encode(t, simplifiedchinese.GB18030, charsetPage(""))},
		{"big5 meta", "", encode(t, traditionalchinese.Big5, charsetPage(`<meta charset="big5">`))},
		{"utf-16 bom", "", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), charsetPage(""))},
		{"utf-8 bom", "", append([]byte("\xEF\xBB\xBF"), charsetPage(`<meta charset="utf-8">`)...)},
		{"gbk undeclared", "", encode(t, simplifiedchinese.GBK, charsetPage(""))},
		{"utf-8 declared gbk", "", []byte(charsetPage(`<meta charset="gbk">`))}, // re-saved as UTF-8
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract(tc.raw, Options{ContentType: tc.ctype})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Article == nil {
				t.Fatalf("state %s: %s", doc.State, doc.Reason)
			}
			if want := "中文編碼測試：繁體與正體"; doc.Article.Meta.Title != want {
				t.Errorf("title %q, want %q", doc.Article.Meta.Title, want)
			}
			if !strings.Contains(doc.Article.Body, "繁體字也要正確") {
				t.Errorf("body %q", doc.Article.Body)
			}
		})
	}
}
