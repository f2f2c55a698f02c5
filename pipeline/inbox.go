package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"wxarchive/internal/savedpage"
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
	// Missing counts the local image files (<name>_files/…) the page
	// referenced that were not there when it was ingested: it is read
	// again when some arrive.
	Missing int `json:"missing,omitempty"`
}

// inboxMemory is the inbox state: file content hash → entry.
type inboxMemory struct {
	Version int                   `json:"version"`
	Files   map[string]inboxEntry `json:"files"`
	// Seen remembers, per path, the size and modification time of the
	// file when its content hash was taken: a file that has not changed
	// since is not read and hashed again every pass (a large inbox would
	// be read whole each time).
	Seen map[string]seenFile `json:"seen,omitempty"`
}

// seenFile is a file of the inbox as it was when hashed.
type seenFile struct {
	Size int64  `json:"size"`
	Mod  int64  `json:"mod"` // modification time, Unix nanoseconds
	Sum  string `json:"sum"`
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

// DefaultInboxSettle is how long a saved page and its <name>_files/ folder
// must be left unmodified before the inbox reads them: a browser may still
// be writing them.
const DefaultInboxSettle = 10 * time.Second

func (p *Pipeline) inboxSettle() time.Duration {
	switch {
	case p.InboxSettle < 0:
		return 0
	case p.InboxSettle == 0:
		return DefaultInboxSettle
	}
	return p.InboxSettle
}

// inboxFile is a saved page of the inbox to ingest this pass.
type inboxFile struct {
	name    string // path
	sum     string // SHA-256 of its content
	size    int64
	missing int       // local image files it references that are not there
	present int       // local image files it references that are there
	settled time.Time // when it (and its _files/ folder) was last modified
	whole   bool      // it ends with </html>: not a page cut short
	again   bool      // seen before with images missing, now more are present
}

// inbox ingests the new files of the sources.saved folders: pages saved
// from a browser (with their <name>_files/ folder, or SingleFile pages with
// images inline). A file is remembered by its content hash and not read
// again, unless local images it references were missing and have appeared
// since. Only regular files are read (never a FIFO or a device, which would
// block or never end), and only once they and their folder have been left
// alone for a few seconds (a browser may still be saving them). What is not
// a WeChat page is reported once, in one line. Nothing here touches the
// network.
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
	var todo []inboxFile
	var special []string
	ps.inboxSeen = map[string]seenFile{}
	defer func() {
		if ctx.Err() != nil { // a pass cut short saw only some files
			for n, s := range ps.in.Seen {
				if _, ok := ps.inboxSeen[n]; !ok {
					ps.inboxSeen[n] = s
				}
			}
		}
		if !maps.Equal(ps.in.Seen, ps.inboxSeen) {
			ps.in.Seen, changed = ps.inboxSeen, true
		}
		if !changed {
			return
		}
		if err := ps.in.save(ps.p.Store); err != nil {
			ps.sourceErr("saved", "inbox", fmt.Errorf("pipeline: save %s: %w", InboxState, err))
		}
	}()
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
				return
			}
			if !savedPage(de.Name()) {
				continue
			}
			name := filepath.Join(dir, de.Name())
			fi, err := os.Stat(name) // a link is followed: to what it names
			if err != nil {
				ps.sourceErr("saved", name, fmt.Errorf("pipeline: inbox: %w", err))
				continue
			}
			if fi.IsDir() {
				continue
			}
			if !fi.Mode().IsRegular() {
				special = append(special, name)
				ps.log.Debug("inbox: not a regular file, skipped", "file", name, "mode", fi.Mode().Type().String())
				continue
			}
			f, ok, err := ps.inboxCandidate(name, fi)
			switch {
			case errors.Is(err, errNotRegular):
				special = append(special, name)
			case err != nil:
				ps.sourceErr("saved", name, fmt.Errorf("pipeline: inbox: %w", err))
			case ok:
				todo = addInboxFile(todo, f)
			case f.sum != "":
				changed = true // remembered as too large
			}
		}
	}
	if len(special) > 0 {
		ps.log.Warn(fmt.Sprintf("inbox: %s not a regular file (a FIFO, a device, a socket): skipped", countOf(len(special), "entry is", "entries are")),
			"first", special[0])
	}
	todo = ps.settle(ctx, todo)
	var notPages []string
	for _, f := range todo {
		if ctx.Err() != nil {
			break
		}
		done, notPage := ps.ingestInboxFile(ctx, f)
		if done {
			changed = true
		}
		if notPage {
			notPages = append(notPages, f.name)
		}
	}
	switch len(notPages) {
	case 0:
	case 1:
		ps.log.Warn("inbox: not a WeChat article page, skipped from now on", "file", notPages[0])
	default:
		ps.log.Warn(fmt.Sprintf("inbox: %d files are not WeChat article pages, skipped from now on (the list: WXARCHIVE_LOG=debug)", len(notPages)),
			"first", notPages[0])
	}
}

