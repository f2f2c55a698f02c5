package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"wxarchive/internal/benchstat"
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

// extractRender is the work measured: extract and render one article.
func extractRender(b *testing.B, raw []byte) {
	doc, err := Extract(raw, Options{})
	if err != nil || doc.Article == nil {
		b.Fatal(err)
	}
	Render(doc.Article)
}

func parseFloor(b *testing.B, raw []byte) {
	if _, err := html.Parse(bytes.NewReader(raw)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExtract is extract + render of each article fixture.
func BenchmarkExtract(b *testing.B) {
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		b.Run(benchName(f), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				extractRender(b, raw)
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
				parseFloor(b, raw)
			}
		})
	}
}

// BenchmarkVersusParse measures, per article fixture, extract + render and
// html.Parse of the same bytes in alternation (so that both see the same
// load on a shared machine), and reports both times and their ratio, in
// wall time and in the CPU time of the measuring thread (steadier when
// other work shares the cores; the garbage collector's own threads are not
// in it).
func BenchmarkVersusParse(b *testing.B) {
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		b.Run(benchName(f), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var extract, parse, extractCPU, parseCPU time.Duration
			for b.Loop() {
				c0, t0 := benchstat.ThreadCPU(), time.Now()
				extractRender(b, raw)
				c1, t1 := benchstat.ThreadCPU(), time.Now()
				parseFloor(b, raw)
				extract += t1.Sub(t0)
				parse += time.Since(t1)
				extractCPU += c1 - c0
				parseCPU += benchstat.ThreadCPU() - c1
			}
			reportRatio(b, extract, parse)
			if parseCPU > 0 {
				b.ReportMetric(float64(extractCPU)/1e6/float64(b.N), "extract-cpu-ms/op")
				b.ReportMetric(float64(parseCPU)/1e6/float64(b.N), "parse-cpu-ms/op")
			}
		})
	}
}

// BenchmarkCorpus extracts and renders every article fixture once per
// iteration and reports the ratio of totals: (extract + render time) over
// html.Parse time of the same bytes. Goal: at most 1.
func BenchmarkCorpus(b *testing.B) {
	var raws [][]byte
	for _, f := range benchPages(b) {
		raw, _ := os.ReadFile(f)
		raws = append(raws, raw)
	}
	var extract, parse time.Duration
	for b.Loop() {
		for _, raw := range raws {
			t0 := time.Now()
			extractRender(b, raw)
			t1 := time.Now()
			parseFloor(b, raw)
			extract += t1.Sub(t0)
			parse += time.Since(t1)
		}
	}
	reportRatio(b, extract, parse)
	b.ReportMetric(float64(len(raws)), "pages")
}

// reportRatio reports per-iteration extract and parse times in ms and their
// ratio.
func reportRatio(b *testing.B, extract, parse time.Duration) {
	if parse <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(extract)/1e6/float64(b.N), "extract-ms/op")
	b.ReportMetric(float64(parse)/1e6/float64(b.N), "parse-ms/op")
	b.ReportMetric(float64(extract)/float64(parse), "extract/parse")
}
