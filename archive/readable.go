package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"wxarchive/model"
)

// Readable files are the user's to edit: the store remembers the hash of
// every readable file it wrote, and rewrites a file only while it still
// holds what the store wrote. A file edited by hand is kept untouched and
// the new content goes beside it ("<name> (v3).md"); a file deleted by hand
// stays deleted until Restore.

// readableRef is what a head remembers of its readable files.
type readableRef struct {
	// Current is where the latest content lives: the article's Path, or a
	// copy beside it when Path was edited by hand.
	Current string `json:"current,omitempty"`
	// Files are the readable files the store wrote for the article.
	Files map[string]fileSum `json:"files,omitempty"`
}

// fileSum is the hash of what the store wrote (or is about to write) in a
// readable file, and the hash of what it wrote before, which a crash
// between the commit and the write leaves there.
type fileSum struct {
	SHA  string `json:"sha"`
	Prev string `json:"prev,omitempty"`
}

// readablePlan is the readable file Record writes after its commit.
type readablePlan struct {
	path    string // "" when nothing is to be written
	content []byte
	notes   []string
}

// readableContent is what the readable file of h holds: the latest
// rendering of the latest version, its images pointing at the local copies,
// and (in the vault layout) the readable-only front matter fields.
func (a *Archive) readableContent(h *head) ([]byte, error) {
	last := h.last()
	if last == nil || h.Path == "" {
		return nil, nil
	}
	md, err := a.markdownOf(last.currentRef()) // never a tampered object into the readable file
	if err != nil {
		return nil, err
	}
	return a.readableFrom(h, md), nil
}

// readableFrom is readableContent of h given its latest Markdown.
func (a *Archive) readableFrom(h *head, md []byte) []byte {
	last := h.last()
	body := rewriteImages(md, h.Images, h.Path)
	if a.legacy {
		return body
	}
	f := readableFields{state: h.State, stateSince: h.StateSince}
	if !last.Undated {
		f.captured = last.Time
	}
	if cov := frontMatterValue(md, "cover"); cov != "" && h.Images[cov] != "" {
		f.cover = relPath(path.Dir(h.Path), h.Images[cov])
	}
	return readableFrontMatter(body, f)
}

// planReadable decides where the latest content of h goes, before the
// commit, and records it in h.Readable.
func (a *Archive) planReadable(h *head) (readablePlan, error) {
	want, err := a.readableContent(h)
	if err != nil || want == nil {
		return readablePlan{}, err
	}
	wsum := sha(want)
	for i := 0; i < 20; i++ {
		target := besideName(h.Path, len(h.History), i)
		known, tracked := h.Readable.Files[target]
		disk, err := a.store.Get(target)
		missing := errors.Is(err, fs.ErrNotExist)
		// A link or a special file put there by hand: the user's, never
		// followed (a link to /dev/zero or a FIFO would hang the writer).
		foreign := errors.Is(err, ErrNotRegular)
		if errors.Is(err, errLinkedFolder) {
			// The folder is a link put there by hand (elsewhere, out of
			// the archive perhaps): every name in it is the same case.
			return readablePlan{notes: []string{fmt.Sprintf("the folder of %s is a symbolic link: nothing written through it", target)}}, nil
		}
		if err != nil && !missing && !foreign {
			return readablePlan{}, err
		}
		var p readablePlan
		switch {
		case foreign:
			if !tracked {
				if h.Readable.Files == nil {
					h.Readable.Files = map[string]fileSum{}
				}
				h.Readable.Files[target] = fileSum{}
			}
			continue
		case missing && tracked && i == 0:
			// Deleted by hand: the user's choice, until Restore. A copy
			// beside it that the store wrote (the file was edited, then
			// deleted) is still the store's: it keeps the latest content.
			if p, ok := a.planBeside(h, want, wsum); ok {
				return p, nil
			}
			return readablePlan{notes: []string{fmt.Sprintf("%s was deleted by hand: not written again ('wxarchive restore %s' does)", target, h.Key)}}, nil
		case missing && !tracked:
			// A new copy beside: not a path another article claims.
			if free, err := a.pathFree(target, h.Key); err != nil {
				return readablePlan{}, err
			} else if !free {
				continue
			}
			if err := a.claim(target, h.Key); err != nil {
				return readablePlan{}, err
			}
		case missing:
		case sha(disk) == wsum:
			a.track(h, target, wsum, wsum)
			return p, nil
		case tracked && (sha(disk) == known.SHA || sha(disk) == known.Prev):
		default:
			// Edited by hand, or a file the store did not write: the
			// user's. Remember it as such (no hash of ours).
			if !tracked {
				if h.Readable.Files == nil {
					h.Readable.Files = map[string]fileSum{}
				}
				h.Readable.Files[target] = fileSum{}
			}
			continue
		}
		prev := ""
		if !missing {
			prev = sha(disk)
		}
		a.track(h, target, wsum, prev)
		p.path, p.content = target, want
		if i > 0 {
			p.notes = []string{fmt.Sprintf("%s was edited by hand: kept as it is; the new content is in %s", h.Path, target)}
		}
		return p, nil
	}
	return readablePlan{notes: []string{fmt.Sprintf("%s and the copies beside it were edited by hand: nothing written", h.Path)}}, nil
}