// addInboxFile adds f to the files to ingest, unless a file of the same
// content is there already: the same page saved twice under two names is
// ingested once, from the copy that has more of its local images beside it.
func addInboxFile(todo []inboxFile, f inboxFile) []inboxFile {
	for i, g := range todo {
		if g.sum == f.sum {
			if f.present > g.present || (f.present == g.present && f.missing < g.missing) {
				todo[i] = f
			}
			return todo
		}
	}
	return append(todo, f)
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// inboxCandidate reads one inbox file and says whether it is to be
// ingested: it is new, or it was ingested while local images it references
// were missing and more of them are present now. A file over the page size
// limit is remembered as such (f.sum set, ok false). fi is name's stat when
// the caller has it (nil: taken here).
func (ps *pass) inboxCandidate(name string, fi fs.FileInfo) (f inboxFile, ok bool, err error) {
	if fi == nil {
		fi, _ = os.Stat(name)
	}
	if fi != nil {
		s, known := ps.in.Seen[name]
		if known && s.Size == fi.Size() && s.Mod == fi.ModTime().UnixNano() {
			// Unchanged since it was hashed: read again only if it waits
			// for local images.
			if e, seen := ps.in.Files[s.Sum]; seen && (e.Skipped != "" || e.Missing == 0) {
				ps.inboxSeen[name] = s
				return inboxFile{}, false, nil
			}
		}
	}
	raw, sum, fi, err := readInboxFile(name)
	if err != nil {
		return f, false, err
	}
	ps.inboxSeen[name] = seenFile{Size: fi.Size(), Mod: fi.ModTime().UnixNano(), Sum: sum}
	f = inboxFile{name: name, sum: sum, size: fi.Size(), settled: fi.ModTime(), whole: endsHTML(raw)}
	if raw == nil { // too large
		if _, seen := ps.in.Files[sum]; seen {
			return inboxFile{}, false, nil
		}
		ps.log.Warn("inbox: not a saved page, skipped from now on", "file", name,
			"reason", fmt.Sprintf("larger than %d MiB", model.MaxPageSize>>20))
		ps.in.Files[sum] = inboxEntry{File: filepath.Base(name), At: ps.p.now(), Skipped: "too large"}
		return f, false, nil
	}
	refs := localImageRefs(raw, name)
	present := 0
	for _, r := range refs {
		img := filepath.Join(filepath.Dir(name), filepath.FromSlash(r))
		if fi, err := os.Stat(img); err == nil && fi.Mode().IsRegular() {
			present++
			if fi.ModTime().After(f.settled) {
				f.settled = fi.ModTime()
			}
			f.whole = f.whole && imageWhole(img)
		}
	}
	if fi, err := os.Stat(filesDir(name)); err == nil && fi.ModTime().After(f.settled) {
		f.settled = fi.ModTime()
	}
	f.missing, f.present = len(refs)-present, present
	if e, seen := ps.in.Files[sum]; seen {
		// Ingested before: again only when images it references have
		// arrived since (a "complete" save whose folder came after the page).
		if e.Skipped != "" || e.Missing == 0 || len(refs) == 0 || f.missing >= e.Missing {
			return inboxFile{}, false, nil
		}
		f.again = true
	}
	return f, true, nil
}

// filesDir is the folder a browser saves a page's files in: <name>_files
// next to <name>.html.
func filesDir(page string) string {
	return strings.TrimSuffix(page, filepath.Ext(page)) + "_files"
}

// settle waits (at most the settle time, once for all) for files modified
// a moment ago to be left alone, then drops those that changed meanwhile:
// they are read by a later pass, once the browser has finished saving.
func (ps *pass) settle(ctx context.Context, files []inboxFile) []inboxFile {
	quiet := ps.p.inboxSettle()
	if quiet <= 0 || len(files) == 0 {
		return files
	}
	now := time.Now() // file times are the machine's, not the pass clock
	var wait time.Duration
	for _, f := range files {
		if f.ready() {
			continue
		}
		if d := f.settled.Add(quiet).Sub(now); d > wait {
			wait = min(d, quiet)
		}
	}
	if wait <= 0 {
		return files
	}
	ps.log.Info("inbox: waiting for saved pages to be written", "wait", wait.Round(100*time.Millisecond))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil
	case <-t.C:
	}
	out := files[:0]
	for _, f := range files {
		if f.ready() || now.Sub(f.settled) >= quiet {
			out = append(out, f)
			continue
		}
		g, ok, err := ps.inboxCandidate(f.name, nil)
		if err != nil || !ok || g.sum != f.sum || !g.settled.Equal(f.settled) || g.missing != f.missing {
			ps.log.Info("inbox: saved page still being written: read next pass", "file", f.name)
			continue
		}
		out = append(out, f)
	}
	return out
}

