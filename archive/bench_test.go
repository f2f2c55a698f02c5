package archive

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"wxarchive/model"
)

// populate writes n articles straight into the folder (no fsync): for
// each, its raw page, Markdown, capture record, head, readable file and
// index line, as Record writes them, so that Verify finds it intact.
func populate(tb testing.TB, a *Archive, n int) {
	tb.Helper()
	var idx bytes.Buffer
	claims := claimsBuilder{}
	put := func(name string, b []byte) {
		p := filepath.Join(a.dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := testID
		id.Mid = fmt.Sprint(5_000_000 + i)
		title := fmt.Sprintf("一篇文章的标题 %d", i)
		md := articleMarkdown(title, fmt.Sprintf("正文 %d", i))
		sum := contentHash(md)
		put(a.mdName(sum), md)
		raw := fmt.Appendf(nil, "<html>%s|正文 %d</html>", title, i)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		put(a.rawName(sha(raw)), z.Bytes())
		rec := CaptureRecord{Key: id.Key(), Seq: 1, Time: at, Recorded: at, Outcome: model.OutcomeCreated,
			State: model.StateArticle, RawSHA: sha(raw), ContentHash: sum, Exact: sha(md), Identity: identity(md), Version: 1}
		rb, _ := json.MarshalIndent(rec, "", "  ")
		rb = append(rb, '\n')
		put(fmt.Sprintf("%s%s/20250101T000000.000000000Z-%08x.json", a.n.captures, id.Key(), i), rb)
		h := &head{Info: Info{Key: id.Key(), Title: title, Account: "测试号", URL: id.URL(),
			Path: fmt.Sprintf("articles/测试号/2024-03-05 标题 %d.md", i), State: model.StateArticle, StateSince: at,
			Published: time.Date(2024, 3, 5, 10, 0, 0, 0, cst), LastCapture: at, LastOutcome: model.OutcomeCreated,
			Captures: 1, Biz: id.Biz},
			StateAt: at, Chain: chainRef{Tip: sha(rb), N: 1},
			History: []versionRef{{N: 1, SHA: sum, Exact: sha(md), Time: at, ID: identity(md), Extractor: 1, RawSHA: sha(raw)}}}
		want, err := a.readableContent(h)
		if err != nil {
			tb.Fatal(err)
		}
		put(h.Path, want)
		a.track(h, h.Path, sha(want), "")
		h.Versions = 1
		h.Sum = headSum(h)
		hb, _ := json.MarshalIndent(h, "", "  ")
		put(a.headName(h.Key), append(hb, '\n'))
		idx.Write(indexLine(h))
		claims.add(a, h)
	}
	for n, b := range claims {
		put(n, b.Bytes())
	}
	put(a.claimsComplete(), []byte(claimsMark))
	put(a.n.index, idx.Bytes())
	put(a.n.indexBase, []byte(strconv.Itoa(idx.Len())))
	syscall.Sync() // so that the writes above do not slow what is measured
}

var populated = map[int]string{}

// peakHeap samples the live heap while f runs and reports its peak in MB.
func peakHeap(b *testing.B, f func()) {
	var peak uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

// populated100k returns an archive of n articles, built once per run.
func populatedArchive(b *testing.B, n int) *Archive {
	if dir, ok := populated[n]; ok {
		a, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	dir, err := os.MkdirTemp("", "wxarchive-bench-")
	if err != nil {
		b.Fatal(err)
	}
	a, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	populate(b, a, n)
	a.store.Put(formatName, []byte(formatV2))
	populated[n] = dir
	return a
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range populated {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// TestPopulateIsClean keeps the benchmarks' archive honest: what they
// measure is an intact archive.
func TestPopulateIsClean(t *testing.T) {
	a, _ := openTest(t)
	populate(t, a, 50)
	mustClean(t, a)
	if list, err := a.List(); err != nil || len(list) != 50 {
		t.Fatalf("list: %d %v", len(list), err)
	}
}

// BenchmarkList100k: List of 100,000 articles (a slice of all).
func BenchmarkList100k(b *testing.B) {
	a := populatedArchive(b, 100_000)
	runtime.GC()
	b.ResetTimer()
	peakHeap(b, func() {
		for b.Loop() {
			list, err := a.List()
			if err != nil || len(list) != 100_000 {
				b.Fatalf("list: %d, %v", len(list), err)
			}
		}
	})
}

// BenchmarkEach100k: streaming every article of 100,000, as `list` does.
func BenchmarkEach100k(b *testing.B) {
	a := populatedArchive(b, 100_000)
	runtime.GC()
	b.ResetTimer()
	peakHeap(b, func() {
		for b.Loop() {
			n := 0
			if err := a.Each(func(Info) error { n++; return nil }); err != nil || n != 100_000 {
				b.Fatalf("each: %d, %v", n, err)
			}
		}
	})
}

// BenchmarkVerify100k: verify of 100,000 articles, on every core, and
// --quick (structure only).
func BenchmarkVerify100k(b *testing.B) {
	for _, quick := range []bool{false, true} {
		b.Run(fmt.Sprintf("quick=%v", quick), func(b *testing.B) {
			a := populatedArchive(b, 100_000)
			runtime.GC()
			b.ResetTimer()
			peakHeap(b, func() {
				for b.Loop() {
					rep, err := a.VerifyWith(VerifyOptions{Quick: quick})
					if err != nil || len(rep.Problems) > 0 {
						b.Fatalf("verify: %v %v", rep.Problems[:min(3, len(rep.Problems))], err)
					}
				}
			})
		})
	}
}

func BenchmarkRecord(b *testing.B) {
	for _, size := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("archive=%d", size), func(b *testing.B) {
			a, _ := openTest(b)
			populate(b, a, size)
			i := 0
			b.ResetTimer()
			for b.Loop() {
				// Alternately a new article and an update of a known one.
				id := testID
				id.Mid = fmt.Sprint(5_000_000 + i%size)
				if i%2 == 0 {
					id.Mid = fmt.Sprint(9_000_000 + i)
				}
				if _, err := a.Record(articleInput(id, id.URL(), "标题", fmt.Sprint("正文 ", i))); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLock100k: taking the writer lock of 100,000 articles (what
// every ingest pays once: recovery, the index's upkeep).
func BenchmarkLock100k(b *testing.B) {
	a := populatedArchive(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		l, err := a.Lock()
		if err != nil {
			b.Fatal(err)
		}
		l.Unlock()
	}
}

// BenchmarkVerify10k is BenchmarkVerify100k at a tenth of the size.
func BenchmarkVerify10k(b *testing.B) {
	a := populatedArchive(b, 10_000)
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if rep, err := a.VerifyWith(VerifyOptions{}); err != nil || len(rep.Problems) > 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkEachIndexOnly100k streams an index of 100,000 lines (no heads
// or objects: quick to set up, measures the index alone).
func BenchmarkEachIndexOnly100k(b *testing.B) {
	a, _ := Open(b.TempDir())
	var idx bytes.Buffer
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		id := testID
		id.Mid = fmt.Sprint(5_000_000 + i)
		h := &head{Info: Info{Key: id.Key(), Title: fmt.Sprintf("一篇文章的标题 %d", i), Account: "测试号", URL: id.URL(),
			Path: fmt.Sprintf("articles/测试号/2024-03-05 标题 %d.md", i), State: model.StateArticle, StateSince: at,
			Published: at, LastCapture: at, LastOutcome: model.OutcomeCreated, Captures: 1, Biz: id.Biz}}
		h.History = make([]versionRef, 1)
		idx.Write(indexLine(h))
	}
	a.store.Put(a.n.index, idx.Bytes())
	a.store.Put(a.n.indexBase, []byte(strconv.Itoa(idx.Len())))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		a.Each(func(Info) error { n++; return nil })
	}
}
