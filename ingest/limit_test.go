package ingest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/fetcher"
	"wxarchive/model"
)

// writePadded writes page to a file with an HTML comment of pad bytes
// before its last paragraph, without building the whole in memory twice.
func writePadded(t *testing.T, name, page string, pad int) {
	t.Helper()
	before, after, ok := strings.Cut(page, "<p>全文完。</p>")
	if !ok {
		t.Fatal("no anchor in the page")
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(before + "<!--")
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for left := pad; left > 0; left -= len(chunk) {
		f.Write(chunk[:min(left, len(chunk))])
	}
	if _, err := f.WriteString("--><p>全文完。</p>" + after); err != nil {
		t.Fatal(err)
	}
}

// TestPageSizeLimit: one limit everywhere (issue 10 §17). A 40 MiB saved
// page (SingleFile, images inline) is an article, not a failed capture that
// only the extractor refused; a page over 64 MiB is refused before any of
// it is stored.
func TestPageSizeLimit(t *testing.T) {
	s := newService(t)
	dir := t.TempDir()
	over := filepath.Join(dir, "over.html")
	writePadded(t, over, imagePage(0, nil), model.MaxPageSize)
	link := "https://mp.weixin.qq.com/s?__biz=MzA5NTAwMDAwMg==&mid=1&idx=1"
	r := s.Ingest(context.Background(), over, Options{URL: link})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "larger than 64 MiB") {
		t.Fatalf("over the limit: %+v", r)
	}
	l, _ := model.ParseLink(link)
	if _, err := s.Archive.Captures(l.Key()); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("something was recorded for a page over the limit: %v", err)
	}

	// One limit: what ingest reads, the fetcher accepts and the extractor
	// takes are the same size.
	if MaxFileSize != model.MaxPageSize || extractor.MaxSize != model.MaxPageSize || fetcher.DefaultMaxBody != model.MaxPageSize {
		t.Errorf("limits: ingest %d, extractor %d, fetcher %d; want %d everywhere", MaxFileSize, extractor.MaxSize, fetcher.DefaultMaxBody, model.MaxPageSize)
	}
	if raceEnabled {
		t.Skip("the 40 MiB page takes a minute under the race detector; run go test without -race")
	}
	page := imagePage(2, func(i int) string { return "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(i)) })
	name := filepath.Join(dir, "singlefile.html")
	writePadded(t, name, page, 40<<20)
	r = s.Ingest(context.Background(), name, Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Images != 2 || r.ImagesMissing != 0 {
		t.Fatalf("40 MiB page: %+v", r)
	}
}