// ready reports whether a file modified a moment ago can be read without
// waiting: the page is whole (its closing </html> written) and every local
// image it references is there and whole. A fresh checkout or a copy looks
// like that; a browser still writing the page or its pictures does not.
func (f inboxFile) ready() bool { return f.whole && f.missing == 0 }

// imageWhole reports whether an image file ends as a whole picture of its
// format does (PNG's IEND chunk, JPEG's end marker, GIF's trailer, a WebP's
// RIFF size): a file a browser is still writing does not. Another format is
// not known to be whole.
func imageWhole(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < 12 {
		return false
	}
	head := make([]byte, 12)
	tail := make([]byte, min(fi.Size(), 32))
	if _, err := f.ReadAt(head, 0); err != nil {
		return false
	}
	if _, err := f.ReadAt(tail, fi.Size()-int64(len(tail))); err != nil {
		return false
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return bytes.HasSuffix(tail, []byte("IEND\xaeB`\x82"))
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return bytes.HasSuffix(bytes.TrimRight(tail, "\x00"), []byte("\xff\xd9"))
	case bytes.HasPrefix(head, []byte("GIF8")):
		return tail[len(tail)-1] == 0x3b
	case bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		return int64(binary.LittleEndian.Uint32(head[4:8]))+8 <= fi.Size()
	}
	return false
}

// endsHTML reports whether a page ends with its closing </html> tag (and
// white space, or a comment a browser adds after it).
func endsHTML(raw []byte) bool {
	tail := raw[max(0, len(raw)-512):]
	i := bytes.LastIndex(bytes.ToLower(tail), []byte("</html>"))
	if i < 0 {
		return false
	}
	rest := bytes.TrimSpace(tail[i+len("</html>"):])
	return len(rest) == 0 || (bytes.HasPrefix(rest, []byte("<!--")) && bytes.HasSuffix(rest, []byte("-->")))
}

