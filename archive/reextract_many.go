package archive

import (
	"context"

	"wxarchive/internal/parallel"
	"wxarchive/model"
)

// ReextractMany runs Reextract over keys, in order, with the extraction
// (nearly all of its cost) done ahead on up to workers goroutines: for
// each article a worker runs a dry Reextract, which only reads and renders,
// through a memo of the renderings; the calling goroutine then runs the real
// Reextract of each article in order with that memo, so the writes stay
// serialized and in input order, and nothing is decided from what the
// workers saw: a memo only answers for a stored raw page (its hash names
// its bytes) and URL with what the renderer returned for them, without
// reading the page again. At most 2×workers articles' renderings wait at a
// time. emit hears each article's result (or error) in
// the order of keys; an error it returns stops the run.
//
// The caller holds the Lock unless dry, as for Reextract.
func (a *Archive) ReextractMany(ctx context.Context, keys []model.Key, r Renderer, dry bool, workers int,
	emit func(i int, res ReextractResult, err error) error) error {
	return parallel.OrderedMap(ctx, len(keys), workers, func(i int) *renderMemo {
		m := &renderMemo{r: r, done: map[memoKey]rendered{}}
		_, _ = a.Reextract(keys[i], m, true) // only renders; any error shows again below
		return m
	}, func(i int, m *renderMemo) error {
		res, err := a.Reextract(keys[i], m, dry)
		return emit(i, res, err)
	})
}

// renderMemo is a Renderer that remembers what r rendered of each stored
// raw page (by its hash) and source URL, so that the real pass neither reads
// nor extracts a page again. One memo serves one article on one goroutine
// at a time: the worker fills it, then hands it over.
type renderMemo struct {
	r    Renderer
	done map[memoKey]rendered
}

type memoKey struct {
	sum string
	src Origin
}

type rendered struct {
	md  []byte
	err error
}

var _ Renderer = (*renderMemo)(nil)

func (m *renderMemo) Version() int { return m.r.Version() }

// Render renders a page given by its bytes, without the memo (Reextract
// goes through renderRaw).
func (m *renderMemo) Render(raw []byte, from Origin) ([]byte, error) {
	return m.r.Render(raw, from)
}

// renderRaw is Archive.renderRaw through the memo. A page that cannot be
// read is not remembered: the real pass reads it again and meets the error
// itself.
func (m *renderMemo) renderRaw(a *Archive, sum string, src Origin) (md []byte, readErr, renderErr error) {
	k := memoKey{sum, src}
	if d, ok := m.done[k]; ok {
		return d.md, nil, d.err
	}
	raw, err := a.Raw(sum)
	if err != nil {
		return nil, err, nil
	}
	md, err = m.r.Render(raw, src)
	m.done[k] = rendered{md: md, err: err}
	return md, nil, err
}
