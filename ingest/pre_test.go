package ingest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"wxarchive/archive"
	"wxarchive/model"
)

// TestPreextractSameAsIngest: saved pages extracted ahead, on several
// goroutines at once, are recorded as Ingest alone records them; a file
// changed after it was read ahead is extracted again.
func TestPreextractSameAsIngest(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"goscraper-2017-jiagoushi-mq.html", "saved-2016-angenunu-phonics-no1.html",
		"exporter-deleted-zh.html", "wechatsogou-2018-qqmusic.html"} {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, readPage(t, name), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	notPage := filepath.Join(dir, "notes.txt")
	os.WriteFile(notPage, []byte("just words"), 0o644)
	files = append(files, notPage, filepath.Join(dir, "missing.html"))

	plain, ahead := newService(t), newService(t)
	pre := make([]*Preextracted, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() { defer wg.Done(); pre[i] = ahead.Preextract(f, Options{}) }()
	}
	wg.Wait()
	if pre[len(files)-1] != nil {
		t.Error("a missing file was read ahead")
	}
	for i, f := range files {
		want := plain.Ingest(context.Background(), f, Options{})
		got := ahead.Ingest(context.Background(), f, Options{Pre: pre[i]})
		if !sameResult(want, got) {
			t.Errorf("%s: with the extraction ahead %+v, without %+v", filepath.Base(f), got, want)
		}
	}
	for _, a := range []*archive.Archive{plain.Archive, ahead.Archive} {
		if list, err := a.List(); err != nil || len(list) != 3 {
			t.Fatalf("archive: %d articles, %v", len(list), err)
		}
	}

	// The file changes between the read ahead and Ingest: Ingest reads and
	// extracts what the file holds now.
	f := files[0]
	p := ahead.Preextract(f, Options{})
	edited := readPage(t, "goscraper-2018-jiagoushi-dongjing.html")
	if err := os.WriteFile(f, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	got := ahead.Ingest(context.Background(), f, Options{Pre: p})
	want := newService(t).Ingest(context.Background(), f, Options{})
	if got.Title != want.Title || got.Key != want.Key || got.Outcome != model.OutcomeCreated {
		t.Errorf("changed file: %+v, want the page it holds now: %+v", got, want)
	}
	// Options other than those of the read ahead: extracted again.
	if p := ahead.Preextract(files[1], Options{URL: "https://mp.weixin.qq.com/s/abc"}); p.usable(p.raw, ahead.extractOptions(&archive.Input{})) {
		t.Error("a read ahead with another URL was usable")
	}
}

// sameResult compares what a user sees of two results (the paths and keys
// of two archives agree, the times of their captures do not matter here).
func sameResult(a, b Result) bool {
	a.Notes, b.Notes = nil, nil
	if (a.Err == nil) != (b.Err == nil) || a.Err != nil && a.Err.Error() != b.Err.Error() {
		return false
	}
	a.Err, b.Err = nil, nil
	return reflect.DeepEqual(a, b)
}