// ingestInboxFile ingests one file; it reports whether the inbox memory
// changed and whether the file is not a WeChat page.
func (ps *pass) ingestInboxFile(ctx context.Context, f inboxFile) (changed, notPage bool) {
	now := ps.p.now()
	r := ps.p.Saved.IngestFile(ctx, f.name)
	if r.NotPage && r.Unnamed {
		// A WeChat page that names no article (a deletion notice saved
		// without its address): only the user knows which article it is.
		ps.log.Warn("inbox: a WeChat page that names no article, skipped from now on; to keep it, run: wxarchive ingest FILE --url LINK", "file", f.name)
		ps.in.Files[f.sum] = inboxEntry{File: filepath.Base(f.name), At: now, Skipped: errString(r.Err)}
		return true, false
	}
	if r.NotPage {
		ps.log.Debug("inbox: not a WeChat article page, skipped from now on", "file", f.name, "err", r.Err)
		ps.in.Files[f.sum] = inboxEntry{File: filepath.Base(f.name), At: now, Skipped: errString(r.Err)}
		return true, true
	}
	if r.Outcome == "" || r.Outcome == model.OutcomeFailed {
		ps.sum.Failed++
		ps.log.Warn("inbox: saved page not ingested; tried again next pass", "file", f.name, "err", r.Err)
		return false, false
	}
	ps.sum.Inbox++
	ps.sum.count(r.Outcome)
	ps.written(r)
	// A page is read again when files it references arrive only if the
	// article lacks images: files of the page around it (a reward or
	// account QR code the browser did not save) do not count.
	missing := 0
	if r.ImagesMissing > 0 && f.missing > 0 {
		missing = f.missing
		ps.log.Info("inbox: saved page ingested without some of its local images (its _files folder is incomplete): read again when they arrive",
			"file", f.name, "not_saved", r.ImagesMissing, "images", r.Images)
	}
	ps.in.Files[f.sum] = inboxEntry{File: filepath.Base(f.name), At: now, Key: r.Key, Outcome: r.Outcome, Missing: missing}
	if r.Key != "" {
		if _, ok := ps.archived[r.Key]; !ok {
			ps.archived[r.Key] = Article{Key: r.Key, Biz: r.Biz, LastCapture: now}
		}
		ps.follow(r.Key, r.Biz, 0, r.Related)
	}
	return true, false
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

// errNotRegular: an inbox entry that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// readInboxFile reads a saved page: its content (nil when over the page
// size limit), the SHA-256 of it (of its name, size and time when too
// large: not read), and its file info. Only a regular file is read: it is
// opened without blocking (a FIFO swapped in after the caller's check does
// not hang the open) and checked again once open, and at most the limit is
// read whatever its size claims.
func readInboxFile(name string) ([]byte, string, fs.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, "", nil, fmt.Errorf("%s: %w", name, errNotRegular)
	}
	h := sha256.New()
	if fi.Size() > model.MaxPageSize {
		fmt.Fprintf(h, "too large\x00%s\x00%d\x00%d", filepath.Base(name), fi.Size(), fi.ModTime().UnixNano())
		return nil, hex.EncodeToString(h.Sum(nil)), fi, nil
	}
	raw, err := io.ReadAll(io.LimitReader(f, model.MaxPageSize+1))
	if err != nil {
		return nil, "", nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > model.MaxPageSize { // grew since its size was read
		fmt.Fprintf(h, "too large\x00%s\x00%d\x00%d", filepath.Base(name), len(raw), fi.ModTime().UnixNano())
		return nil, hex.EncodeToString(h.Sum(nil)), fi, nil
	}
	h.Write(raw)
	return raw, hex.EncodeToString(h.Sum(nil)), fi, nil
}

// localImageRefs lists the local image files a saved page shows: the src
// of its <img> tags inside its own <name>_files/ folder, as paths relative
// to the page's folder (each once).
func localImageRefs(raw []byte, page string) []string {
	folder := filepath.Base(filesDir(page))
	seen := map[string]bool{}
	var out []string
	savedpage.Images(raw, func(attrs map[string]string) {
		if p := savedpage.LocalPath(attrs["src"]); p != "" && strings.HasPrefix(p, folder+"/") && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	})
	return out
}
