package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"wxarchive/model"
)

// populate writes n articles' heads and index straight into the folder
// (no fsync), which is all List and Record read.
func populate(tb testing.TB, a *Archive, n int) {
	tb.Helper()
	var idx bytes.Buffer
	for i := range n {
		id := testID
		id.Mid = fmt.Sprint(5_000_000 + i)
		h := &head{Info: Info{Key: id.Key(), Title: fmt.Sprintf("一篇文章的标题 %d", i), Account: "测试号",
			URL: id.URL(), Path: fmt.Sprintf("articles/测试号/2024-01-01 标题 %d.md", i), State: model.StateArticle,
			Published: time.Date(2024, 1, 1, 0, 0, 0, 0, cst), LastCapture: time.Now().UTC(), LastOutcome: model.OutcomeCreated,
			Captures: 1, Biz: id.Biz},
			History: []versionRef{{N: 1, SHA: sha([]byte(id.Mid)), File: "versions/x/0001.md"}}}
		b, _ := json.Marshal(h)
		p := filepath.Join(a.dir, a.headName(h.Key))
		if i == 0 {
			os.MkdirAll(filepath.Dir(p), 0o755)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		idx.Write(indexLine(h))
	}
	if err := a.store.Put(a.n.index, idx.Bytes()); err != nil {
		tb.Fatal(err)
	}
	syscall.Sync() // so that the writes above do not slow the first fsyncs measured
}

func BenchmarkList100k(b *testing.B) {
	a, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	populate(b, a, 100_000)
	b.ResetTimer()
	for b.Loop() {
		list, err := a.List()
		if err != nil || len(list) != 100_000 {
			b.Fatalf("list: %d, %v", len(list), err)
		}
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