// planBeside plans the latest content into the copy beside the article's
// path that holds its latest content (Readable.Current), when the store
// wrote that copy and it still holds what the store wrote.
func (a *Archive) planBeside(h *head, want []byte, wsum string) (readablePlan, bool) {
	cur := h.Readable.Current
	known, tracked := h.Readable.Files[cur]
	if cur == "" || cur == h.Path || !tracked || known.SHA == "" {
		return readablePlan{}, false
	}
	disk, err := a.store.Get(cur)
	if err != nil {
		return readablePlan{}, false // deleted too, or unreadable: leave it
	}
	note := []string{fmt.Sprintf("%s was deleted by hand: the latest content is in %s", h.Path, cur)}
	switch sha(disk) {
	case wsum:
		a.track(h, cur, wsum, wsum)
		return readablePlan{notes: note}, true
	case known.SHA, known.Prev:
		a.track(h, cur, wsum, sha(disk))
		return readablePlan{path: cur, content: want, notes: note}, true
	}
	return readablePlan{}, false // edited by hand as well: the user's
}

func (a *Archive) track(h *head, p, sum, prev string) {
	if h.Readable.Files == nil {
		h.Readable.Files = map[string]fileSum{}
	}
	h.Readable.Files[p] = fileSum{SHA: sum, Prev: prev}
	h.Readable.Current = p
}

// besideName is the readable path of h's latest content: the article's
// path, or, when that was edited by hand, "<name> (vN).md" beside it.
func besideName(p string, n, i int) string {
	switch i {
	case 0:
		return p
	case 1:
		return fmt.Sprintf("%s (v%d).md", strings.TrimSuffix(p, ".md"), n)
	}
	return fmt.Sprintf("%s (v%d-%d).md", strings.TrimSuffix(p, ".md"), n, i)
}

func (a *Archive) writePlanned(p readablePlan) error {
	if p.path == "" {
		return nil
	}
	return a.store.Put(p.path, p.content)
}

// finishReadable writes the latest content where the head says it goes,
// when the file there still holds what the store wrote before (a crash or
// a full disk cut the write short). Used by recovery.
func (a *Archive) finishReadable(h *head) error {
	want, err := a.readableContent(h)
	if err != nil || want == nil {
		return err
	}
	target := h.Readable.Current
	if target == "" {
		target = h.Path
	}
	known, tracked := h.Readable.Files[target]
	disk, err := a.store.Get(target)
	missing := errors.Is(err, fs.ErrNotExist)
	if errors.Is(err, ErrNotRegular) {
		return nil // a link or special file put there by hand: the user's
	}
	if err != nil && !missing {
		return err
	}
	switch {
	case !missing && sha(disk) == sha(want):
		return nil
	case !tracked && !missing: // a file the store did not write
		return nil
	case tracked && known.SHA != sha(want):
		return nil // the head did not plan this content here
	case missing && tracked && known.Prev != "":
		return nil // deleted by hand
	case !missing && tracked && sha(disk) != known.Prev:
		return nil // edited by hand
	}
	return a.store.Put(target, want)
}

// Restore writes an article's readable file again at its path: one that
// was deleted by hand, or lost. A file edited by hand is the user's and is
// never overwritten: Restore then says so. The caller holds the Lock.
func (a *Archive) Restore(key model.Key) (string, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return "", err
	}
	want, err := a.readableContent(h)
	if err != nil {
		return "", err
	}
	if want == nil {
		return "", fmt.Errorf("archive: restore %s: no version to write (state %s)", h.Key, h.State)
	}
	disk, err := a.store.Get(h.Path)
	switch {
	case err == nil && sha(disk) == sha(want):
	case err == nil && sha(disk) != h.Readable.Files[h.Path].SHA:
		return "", fmt.Errorf("archive: restore %s: %s was edited by hand; move it away first", h.Key, h.Path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	prev := ""
	if err == nil {
		prev = sha(disk)
	}
	a.track(h, h.Path, sha(want), prev)
	if err := a.putIntent(intent{Keys: []model.Key{h.Key}}); err != nil {
		return "", err
	}
	if err := a.putHead(h); err != nil {
		return "", err
	}
	if err := a.store.Put(h.Path, want); err != nil {
		return "", err
	}
	if err := a.appendIndex(h, nil); err != nil {
		return "", err
	}
	return h.Path, a.settleJournal([]model.Key{h.Key})
}
