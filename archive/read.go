package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
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
		if err := a.checkHead(k, h); err != nil {
			return nil, err // an alias edited to name another article
		}
		k = h.AliasOf
		if h, err = a.loadHead(k); err != nil {
			return nil, err
		}
	}
	if h == nil {
		return nil, fmt.Errorf("archive: %s: %w", k, ErrNotFound)
	}
	// The head says which objects are this article's versions: one edited
	// by hand, or another article's put in its place, would show another
	// article's Markdown, which passes its own hash check.
	if err := a.checkHead(k, h); err != nil {
		return nil, err
	}
	return h, nil
}

// checkHead refuses the head of k when it was edited by hand (its own
// hash no longer matches) or is another article's (a file copied or
// swapped): readers would show what it forged, and a writer would sign it
// anew with the next capture, after which verify could no longer tell.
func (a *Archive) checkHead(k model.Key, h *head) error {
	switch {
	case h == nil:
		return nil
	case h.Key != k:
		return fmt.Errorf("archive: %s holds the head of %s: %w", a.headName(k), h.Key, ErrTampered)
	case h.Sum != "" && headSum(h) != h.Sum:
		return fmt.Errorf("archive: %s: %w", a.headName(k), ErrTampered)
	}
	return nil
}

// Info describes one article (a key or an alias).
func (a *Archive) Info(key model.Key) (*Info, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	return &h.Info, nil
}

// Captures returns every capture of an article, its aliases' included,
// in the order they were recorded. A record's Version is the number the
// version it made or matched has now (a version of an older page,
// inserted before it since, moved it up).
func (a *Archive) Captures(key model.Key) ([]CaptureRecord, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	recs, err := a.capturesOf(h)
	if err != nil {
		return nil, err
	}
	renumber(h, recs)
	return recs, nil
}

// VersionInfo describes one version of an article.
type VersionInfo struct {
	N         int       `json:"n"`
	SHA       string    `json:"sha"`            // content hash of the Markdown as first recorded
	File      string    `json:"file,omitempty"` // version file of the layout before, relative to the archive
	Time      time.Time `json:"time"`           // when the page behind it was read
	Extractor int       `json:"extractor"`      // extractor that first rendered it
	Derived   bool      `json:"derived,omitempty"`
	// Renderings are later renderings of the same page by newer
	// extractors (no edit), oldest first.
	Renderings []RenderingInfo `json:"renderings,omitempty"`
}

// RenderingInfo is one rendering of a version by a newer extractor.
type RenderingInfo struct {
	SHA       string    `json:"sha"`
	Extractor int       `json:"extractor"`
	Time      time.Time `json:"time"`
}

// Versions lists an article's versions, oldest first.
func (a *Archive) Versions(key model.Key) ([]VersionInfo, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, len(h.History))
	for i, v := range h.History {
		out[i] = VersionInfo{N: v.N, SHA: v.SHA, File: v.File, Time: v.Time, Extractor: extractorOf(v.Extractor), Derived: v.Derived}
		for _, r := range v.Renderings {
			out[i].Renderings = append(out[i].Renderings, RenderingInfo{SHA: r.SHA, Extractor: r.Extractor, Time: r.Time})
		}
	}
	return out, nil
}

// Version returns version n's Markdown as first recorded (original image
// URLs); n <= 0 means the latest. The bytes are checked against their
// hash: tampered content is refused with an error naming the file.
func (a *Archive) Version(key model.Key, n int) ([]byte, error) {
	return a.version(key, n, false)
}

// Rendering returns version n's latest rendering (by the newest extractor
// that rendered its page; the version itself when none did), checked like
// Version. Compare renderings to compare versions under one extractor.
func (a *Archive) Rendering(key model.Key, n int) ([]byte, error) {
	return a.version(key, n, true)
}

func (a *Archive) version(key model.Key, n int, latest bool) ([]byte, error) {
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
	v := &h.History[n-1]
	if latest {
		return a.markdownOf(v.currentRef())
	}
	return a.markdownOf(v.ref())
}

// mdRef names a stored Markdown object and what the archive knows of its
// bytes, to check them (see markdownOf).
type mdRef struct {
	sum     string // content hash: the object's name
	exact   string // SHA-256 of its exact bytes ("" before they were recorded)
	id      string // its identity ("" before identities)
	file    string // the version file of the layout before, and its hash
	fileSHA string
}

func (v *versionRef) ref() mdRef {
	return mdRef{sum: v.SHA, exact: v.Exact, id: v.ID, file: v.File, fileSHA: v.FileSHA}
}

// currentRef is the ref of v's latest rendering (v itself when none).
func (v *versionRef) currentRef() mdRef {
	if n := len(v.Renderings); n > 0 {
		r := v.Renderings[n-1]
		return mdRef{sum: r.SHA, exact: r.Exact, id: r.ID}
	}
	return v.ref()
}

// markdownOf reads a Markdown object and checks it (mdProblem).
func (a *Archive) markdownOf(r mdRef) ([]byte, error) {
	name := a.mdName(r.sum)
	b, err := a.store.Get(name)
	if err != nil {
		return nil, err
	}
	if p := a.mdProblem(b, r); p != "" {
		return nil, fmt.Errorf("archive: %s: %w", name, ErrTampered)
	}
	return b, nil
}

// mdProblem checks the bytes of a Markdown object: against its name (the
// content hash, which skips CRLF, trailing space and source_url lines, as
// since the first layout), and against its exact hash when recorded. For a
// version recorded before exact hashes, the lines the name skips are
// checked against its identity when recorded, else against its version
// file of the layout before: an added or changed source_url line is never
// let through where anything recorded can tell it.
func (a *Archive) mdProblem(b []byte, r mdRef) string {
	if contentHash(b) != r.sum {
		return "content hash does not match its name"
	}
	switch {
	case r.exact != "":
		if sha(b) != r.exact {
			return "its bytes differ from those recorded (a line the name skips was changed?)"
		}
	case r.id != "":
		if identity(b) != r.id {
			return "its content differs from the identity recorded (a line the name skips was changed?)"
		}
	case r.file != "":
		if f, err := a.store.Get(a.versionFile(r.file)); err == nil && sha(f) == r.fileSHA &&
			!slices.Equal(skippedLines(b), skippedLines(f)) {
			return "its source_url line differs from its version file's"
		}
	}
	return ""
}

// mdObject reads a Markdown object named by its content hash alone and
// checks it against its name.
func (a *Archive) mdObject(sum string) ([]byte, error) {
	return a.markdownOf(mdRef{sum: sum})
}

// ReadState reads state/<name>; an error matching fs.ErrNotExist when missing.
func (a *Archive) ReadState(name string) ([]byte, error) {
	return a.store.Get(a.n.state + name)
}

// WriteState replaces state/<name> atomically; the caller holds the lock.
func (a *Archive) WriteState(name string, data []byte) error {
	return a.store.Put(a.n.state+name, data)
}

// AppendLog appends one line (a newline is added when missing) to
// logs/<name>, durably.
func (a *Archive) AppendLog(name string, line []byte) error {
	if len(line) == 0 || line[len(line)-1] != '\n' {
		line = append(line[:len(line):len(line)], '\n')
	}
	if ap, ok := a.store.(Appender); ok {
		return ap.Append(a.n.logs+name, line)
	}
	old, err := a.store.Get(a.n.logs + name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.store.Put(a.n.logs+name, append(old, line...))
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
