package archive

import (
	"fmt"
	"os"
	"path/filepath"
)

// CacheDir (layout.go) is the folder of the caches other packages derive
// from the store (the search index), hidden with it in .wxarchive/cache. A
// cache can be deleted at any time and rebuilt from the store.

// Stamp changes whenever an article's head is written: a cache compares it
// with the stamp it was built from to skip a catch-up when nothing changed.
// It is "" when the store cannot tell cheaply (then always catch up).
func (a *Archive) Stamp() (string, error) {
	fsst, ok := a.store.(interface{ Dir() string })
	if !ok {
		return "", nil
	}
	if _, err := a.store.Get(a.n.intent); err == nil {
		return "", nil // a write was cut short: List corrects the index
	}
	st, err := os.Stat(filepath.Join(fsst.Dir(), filepath.FromSlash(a.n.index)))
	if os.IsNotExist(err) {
		return "empty", nil
	}
	if err != nil {
		return "", fmt.Errorf("archive: stamp: %w", err)
	}
	return fmt.Sprintf("%d-%d", st.Size(), st.ModTime().UnixNano()), nil
}
