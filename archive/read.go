package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	"wxarchive/model"
)

// resolveHead loads the head of k, following an alias.
func (a *Archive) resolveHead(k model.Key) (*head, error) {
	if validKey(k) != nil {
		return nil, fmt.Errorf("archive: %q: %w", k, ErrNotFound)
	}
	h, err := a.loadHead(k)
	if err != nil {
		return nil, err
	}
	if h != nil && h.AliasOf != "" {
		target := h.AliasOf
		if h, err = a.loadHead(target); err != nil {
			return nil, err
		}
	}
	if h == nil {
		return nil, fmt.Errorf("archive: %s: %w", k, ErrNotFound)
	}
	return h, nil
}

// Info describes one article (a key or an alias).
func (a *Archive) Info(key model.Key) (*Info, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	return &h.Info, nil
}

// List returns every article, sorted by key, from the index (one file
// read, whatever the archive's size), corrected by the heads a crashed
// write left in the journal.
func (a *Archive) List() ([]Info, error) {
	m, _, err := a.readIndex()
	if err != nil {
		return nil, err
	}
	if b, err := a.store.Get(intentName); err == nil {
		var it intent
		if json.Unmarshal(b, &it) == nil {
			for _, k := range it.Keys {
				if h, err := a.loadHead(k); err == nil && h != nil {
					m[k] = indexEntry{Info: h.Info, AliasOf: h.AliasOf}
				}
			}
		}
	}
	out := make([]Info, 0, len(m))
	for _, e := range m {
		if e.AliasOf == "" {
			out = append(out, e.Info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Captures returns every capture of an article, its aliases' included,
// in the order they were recorded.
func (a *Archive) Captures(key model.Key) ([]CaptureRecord, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	var out []CaptureRecord
	for _, k := range append([]model.Key{h.Key}, h.Aliases...) {
		names, err := a.store.List(capturesDir + string(k) + "/")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			b, err := a.store.Get(n)
			if err != nil {
				return nil, err
			}
			var r CaptureRecord
			if err := json.Unmarshal(b, &r); err != nil {
				return nil, fmt.Errorf("archive: capture %s: %w", n, err)
			}
			r.Name = n
			out = append(out, r)
		}
	}
	// Record names start with the time they were recorded.
	sort.SliceStable(out, func(i, j int) bool { return path.Base(out[i].Name) < path.Base(out[j].Name) })
	return out, nil
}

// VersionInfo describes one version of an article.
type VersionInfo struct {
	N    int       `json:"n"`
	SHA  string    `json:"sha"`  // content hash
	File string    `json:"file"` // browsable version file, relative to the archive
	Time time.Time `json:"time"` // when it was recorded
}

// Versions lists an article's versions, oldest first.
func (a *Archive) Versions(key model.Key) ([]VersionInfo, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, len(h.History))
	for i, v := range h.History {
		out[i] = VersionInfo{N: v.N, SHA: v.SHA, File: v.File, Time: v.Time}
	}
	return out, nil
}

// Version returns version n's Markdown as extracted (original image URLs);
// n <= 0 means the latest.
func (a *Archive) Version(key model.Key, n int) ([]byte, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	if len(h.History) == 0 {
		return nil, fmt.Errorf("archive: %s has no version (state %s): %w", h.Key, h.State, ErrNotFound)
	}
	if n <= 0 {
		n = len(h.History)
	}
	if n > len(h.History) {
		return nil, fmt.Errorf("archive: %s has %d versions, no version %d: %w", h.Key, len(h.History), n, ErrNotFound)
	}
	return a.store.Get(mdName(h.History[n-1].SHA))
}

// ReadState reads state/<name>; an error matching fs.ErrNotExist when missing.
func (a *Archive) ReadState(name string) ([]byte, error) {
	return a.store.Get(stateDir + name)
}

// WriteState replaces state/<name> atomically; the caller holds the lock.
func (a *Archive) WriteState(name string, data []byte) error {
	return a.store.Put(stateDir+name, data)
}

// AppendLog appends one line (a newline is added when missing) to
// logs/<name>, durably.
func (a *Archive) AppendLog(name string, line []byte) error {
	if len(line) == 0 || line[len(line)-1] != '\n' {
		line = append(line[:len(line):len(line)], '\n')
	}
	if ap, ok := a.store.(Appender); ok {
		return ap.Append(logsDir+name, line)
	}
	old, err := a.store.Get(logsDir + name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.store.Put(logsDir+name, append(old, line...))
}

// ImageRefs returns the images already stored for an article (original URL
// → blob ref), so a recapture need not download them again. An unknown
// article has none.
func (a *Archive) ImageRefs(key model.Key) (map[string]string, error) {
	h, err := a.resolveHead(key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return h.Images, nil
}
