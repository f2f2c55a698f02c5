package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzExtract: Extract never panics, and a rendered article never carries a
// <script tag.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.html"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 200<<10 {
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
