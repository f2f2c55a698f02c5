// Package eventtest builds, for tests, archives whose captures come from the
// repository's testdata pages through the real extractor and archive: an
// article, an edited copy of it, deleted, violation and unavailable
// notices.
package eventtest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// Day0 is when tests make their first capture.
var Day0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// The article page and the edit made to it for an edited copy.
const (
	ArticlePage = "goscraper-2018-jiagoushi-dongjing.html"
	OldWords    = "几乎不变的页面"
	NewWords    = "基本不变的页面"
)

// Pages that are not articles.
const (
	DeletedPage     = "exporter-deleted-zh.html"
	ViolationPage   = "exporter-violation-01.html"
	UnavailablePage = "exporter-unavailable.html"
	VerifyPage      = "special-verify-2026-a.html"
)

func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Page reads a page of testdata/wechat.
func Page(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(), "testdata", "wechat", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// EditedPage is ArticlePage with OldWords changed to NewWords.
func EditedPage(t testing.TB) []byte {
	t.Helper()
	p := Page(t, ArticlePage)
	e := bytes.Replace(p, []byte(OldWords), []byte(NewWords), 1)
	if bytes.Equal(p, e) {
		t.Fatalf("%s no longer holds %q", ArticlePage, OldWords)
	}
	return e
}

// Archive is an archive with the writer lock held for the test.
type Archive struct {
	*archive.Archive
	t testing.TB
}

// New opens an archive on a memory store (dir holds the lock) and locks it.
func New(t testing.TB) *Archive {
	t.Helper()
	return Open(t, archive.OpenStore(t.TempDir(), archive.NewMemStore()))
}

// Open locks a until the test ends.
func Open(t testing.TB, a *archive.Archive) *Archive {
	t.Helper()
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Unlock() })
	return &Archive{Archive: a, t: t}
}

// Capture extracts raw as ingest does and records it at time at; link is
// the article's URL for pages that do not carry their identity. A nil raw
// records a failed fetch.
func (a *Archive) Capture(raw []byte, link string, at time.Time) archive.Result {
	a.t.Helper()
	res, err := Record(a.Archive, raw, link, at)
	if err != nil {
		a.t.Fatal(err)
	}
	return res
}

// Record is Capture for callers that hold the lock themselves.
func Record(a *archive.Archive, raw []byte, link string, at time.Time) (archive.Result, error) {
	if raw == nil {
		return a.Record(archive.Input{Capture: model.Capture{Target: link, SourceURL: link, FetchedAt: at},
			Err: errors.New("connection reset"), Link: link})
	}
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: link})
	if err != nil {
		return archive.Result{}, err
	}
	in := archive.Input{
		Capture: model.Capture{Target: "testdata", SourceURL: link, FetchedAt: at, Raw: raw, HTTPStatus: 200},
		Doc:     doc, Link: link,
	}
	if doc.State == model.StateArticle && doc.Article != nil {
		in.Markdown = extractor.Render(doc.Article)
	}
	return a.Record(in)
}

// URL is an archived article's canonical URL.
func (a *Archive) URL(k model.Key) string {
	a.t.Helper()
	info, err := a.Info(k)
	if err != nil {
		a.t.Fatal(err)
	}
	return info.URL
}
