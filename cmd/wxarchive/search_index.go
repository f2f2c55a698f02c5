package main

import (
	"context"
	"os"

	"wxarchive/archive"
	"wxarchive/search"
)

// updateSearch brings the search index up to date after a writer recorded
// captures. The index is a cache: a failure is logged, never fatal
// (`wxarchive reindex` rebuilds it).
func (e *env) updateSearch(ctx context.Context, a *archive.Archive) {
	st, err := search.Update(ctx, a)
	switch {
	case err != nil:
		e.log.Warn("search index not updated; 'wxarchive reindex' rebuilds it", "err", err)
	case !st.Skipped && st.Indexed+st.Removed > 0:
		e.log.Debug("search index updated", "indexed", st.Indexed, "removed", st.Removed, "docs", st.Docs, "took", st.Took)
	}
}

// openSearch opens the archive's search index and brings it up to date.
// An archive folder that cannot be written to (a read-only copy) gets its
// index in a temporary folder instead, removed by the returned cleanup.
func (e *env) openSearch(ctx context.Context, a *archive.Archive) (*search.Index, func(), error) {
	ix, err := search.OpenArchive(a)
	cleanup := func() {}
	if err != nil {
		tmp, terr := os.MkdirTemp("", "wxarchive-search-")
		if terr != nil {
			return nil, nil, err
		}
		e.log.Warn("search index kept in a temporary folder", "reason", err, "dir", tmp)
		if ix, err = search.Open(tmp + "/" + search.FileName); err != nil {
			os.RemoveAll(tmp)
			return nil, nil, err
		}
		cleanup = func() { os.RemoveAll(tmp) }
	}
	st, err := ix.Update(ctx, a)
	if err != nil {
		ix.Close()
		cleanup()
		return nil, nil, err
	}
	if !st.Skipped && st.Indexed > 100 {
		e.log.Info("search index updated", "indexed", st.Indexed, "docs", st.Docs, "took", st.Took)
	}
	return ix, func() { ix.Close(); cleanup() }, nil
}
