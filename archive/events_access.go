package archive

import (
	"fmt"
	"io/fs"
)

// Accessors for the event log (package events): a version's Markdown by
// its content hash, and whole-log reads and replacement. They name things
// through the archive, never by path, so the layout may move.

// Markdown returns a version's Markdown as extracted, named by the content
// hash its capture record carries (CaptureRecord.ContentHash).
func (a *Archive) Markdown(sum string) ([]byte, error) {
	if !isHexSHA(sum) {
		return nil, fmt.Errorf("archive: markdown %q: not a content hash: %w", sum, fs.ErrNotExist)
	}
	return a.mdObject(sum)
}

// ReadLog reads logs/<name> whole; an error matching fs.ErrNotExist when
// missing. A crash may have left its last line torn.
func (a *Archive) ReadLog(name string) ([]byte, error) {
	return a.store.Get(a.n.logs + name)
}

// ReplaceLog replaces logs/<name> atomically (a log rebuilt from the
// captures); the caller holds the lock.
func (a *Archive) ReplaceLog(name string, data []byte) error {
	return a.store.Put(a.n.logs+name, data)
}

func isHexSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
