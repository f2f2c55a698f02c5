package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"context"

	"wxarchive/model"
)

// SavedIngester captures one page saved from a browser (a file), with the
// local copies of its images.
type SavedIngester interface {
	IngestFile(ctx context.Context, path string) Result
}

// InboxState is the name of the inbox memory in the archive's state.
const InboxState = "inbox.json"

// inboxEntry is what became of one saved file, found by its content hash.
type inboxEntry struct {
	File    string        `json:"file"` // the name it had when it was read
	At      time.Time     `json:"at"`   // when it was ingested
	Key     model.Key     `json:"key,omitempty"`
	Outcome model.Outcome `json:"outcome,omitempty"`
	Skipped string        `json:"skipped,omitempty"` // why it is not ingested (not a WeChat page, too large)
}

// inboxMemory is the inbox state: file content hash → entry.
type inboxMemory struct {
	Version int                   `json:"version"`
	Files   map[string]inboxEntry `json:"files"`
}

func loadInbox(s Store) (*inboxMemory, error) {
	m := &inboxMemory{Version: 1, Files: map[string]inboxEntry{}}
	data, err := s.ReadState(InboxState)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: read %s: %w", InboxState, err)
	}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("pipeline: %s is damaged (%v): move it away to ingest the inbox again", InboxState, err)
	}
	if m.Files == nil {
		m.Files = map[string]inboxEntry{}
	}
	return m, nil
}

func (m *inboxMemory) save(s Store) error {
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	return s.WriteState(InboxState, data)
}

// ingested returns, per article, when an inbox file of it was last
// ingested: for the recheck schedule that counts as a capture attempt.
func (m *inboxMemory) ingested() map[model.Key]time.Time {
	out := map[model.Key]time.Time{}
	for _, e := range m.Files {
		if e.Key != "" && e.At.After(out[e.Key]) {
			out[e.Key] = e.At
		}
	}
	return out
}

// savedPage reports whether name is a page a browser saves.
func savedPage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml", ".shtml":
		return !strings.HasPrefix(name, ".")
	}
	return false
}

// inbox ingests the new files of the sources.saved folders: pages saved
// from a browser (with their <name>_files/ folder, or SingleFile pages with
// images inline). A file is remembered by its content hash and never read
// twice; one that is not a WeChat page is reported once and then skipped.
// Nothing here touches the network.
func (ps *pass) inbox(ctx context.Context) {
	dirs := ps.p.Config.Sources.Saved
	if len(dirs) == 0 {
		return
	}
	if ps.p.Saved == nil {
		ps.log.Warn("sources.saved needs a saved-page ingester; skipped")
		return
	}
	changed := false
	for _, d := range dirs {
		dir := ps.path(d)
		entries, err := os.ReadDir(dir)
		if err != nil {
			ps.sourceErr("saved", d, fmt.Errorf("pipeline: inbox: %w", err))
			continue
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, de := range entries {
			if ctx.Err() != nil {
				break
			}
			if de.IsDir() || !savedPage(de.Name()) {
				continue
			}
			if ps.inboxFile(ctx, filepath.Join(dir, de.Name())) {
				changed = true
			}
		}
	}
	if changed {
		if err := ps.in.save(ps.p.Store); err != nil {
			ps.sourceErr("saved", "inbox", fmt.Errorf("pipeline: save %s: %w", InboxState, err))
		}
	}
}

// inboxFile ingests one file unless it was seen; it reports whether the
// inbox memory changed.
func (ps *pass) inboxFile(ctx context.Context, name string) bool {
	sum, size, err := hashFile(name)
	if err != nil {
		ps.sourceErr("saved", name, fmt.Errorf("pipeline: inbox: %w", err))
		return false
	}
	if _, seen := ps.in.Files[sum]; seen {
		return false
	}
	now := ps.p.now()
	if size > model.MaxPageSize {
		ps.log.Warn("inbox: not a saved page, skipped from now on", "file", name,
			"reason", fmt.Sprintf("larger than %d MiB", model.MaxPageSize>>20))
		ps.in.Files[sum] = inboxEntry{File: filepath.Base(name), At: now, Skipped: "too large"}
		return true
	}
	r := ps.p.Saved.IngestFile(ctx, name)
	if r.NotPage {
		ps.log.Warn("inbox: not a WeChat article page, skipped from now on", "file", name, "err", r.Err)
		ps.in.Files[sum] = inboxEntry{File: filepath.Base(name), At: now, Skipped: errString(r.Err)}
		return true
	}
	if r.Outcome == "" || r.Outcome == model.OutcomeFailed {
		ps.sum.Failed++
		ps.log.Warn("inbox: saved page not ingested; tried again next pass", "file", name, "err", r.Err)
		return false
	}
	ps.sum.Inbox++
	ps.sum.count(r.Outcome)
	ps.written(r)
	ps.in.Files[sum] = inboxEntry{File: filepath.Base(name), At: now, Key: r.Key, Outcome: r.Outcome}
	if r.Key != "" {
		if _, ok := ps.archived[r.Key]; !ok {
			ps.archived[r.Key] = Article{Key: r.Key, Biz: r.Biz, LastCapture: now}
		}
		ps.follow(r.Key, r.Biz, 0, r.Related)
	}
	return true
}

// written notes an article a capture created or changed, for the summary.
func (ps *pass) written(r Result) {
	if (r.Outcome == model.OutcomeCreated || r.Outcome == model.OutcomeUpdated) && r.Path != "" {
		ps.sum.Written = append(ps.sum.Written, r.Path)
	}
}

func errString(err error) string {
	if err == nil {
		return "not a WeChat article page"
	}
	return err.Error()
}

// hashFile is the SHA-256 of a file's content, and its size; a file over
// the page size limit is not read (its hash is of its name and size).
func hashFile(name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	if fi.Size() > model.MaxPageSize {
		fmt.Fprintf(h, "too large\x00%s\x00%d\x00%d", filepath.Base(name), fi.Size(), fi.ModTime().UnixNano())
	} else if _, err := io.Copy(h, f); err != nil {
		return "", 0, fmt.Errorf("read %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), fi.Size(), nil
}
