package events

import (
	"testing"

	"wxarchive/extractor"
)

// BenchmarkEditSummary measures the character diff of an edited article
// (the costly part of deriving an edited event).
func BenchmarkEditSummary(b *testing.B) {
	render := func(raw []byte) string {
		doc, err := extractor.Extract(raw, extractor.Options{})
		if err != nil || doc.Article == nil {
			b.Fatal(err)
		}
		_, body := splitFrontMatter(string(extractor.Render(doc.Article)))
		return body
	}
	old, edited := render(page(b, articlePage)), render(editedPage(b))
	b.SetBytes(int64(len(old) + len(edited)))
	b.ResetTimer()
	for b.Loop() {
		if e := bodyEdit(old, edited); e.Changed == 0 {
			b.Fatal("no change found")
		}
	}
}
