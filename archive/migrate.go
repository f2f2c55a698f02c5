package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"wxarchive/model"
)

// migratingName marks a migration in progress: a crash leaves it, and the
// next writer finishes the migration.
const migratingName = hiddenDir + "migrating"

// migrate turns an archive of the layout before (commit 1a4800b) into the
// vault layout, under the lock. Every step can be run again: a crash at
// any instant leaves an archive the next writer finishes migrating, and
// that readers read meanwhile (each part where it is).
//
//  1. mark the migration (.wxarchive/migrating);
//  2. move each part, folder by folder (one rename each): heads, captures,
//     versions, objects/raw, objects/md, index, journal, state, logs into
//     .wxarchive/, objects/blob to assets/;
//  3. rewrite each head: image refs and version files at their new names,
//     the capture records found anchored (chainRef.Base), the time of the
//     observation behind its state, the readable file rewritten with the
//     new image links and fields unless edited by hand (then the new
//     content goes beside it), and its hash remembered;
//  4. rebuild the index, write .wxarchive/format, drop the mark and the old
//     top-level lock file.
//
// Stored versions (Markdown objects, version files, capture records, raw
// pages, images) are moved, never rewritten.
func (a *Archive) migrate() error {
	mv, ok := a.store.(Mover)
	if !ok {
		return errors.New("archive: migrate: this store cannot move folders")
	}
	a.log.Info("archive: moving the archive to the vault layout (store in .wxarchive/, images in assets/)", "dir", a.dir)
	if err := a.store.Put(migratingName, []byte("migrating from the layout of commit 1a4800b\n")); err != nil {
		return err
	}
	moves := []struct{ from, to string }{
		{"heads", ".wxarchive/heads"}, {"captures", ".wxarchive/captures"}, {"versions", ".wxarchive/versions"},
		{"objects/raw", ".wxarchive/objects/raw"}, {"objects/md", ".wxarchive/objects/md"}, {"objects/blob", "assets"},
		{"index", ".wxarchive/index"}, {"journal", ".wxarchive/journal"}, {"state", ".wxarchive/state"}, {"logs", ".wxarchive/logs"},
	}
	for _, m := range moves {
		if err := a.moveFolder(mv, m.from, m.to); err != nil {
			return fmt.Errorf("archive: migrate %s: %w", m.from, err)
		}
	}
	if fsst, ok := a.store.(interface{ Dir() string }); ok {
		for _, m := range moves { // empty folders the layout before left
			_ = os.Remove(filepath.Join(fsst.Dir(), filepath.FromSlash(m.from)))
		}
		_ = os.Remove(filepath.Join(fsst.Dir(), "objects"))
	}
	a.n, a.legacy = vaultNames, false
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := a.migrateHead(keyOfHead(a.n.heads, n)); err != nil {
			return fmt.Errorf("archive: migrate %s: %w", n, err)
		}
	}
	if err := a.Reindex(); err != nil {
		return err
	}
	// The root verify printed before the migration (a reader leaves that
	// archive as it is) is the root of the history as migrated: anchor
	// it, so that 'verify --root' with it shows the migration and what
	// follows only appended.
	if err := a.anchorNow(); err != nil {
		return err
	}
	if fsst, ok := a.store.(interface{ Dir() string }); ok {
		_ = os.Remove(filepath.Join(fsst.Dir(), legacyNames.lock))
	}
	if err := a.store.Delete(migratingName); err != nil {
		return err
	}
	if err := a.store.Put(formatName, []byte(formatV2)); err != nil {
		return err
	}
	a.log.Info("archive: migrated to the vault layout", "articles", len(names))
	return nil
}

