package events

import (
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/internal/eventtest"
	"wxarchive/model"
)

var day0 = eventtest.Day0

const (
	articlePage = eventtest.ArticlePage
	newWords    = eventtest.NewWords
)

func page(t testing.TB, name string) []byte { t.Helper(); return eventtest.Page(t, name) }
func editedPage(t testing.TB) []byte        { t.Helper(); return eventtest.EditedPage(t) }

type testArchive struct {
	*eventtest.Archive
	t *testing.T
}

func newArchive(t *testing.T) *testArchive {
	t.Helper()
	return &testArchive{Archive: eventtest.New(t), t: t}
}

func (a *testArchive) capture(raw []byte, link string, at time.Time) archive.Result {
	a.t.Helper()
	return a.Capture(raw, link, at)
}

func (a *testArchive) url(k model.Key) string { a.t.Helper(); return a.URL(k) }

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
