package archive

import (
	"fmt"
	"os"
	"path/filepath"
)

// cacheDir is the folder, inside the archive folder, of the caches other
// packages derive from the store (the search index). A cache can be
// deleted at any time and rebuilt from the store.
const cacheDir = "cache"

// CacheDir is the folder where derived caches (the search index) live.
// Callers ask for it rather than assume the layout.
func (a *Archive) CacheDir() string { return filepath.Join(a.dir, cacheDir) }

// Stamp changes whenever an article's head is written: a cache compares it
// with the stamp it was built from to skip a catch-up when nothing changed.
// It is "" when the store cannot tell cheaply (then always catch up).
func (a *Archive) Stamp() (string, error) {
	fsst, ok := a.store.(*FSStore)
	if !ok {
		return "", nil
	}
	if _, err := a.store.Get(intentName); err == nil {
		return "", nil // a write was cut short: List corrects the index
	}
	st, err := os.Stat(filepath.Join(fsst.root, filepath.FromSlash(indexName)))
	if os.IsNotExist(err) {
		return "empty", nil
	}
	if err != nil {
		return "", fmt.Errorf("archive: stamp: %w", err)
	}
	return fmt.Sprintf("%d-%d", st.Size(), st.ModTime().UnixNano()), nil
}
