package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/net/html"
)

var benchPages = []string{
	"goscraper-2017-jiagoushi-mq.html",
	"magichtml-2022-zhangshangsuide.html",
	"exporter-2025-article-02.html",
	"openclaw-2026-linyuebanzi-ai-agents.html",
	"thepass-2026-picture-item8-feishu.html", // an image-share page: body from script data
}

// benchInput prefers the untrimmed original (the real size) when present.
func benchInput(b *testing.B, name string) []byte {
	if raw, err := os.ReadFile(filepath.Join(sharedDir, name)); err == nil {
		return raw
	}
	return readFixture(b, name)
}

func BenchmarkExtract(b *testing.B) {
	for _, name := range benchPages {
		raw := benchInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				doc, err := Extract(raw, Options{})
				if err != nil || doc.Article == nil {
					b.Fatal(err)
				}
				Render(doc.Article)
			}
		})
	}
}

func BenchmarkParseFloor(b *testing.B) {
	for _, name := range benchPages {
		raw := benchInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := html.Parse(bytes.NewReader(raw)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