// moveFolder moves a folder in one rename, or, when the target exists
// (a migration cut short between two moves of one part cannot happen with
// renames, but a writer of the layout before may have written meanwhile),
// name by name.
func (a *Archive) moveFolder(mv Mover, from, to string) error {
	names, err := a.store.List(from + "/")
	if err != nil || len(names) == 0 {
		return err
	}
	there, err := a.store.List(to + "/")
	if err != nil {
		return err
	}
	if len(there) == 0 {
		return mv.Move(from, to)
	}
	for _, n := range names {
		dst := to + strings.TrimPrefix(n, from)
		if _, err := a.store.Get(dst); err == nil {
			if err := a.store.Delete(n); err != nil {
				return err
			}
			continue
		}
		if err := mv.Move(n, dst); err != nil {
			return err
		}
	}
	return nil
}

// migrateHead rewrites one head for the vault layout (idempotent).
func (a *Archive) migrateHead(k model.Key) error {
	h, err := a.loadHead(k)
	if err != nil || h == nil {
		return err
	}
	// A head of the layout before has no hash of itself; one that has was
	// written in this layout (a migration resumed): edited by hand since,
	// it is refused, not signed anew.
	if err := a.checkHead(k, h); err != nil {
		return err
	}
	legacyImages := map[string]string{}
	for u, ref := range h.Images {
		if rest, ok := strings.CutPrefix(ref, legacyNames.blob); ok {
			h.Images[u] = a.n.blob + rest
			legacyImages[u] = ref
		} else {
			legacyImages[u] = legacyNames.blob + strings.TrimPrefix(ref, a.n.blob)
		}
	}
	for i := range h.History {
		if v := &h.History[i]; strings.HasPrefix(v.File, legacyNames.versions) {
			v.File = hiddenDir + v.File
		}
	}
	if h.Chain.N == 0 {
		recs, err := a.keyCaptures(k)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(recs, func(r CaptureRecord) bool { return r.Seq != 0 }) {
			return fmt.Errorf("archive: %s has chained capture records but no chain in its head", k)
		}
		h.Chain = legacyChain(recs)
	}
	var plan readablePlan
	if h.AliasOf == "" {
		recs, err := a.capturesOf(h)
		if err != nil {
			return err
		}
		if r := replayState(recs); r.dated {
			h.State, h.StateAt, h.StateSince = r.state, r.at, r.since
		}
		for _, r := range recs {
			if r.Time.After(h.LastCapture) {
				h.LastCapture = r.Time
			}
		}
		if h.Path != "" && len(h.Readable.Files) == 0 {
			// The readable file as the layout before wrote it is the
			// store's: rewrite it. Anything else is the user's.
			if old, err := a.legacyReadable(h, legacyImages); err == nil {
				if disk, err := a.store.Get(h.Path); err == nil && sha(disk) == sha(old) {
					a.track(h, h.Path, sha(old), sha(old))
				}
			}
		}
		if plan, err = a.planReadable(h); err != nil {
			return err
		}
	}
	if err := a.putHead(h); err != nil {
		return err
	}
	return a.writePlanned(plan)
}

// legacyReadable is the readable file the layout before wrote for h.
func (a *Archive) legacyReadable(h *head, images map[string]string) ([]byte, error) {
	last := h.last()
	if last == nil {
		return nil, fs.ErrNotExist
	}
	md, err := a.store.Get(a.mdName(last.SHA))
	if err != nil {
		return nil, err
	}
	return rewriteImages(md, images, h.Path), nil
}

type replayed struct {
	state     model.State
	at, since time.Time
	dated     bool // the state comes from a dated observation
}

// replayState gives the state the capture records imply: the newest
// dated observation by time (failed and blocked captures say nothing); an
// undated one only when no dated one exists.
func replayState(recs []CaptureRecord) replayed {
	s := slices.Clone(recs)
	slices.SortStableFunc(s, func(x, y CaptureRecord) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(filepath.Base(x.Name), filepath.Base(y.Name))
	})
	var h head
	var r replayed
	for i := range s {
		observeState(&h, &s[i])
		if observes(&s[i]) && !s[i].Undated && s[i].State != "" && s[i].Outcome != model.OutcomeFailed {
			r.dated = true
		}
	}
	r.state, r.at, r.since = h.State, h.StateAt, h.StateSince
	return r
}
