package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// benchPages lists every article fixture: the shared originals (their real
// size) when present, else the trimmed copies of a fresh clone.
func benchPages(b *testing.B) []string {
	b.Helper()
	dir := sharedDir
	files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(files) == 0 {
		dir = fixtureDir
		files, _ = filepath.Glob(filepath.Join(dir, "*.html"))
	}
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if doc, err := Extract(raw, Options{}); err == nil && doc.Article != nil {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		b.Fatal("no article fixtures")
	}
	return out
}

func benchName(f string) string { return strings.TrimSuffix(filepath.Base(f), ".html") }

// BenchmarkExtract is extract + render of each article fixture.
func BenchmarkExtract(b *testing.B) {
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		b.Run(benchName(f), func(b *testing.B) {
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

// BenchmarkParseFloor is html.Parse of the same bytes: the floor the
// extractor is measured against.
func BenchmarkParseFloor(b *testing.B) {
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		b.Run(benchName(f), func(b *testing.B) {
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

// BenchmarkCorpus extracts and renders every article fixture once per
// iteration and reports the ratio of totals: (extract + render time) over
// html.Parse time of the same bytes.
func BenchmarkCorpus(b *testing.B) {
	var raws [][]byte
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		raws = append(raws, raw)
	}
	var extract, parse time.Duration
	for b.Loop() {
		t0 := time.Now()
		for _, raw := range raws {
			doc, err := Extract(raw, Options{})
			if err != nil || doc.Article == nil {
				b.Fatal(err)
			}
			Render(doc.Article)
		}
		t1 := time.Now()
		for _, raw := range raws {
			if _, err := html.Parse(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
		extract += t1.Sub(t0)
		parse += time.Since(t1)
	}
	if parse > 0 {
		b.ReportMetric(float64(extract)/float64(parse), "extract/parse")
		b.ReportMetric(float64(extract.Milliseconds())/float64(b.N), "extract-ms/op")
	}
}
