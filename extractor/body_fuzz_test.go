package extractor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzConvertBody checks properties of any body: no panic, no internal
// markers or invisible characters in the output, no raw <script>, and the
// same bytes on a second run.
func FuzzConvertBody(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "body", "*.html"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`<p><strong>a：</strong>b<em> </em><b>“c”</b><br><pre><code>x</code></pre></p>`)
	f.Fuzz(func(t *testing.T, h string) {
		a := convertHTML(t, h)
		b := convertHTML(t, h)
		if a.Markdown != b.Markdown {
			t.Fatalf("not deterministic")
		}
		for _, bad := range []string{"\uE000", "\uE001", "\uE002", "\uE003", "\uE004", "\u200b", "\ufeff", "\u00a0"} {
			if strings.Contains(a.Markdown, bad) {
				t.Fatalf("output contains %q: %q", bad, a.Markdown)
			}
		}
		if strings.Contains(strings.ToLower(proseOf(a.Markdown)), "<script") {
			t.Fatalf("raw script in %q", a.Markdown)
		}
	})
}
