package events

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// day0 is when the test archives' first capture is made.
var day0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// The edit made to the article page for an edited copy.
const (
	articlePage = "goscraper-2018-jiagoushi-dongjing.html"
	oldWords    = "几乎不变的页面"
	newWords    = "基本不变的页面"
)

func page(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "wechat", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func editedPage(t testing.TB) []byte {
	t.Helper()
	p := page(t, articlePage)
	e := bytes.Replace(p, []byte(oldWords), []byte(newWords), 1)
	if bytes.Equal(p, e) {
		t.Fatalf("%s no longer holds %q", articlePage, oldWords)
	}
	return e
}

// testArchive is an archive on a memory store with the writer lock held.
type testArchive struct {
	*archive.Archive
	t *testing.T
}

func newArchive(t *testing.T) *testArchive {
	t.Helper()
	a := archive.OpenStore(t.TempDir(), archive.NewMemStore())
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Unlock() })
	return &testArchive{Archive: a, t: t}
}

// capture extracts raw as ingest does (nil raw: a failed fetch) and records it at time at; link is
// the article's URL for pages that do not carry their identity.
func (a *testArchive) capture(raw []byte, link string, at time.Time) archive.Result {
	a.t.Helper()
	if raw == nil {
		res, err := a.Record(archive.Input{Capture: model.Capture{Target: link, SourceURL: link, FetchedAt: at},
			Err: errors.New("connection reset"), Link: link})
		if err != nil {
			a.t.Fatal(err)
		}
		return res
	}
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: link})
	if err != nil {
		a.t.Fatal(err)
	}
	in := archive.Input{
		Capture: model.Capture{Target: "testdata", SourceURL: link, FetchedAt: at, Raw: raw, HTTPStatus: 200},
		Doc:     doc, Link: link,
	}
	if doc.State == model.StateArticle && doc.Article != nil {
		in.Markdown = extractor.Render(doc.Article)
	}
	res, err := a.Record(in)
	if err != nil {
		a.t.Fatal(err)
	}
	return res
}

func (a *testArchive) url(k model.Key) string {
	a.t.Helper()
	info, err := a.Info(k)
	if err != nil {
		a.t.Fatal(err)
	}
	return info.URL
}

func (a *testArchive) derive(k model.Key) []Event {
	a.t.Helper()
	info, err := a.Info(k)
	if err != nil {
		a.t.Fatal(err)
	}
	caps, err := a.Captures(k)
	if err != nil {
		a.t.Fatal(err)
	}
	evs, err := Derive(*info, caps, a.Markdown)
	if err != nil {
		a.t.Fatal(err)
	}
	return evs
}

func kinds(evs []Event) []Kind {
	out := make([]Kind, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind
	}
	return out
}
