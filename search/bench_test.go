package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/internal/benchstat"
	"wxarchive/internal/testarchive"
	"wxarchive/model"
)

// benchArticles is the size of the synthetic archive the benchmarks run on
// (WXARCHIVE_BENCH_ARTICLES, default 100000). The archive and its index are
// kept in the temporary folder between runs: the first run builds them.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("WXARCHIVE_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// BenchIndex opens the index of the synthetic benchmark archive, building
// both when missing.
func benchIndex(b *testing.B) (*archive.Archive, *Index) {
	b.Helper()
	n := benchArticles()
	start := time.Now()
	a := testarchive.Synthetic(b, filepath.Join(os.TempDir(), fmt.Sprintf("wxarchive-bench-%d", n)), n)
	if d := time.Since(start); d > time.Second {
		b.Logf("synthetic archive of %d articles built in %s", n, d.Round(time.Second))
	}
	ix, err := OpenArchive(a)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	st, err := ix.Update(context.Background(), a)
	if err != nil {
		b.Fatal(err)
	}
	if !st.Skipped {
		b.Logf("search index: %d docs indexed in %s", st.Indexed, st.Took.Round(time.Second))
	}
	return a, ix
}

// BenchmarkSearch runs a mix of queries (common and rare two-character
// words, longer phrases, several terms, filters) and reports the latency
// percentiles of one query.
func BenchmarkSearch(b *testing.B) {
	_, ix := benchIndex(b)
	ctx := context.Background()
	rec := benchstat.Start()
	for b.Loop() {
		for _, q := range benchQueries {
			rec.Time(func() {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
	rec.Done(b)
}

// benchQueries is a mix of common and rare two-character words, longer
// phrases, several terms, filters, a second page, and short terms of
// punctuation and symbols (found in the gram table, never by a scan).
var benchQueries = []Query{
	{Text: "芯片"}, {Text: "中国"}, {Text: "美国 芯片"}, {Text: "的"}, {Text: "AI"},
	{Text: "人工智能"}, {Text: "出口管制"}, {Text: "供应链"}, {Text: "上海 房价"}, {Text: "编者按"},
	{Text: "本段已修改"}, {Text: "openai"}, {Text: "不存在的词语"}, {Text: "年轻人的压力"},
	{Text: "芯片", State: model.StateDeleted}, {Text: "互联网", Biz: "MzA0000042MQ=="},
	{Text: "芯片 出口", Offset: 40}, {Text: "\"人工智能 的\""},
	{Text: "，"}, {Text: "C#"}, {Text: "5%"}, {Text: "？！"},
}

// BenchmarkSearchMix reports each query of the BenchmarkSearch mix.
func BenchmarkSearchMix(b *testing.B) {
	_, ix := benchIndex(b)
	ctx := context.Background()
	for _, q := range benchQueries {
		b.Run(fmt.Sprintf("%s/%s/%s/%d", q.Text, q.State, q.Biz, q.Offset), func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
