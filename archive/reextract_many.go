package archive

import (
	"context"
	"crypto/sha256"

	"wxarchive/internal/parallel"
	"wxarchive/model"
)

// ReextractMany runs Reextract over keys, in order, with the extraction
// (nearly all of its cost) done ahead on up to workers goroutines: for
// each article a worker runs a dry Reextract, which only reads and renders,
// through a memo of the renderings; the calling goroutine then runs the real
// Reextract of each article in order with that memo, so the writes stay
// serialized and in input order, and nothing is decided from what the
// workers saw: a memo only answers Render(raw, sourceURL) with what the
// renderer returned for the same bytes and URL. At most 2×workers articles'
// renderings wait at a time. emit hears each article's result (or error) in
// the order of keys; an error it returns stops the run.
//
// The caller holds the Lock unless dry, as for Reextract.
func (a *Archive) ReextractMany(ctx context.Context, keys []model.Key, r Renderer, dry bool, workers int,
	emit func(i int, res ReextractResult, err error) error) error {
	return parallel.OrderedMap(ctx, len(keys), workers, func(i int) *renderMemo {
		m := &renderMemo{r: r, done: map[[sha256.Size]byte]rendered{}}
		_, _ = a.Reextract(keys[i], m, true) // only renders; any error shows again below
		return m
	}, func(i int, m *renderMemo) error {
		res, err := a.Reextract(keys[i], m, dry)
		return emit(i, res, err)
	})
}

// renderMemo is a Renderer that remembers what r rendered for each page and
// source URL. One memo serves one article on one goroutine at a time: the
// worker fills it, then hands it over.
type renderMemo struct {
	r    Renderer
	done map[[sha256.Size]byte]rendered
}

type rendered struct {
	md  []byte
	err error
}

var _ Renderer = (*renderMemo)(nil)

func (m *renderMemo) Version() int { return m.r.Version() }

func (m *renderMemo) Render(raw []byte, sourceURL string) ([]byte, error) {
	h := sha256.New()
	h.Write(raw)
	h.Write([]byte{0})
	h.Write([]byte(sourceURL))
	var k [sha256.Size]byte
	h.Sum(k[:0])
	if d, ok := m.done[k]; ok {
		return d.md, d.err
	}
	md, err := m.r.Render(raw, sourceURL)
	m.done[k] = rendered{md: md, err: err}
	return md, err
}
