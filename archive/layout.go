package archive

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"wxarchive/internal/dataurl"
	"wxarchive/model"
)

// The layout of an archive (names in the Store, relative to its folder).
// The folder is a vault: what a person opens is visible, the store is
// hidden in .wxarchive/, which Obsidian, Hugo and most tools skip.
//
//	articles/<account>/<date> <title>.md         latest Markdown, readable view (visible)
//	assets/<aa>/<sha256><.ext>                   images, named by their bytes' hash (visible)
//	.wxarchive/format                            layout version ("2")
//	.wxarchive/heads/<key>.json                  one small mutable pointer per article
//	.wxarchive/captures/<key>/<time>-<rand>.json one write-once record per capture, chained
//	.wxarchive/versions/<key>/<NNNN>.md          version files of the layout before (kept as written)
//	.wxarchive/objects/raw/<aa>/<sha256>.gz      raw pages, gzip, named by the raw bytes' hash
//	.wxarchive/objects/md/<aa>/<sha256>.md       versions' Markdown as extracted, named by content hash
//	.wxarchive/index/heads.tsv                   append-only summary of heads (List)
//	.wxarchive/journal/intent.json               keys whose commit a crash may have cut short
//	.wxarchive/roots/<sha256>.tsv                anchors printed by verify (see Root)
//	.wxarchive/state/<name>, logs/<name>         small state and logs of other stages
//	.wxarchive/cache/                            rebuildable data of other stages (CacheDir)
//	.wxarchive/lock                              the writer lock
//
// The layout before (commit 1a4800b and earlier) had every part at the top
// (heads/, captures/, versions/, objects/{raw,md,blob}/, index/, journal/,
// state/, logs/, lock). Open reads it as it is; the first writer migrates it
// (see migrate).
const (
	hiddenDir   = ".wxarchive/"
	articlesDir = "articles/"
	formatName  = hiddenDir + "format"
	formatV2    = "2\n"
)

// names are the store names of an archive's parts.
type names struct {
	heads, captures, versions, raw, md, blob, index, indexBase, intent, state, logs, roots string
	lock                                                                                   string
}

var legacyNames = names{heads: "heads/", captures: "captures/", versions: "versions/", raw: "objects/raw/",
	md: "objects/md/", blob: "objects/blob/", index: "index/heads.tsv", indexBase: "index/base",
	intent: "journal/intent.json", state: "state/", logs: "logs/", roots: hiddenDir + "roots/", lock: "lock"}

var vaultNames = names{heads: hiddenDir + "heads/", captures: hiddenDir + "captures/", versions: hiddenDir + "versions/",
	raw: hiddenDir + "objects/raw/", md: hiddenDir + "objects/md/", blob: "assets/", index: hiddenDir + "index/heads.tsv",
	indexBase: hiddenDir + "index/base", intent: hiddenDir + "journal/intent.json", state: hiddenDir + "state/",
	logs: hiddenDir + "logs/", roots: hiddenDir + "roots/", lock: hiddenDir + "lock"}

// cst is the time zone WeChat dates are written in.
var cst = time.FixedZone("CST", 8*3600)

// Open opens the archive in dir, creating the folder when missing.
// Readers need no lock; writers take Lock first, which migrates an archive
// in the layout before.
func Open(dir string) (*Archive, error) {
	st, err := NewFSStore(dir)
	if err != nil {
		return nil, err
	}
	return OpenStore(dir, st), nil
}

// OpenStore opens an archive on any Store; dir holds the lock file only.
func OpenStore(dir string, st Store) *Archive {
	a := &Archive{dir: dir, store: st, log: slog.Default()}
	a.n, a.legacy = detectLayout(st)
	return a
}

// detectLayout finds where each part lives: the vault layout once it is
// marked, else, part by part, the layout before where it still is (an
// archive not migrated, or one whose migration a crash cut short).
func detectLayout(st Store) (names, bool) {
	// A migration writes the format last, after removing its mark: a
	// mark beside the format was not left by one (planted, it would make
	// the next writer migrate again and sign every head anew).
	if b, err := st.Get(formatName); err == nil && string(b) == formatV2 {
		return vaultNames, false
	}
	_, merr := st.Get(migratingName)
	exists := func(prefix string) bool {
		l, err := st.List(prefix)
		return err == nil && len(l) > 0
	}
	if !exists(legacyNames.heads) && !exists(legacyNames.captures) && !exists(legacyNames.raw) && !exists(legacyNames.blob) {
		if merr != nil {
			return vaultNames, false // a new archive, or one a migration finished
		}
	}
	n := vaultNames
	pick := func(v *string, old string) {
		if !exists(*v) && exists(old) {
			*v = old
		}
	}
	pick(&n.heads, legacyNames.heads)
	pick(&n.captures, legacyNames.captures)
	pick(&n.versions, legacyNames.versions)
	pick(&n.raw, legacyNames.raw)
	pick(&n.md, legacyNames.md)
	pick(&n.blob, legacyNames.blob)
	pick(&n.index, legacyNames.index)
	pick(&n.indexBase, legacyNames.indexBase)
	pick(&n.intent, legacyNames.intent)
	pick(&n.state, legacyNames.state)
	pick(&n.logs, legacyNames.logs)
	n.lock = legacyNames.lock
	return n, true
}

// SetLogger sets where the archive logs (default slog.Default()).
func (a *Archive) SetLogger(l *slog.Logger) { a.log = l }

// Dir is the archive's folder.
func (a *Archive) Dir() string { return a.dir }

// Store is the archive's storage backend.
func (a *Archive) Store() Store { return a.store }

// Legacy reports whether the archive is still in the layout before the
// vault layout (the next writer migrates it).
func (a *Archive) Legacy() bool { return a.legacy }

// CacheDir is the folder where other stages keep data they can rebuild
// from the archive (a search index), hidden with the store: created on
// demand, never verified, safe to delete. Writers keep it current.
func (a *Archive) CacheDir() string {
	return filepath.Join(a.dir, filepath.FromSlash(hiddenDir+"cache"))
}

// head is the pointer file of one article.
type head struct {
	Info
	AliasOf model.Key         `json:"alias_of,omitempty"` // set on a short-link key joined to its article
	History []versionRef      `json:"history,omitempty"`
	Images  map[string]string `json:"images,omitempty"` // original URL -> blob ref, for the readable file
	// StateAt is the time of the observation State comes from (zero: a
	// saved page of unknown date); an older observation does not change it.
	StateAt time.Time `json:"state_at,omitzero"`
	// Chain is this key's chain of capture records.
	Chain chainRef `json:"chain,omitzero"`
	// Readable remembers the readable files the store wrote, to tell them
	// from files a person edited or deleted.
	Readable readableRef `json:"readable,omitzero"`
	// Sum is the SHA-256 of the head written with Sum empty: an edit by hand
	// that does not recompute it is damage.
	Sum string `json:"sum,omitempty"`
}

type versionRef struct {
	N   int    `json:"n"`
	SHA string `json:"sha"` // content hash: objects/md/<aa>/<sha>.md
	// Exact is the SHA-256 of the object's exact bytes, checked by every
	// reader; "" in versions recorded before it (see checkedMarkdown).
	Exact   string    `json:"exact,omitempty"`
	File    string    `json:"file,omitempty"`     // version file of the layout before (versions/<key>/<NNNN>.md)
	FileSHA string    `json:"file_sha,omitempty"` // hash of File's bytes
	Time    time.Time `json:"time"`               // when the page behind it was read
	// ID is the version's identity hash (see identity); "" for versions
	// recorded before it existed (computed from the Markdown when needed).
	ID        string `json:"id,omitempty"`
	Extractor int    `json:"extractor,omitempty"` // extractor version (0: before versions were numbered)
	RawSHA    string `json:"raw_sha,omitempty"`   // the raw page it was extracted from
	// Derived: made by reextract from a stored raw page whose capture gave
	// no version then (Time is that capture's).
	Derived bool `json:"derived,omitempty"`
	// Undated: the page's capture time is unknown (Time is when it was
	// ingested).
	Undated bool `json:"undated,omitempty"`
	// Renderings are the same page rendered anew by later extractors,
	// oldest first; the last is what the readable file shows.
	Renderings []rendering `json:"renderings,omitempty"`
}

// rendering is a version's page rendered by a later extractor: no edit.
type rendering struct {
	SHA       string    `json:"sha"`
	Exact     string    `json:"exact,omitempty"` // SHA-256 of the exact bytes (see versionRef.Exact)
	ID        string    `json:"id,omitempty"`
	Extractor int       `json:"extractor"`
	Time      time.Time `json:"time"` // when it was rendered
}

// current is the latest rendering of v: its content hash and extractor.
func (v *versionRef) current() (sha string, extractor int) {
	if n := len(v.Renderings); n > 0 {
		return v.Renderings[n-1].SHA, v.Renderings[n-1].Extractor
	}
	return v.SHA, v.Extractor
}

func (h *head) last() *versionRef {
	if len(h.History) == 0 {
		return nil
	}
	return &h.History[len(h.History)-1]
}

func (a *Archive) headName(k model.Key) string { return a.n.heads + string(k) + ".json" }

func validKey(k model.Key) error {
	s := string(k)
	if s == "" || strings.ContainsAny(s, "/\\ \t\n") || strings.HasPrefix(s, ".") {
		return fmt.Errorf("archive: bad key %q", s)
	}
	return nil
}

// loadHead returns the head of k, or nil when there is none.
func (a *Archive) loadHead(k model.Key) (*head, error) {
	h, _, err := a.loadHeadRaw(k)
	return h, err
}

// loadHeadRaw also returns the head's bytes.
func (a *Archive) loadHeadRaw(k model.Key) (*head, []byte, error) {
	if err := validKey(k); err != nil {
		return nil, nil, err
	}
	b, err := a.store.Get(a.headName(k))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var h head
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, b, fmt.Errorf("archive: read head %s: %w", a.headName(k), err)
	}
	h.Versions = len(h.History)
	return &h, b, nil
}

// headSum is the hash a head carries of itself.
func headSum(h *head) string {
	c := *h
	c.Sum = ""
	c.Versions = len(c.History)
	b, _ := json.Marshal(&c)
	return sha(b)
}

func (a *Archive) putHead(h *head) error {
	h.Versions = len(h.History)
	h.Sum = ""
	if !a.legacy {
		h.Sum = headSum(h)
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode head %s: %w", h.Key, err)
	}
	return a.store.Put(a.headName(h.Key), append(b, '\n'))
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func shard(dir, sum, ext string) string { return dir + sum[:2] + "/" + sum + ext }

func (a *Archive) rawName(sum string) string { return shard(a.n.raw, sum, ".gz") }
func (a *Archive) mdName(sum string) string  { return shard(a.n.md, sum, ".md") }

// putRaw stores a raw page once, gzip-compressed, and returns its hash.
func (a *Archive) putRaw(raw []byte) (string, error) {
	sum := sha(raw)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return "", fmt.Errorf("archive: compress raw: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("archive: compress raw: %w", err)
	}
	if _, err := a.store.PutIfAbsent(a.rawName(sum), buf.Bytes()); err != nil {
		return "", err
	}
	return sum, nil
}

// Raw returns a raw snapshot by its SHA-256, decompressed and checked.
func (a *Archive) Raw(sum string) ([]byte, error) {
	if len(sum) != 64 {
		return nil, fmt.Errorf("archive: raw %q: %w", sum, ErrNotFound)
	}
	name := a.rawName(sum)
	b, err := a.store.Get(name)
	if err != nil {
		return nil, err
	}
	raw, err := gunzip(name, b)
	if err != nil {
		return nil, err
	}
	if sha(raw) != sum {
		return nil, fmt.Errorf("archive: %s: %w", name, ErrTampered)
	}
	return raw, nil
}

// gzipReaders keeps decompressors for reuse: verify decompresses every raw
// page, and a new reader allocates its whole window each time.
var gzipReaders sync.Pool

func gunzip(name string, b []byte) ([]byte, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(b))
	} else {
		err = zr.Reset(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("archive: decompress %s: %w", name, err)
	}
	defer gzipReaders.Put(zr)
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("archive: decompress %s: %w", name, err)
	}
	return out, nil
}

// PutBlob stores an image (or any file) by the SHA-256 of its bytes and
// returns its ref, the object name ("assets/ab/<sha>.jpg"): a path
// relative to the archive folder. Idempotent.
func (a *Archive) PutBlob(data []byte) (string, error) {
	name := shard(a.n.blob, sha(data), blobExt(data))
	if _, err := a.store.PutIfAbsent(name, data); err != nil {
		return "", err
	}
	return name, nil
}

func blobExt(data []byte) string {
	switch ct := http.DetectContentType(data); {
	case ct == "image/jpeg":
		return ".jpg"
	case ct == "image/png":
		return ".png"
	case ct == "image/gif":
		return ".gif"
	case ct == "image/webp":
		return ".webp"
	case ct == "image/bmp":
		return ".bmp"
	case bytes.Contains(data[:min(len(data), 512)], []byte("<svg")):
		return ".svg"
	}
	return ".bin"
}

// contentHash names a Markdown object: the Markdown with CRLF made LF,
// trailing blank space dropped and the front matter line source_url
// removed (as since the first layout, so that old objects keep their
// names). Whether two captures are the same version is decided by
// identity, not by this hash.
func contentHash(md []byte) string { return sha(normalise(md)) }

// ContentHash is the hash a Markdown object is named by (VersionInfo.SHA).
func ContentHash(md []byte) string { return contentHash(md) }

func normalise(md []byte) []byte {
	s := strings.ReplaceAll(string(md), "\r\n", "\n")
	if strings.HasPrefix(s, "---\n") {
		if end := strings.Index(s[4:], "\n---\n"); end >= 0 {
			fm := strings.Split(s[4:4+end], "\n")
			kept := fm[:0]
			for _, l := range fm {
				if !strings.HasPrefix(l, "source_url:") {
					kept = append(kept, l)
				}
			}
			s = "---\n" + strings.Join(kept, "\n") + s[4+end:]
		}
	}
	return []byte(strings.TrimRightFunc(s, unicode.IsSpace) + "\n")
}

// skippedLines are the front-matter lines normalise drops (source_url).
func skippedLines(md []byte) []string {
	s := strings.ReplaceAll(string(md), "\r\n", "\n")
	fm, _, ok := splitFrontMatter(s)
	if !ok {
		return nil
	}
	var out []string
	for _, l := range strings.Split(fm, "\n") {
		if strings.HasPrefix(l, "source_url:") {
			out = append(out, strings.TrimRightFunc(l, unicode.IsSpace))
		}
	}
	return out
}

// versionFile is where a version file of the layout before is now: its
// head may name it where it was (an archive whose migration is under way).
func (a *Archive) versionFile(f string) string {
	for _, prefix := range []string{vaultNames.versions, legacyNames.versions} {
		if rest, ok := strings.CutPrefix(f, prefix); ok {
			return a.n.versions + rest
		}
	}
	return f
}

// rewriteImages points image links at the local blobs, relative to file,
// keeping the original URL as the image title:
//
//	![alt](https://mmbiz…)  ->  ![alt](../../objects/blob/ab/<sha>.jpg "https://mmbiz…")
//
// An image that already had a title keeps it after the URL. An inline
// image (a data: URI, or its content name dataurl.Ref) gets no title: it
// has no address to keep, and a data: URI would copy megabytes of base64.
func rewriteImages(md []byte, images map[string]string, file string) []byte {
	if len(images) == 0 {
		return md
	}
	s := string(md)
	dir := path.Dir(file)
	for orig, ref := range images {
		if orig == "" || ref == "" || strings.Contains(orig, `"`) {
			continue
		}
		rel := relPath(dir, ref)
		if strings.HasPrefix(orig, "data:") || dataurl.IsRef(orig) {
			s = strings.ReplaceAll(s, "]("+orig+")", "]("+rel+")")
			s = strings.ReplaceAll(s, "]("+orig+` "`, "]("+rel+` "`)
			continue
		}
		s = strings.ReplaceAll(s, "]("+orig+")", "]("+rel+` "`+orig+`")`)
		s = strings.ReplaceAll(s, "]("+orig+` "`, "]("+rel+` "`+orig+` `)
	}
	if strings.Contains(s, "]("+dataurl.RefPrefix) {
		// A content name the map lacks (a version re-extracted from a page
		// whose images were recorded under their data: URIs) is the name
		// of the blob: blobs are named by the SHA-256 of their bytes.
		bySum := map[string]string{}
		for _, ref := range images {
			stem, _, _ := strings.Cut(path.Base(ref), ".")
			bySum[stem] = ref
		}
		s = inlineRef.ReplaceAllStringFunc(s, func(m string) string {
			ref := bySum[strings.TrimPrefix(m[2:], dataurl.RefPrefix)]
			if ref == "" {
				return m
			}
			return "](" + relPath(dir, ref)
		})
	}
	return []byte(s)
}

// inlineRef finds a content name (dataurl.Ref) as a Markdown link target.
var inlineRef = regexp.MustCompile(`\]\(` + regexp.QuoteMeta(dataurl.RefPrefix) + `[0-9a-f]{64}`)

// relPath is target relative to folder dir (both relative to the root).
func relPath(dir, target string) string {
	if dir == "." || dir == "" {
		return target
	}
	return strings.Repeat("../", strings.Count(dir, "/")+1) + target
}

// readableName is the readable path for a new article:
// articles/<account>/<YYYY-MM-DD> <title>.md, sanitised and length-capped.
func readableName(account, title string, date time.Time, key model.Key) string {
	acc := sanitise(account, 60)
	if acc == "" {
		acc = "_unknown"
	} else if windowsReserved(acc) {
		acc = "_" + acc
	}
	t := sanitise(title, 80)
	if t == "" {
		t = string(key)
	}
	return articlesDir + acc + "/" + date.In(cst).Format("2006-01-02") + " " + t
}

// maxNameBytes caps a sanitised name: with the date and a " (NN).md"
// suffix a file name stays under the 255 bytes file systems allow.
const maxNameBytes = 200

// sanitise makes s safe as one path element on every common file system:
// no separators, reserved, control or invisible format characters, spaces
// collapsed, at most max runes and maxNameBytes bytes, and never starting
// with a dot; NFC.
func sanitise(s string, max int) string {
	s = norm.NFC.String(s) // one spelling of "é" (macOS would make the other the same file)
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue // zero-width and bidi controls: invisible in a name
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|#^[]`, r):
			r = ' '
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		sep := space && b.Len() > 0
		if n+btoi(sep) >= max || b.Len()+btoi(sep)+utf8.RuneLen(r) > maxNameBytes {
			break
		}
		if sep {
			b.WriteByte(' ')
			n++
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return strings.Trim(b.String(), ". ")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// windowsReserved reports whether name is a device name Windows refuses
// as a file or folder name (CON, NUL, COM1…, also with an extension).
func windowsReserved(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}

// choosePath finds a free readable path for an article: the base name, else
// "base (2)", "base (3)", … A path is free when no file is there and no
// other article claims it (its file deleted by hand is still its own). The
// path is claimed, stored in the head and never changes.
func (a *Archive) choosePath(base string, key model.Key) (string, error) {
	for i := 1; ; i++ {
		p := base + ".md"
		switch {
		case i >= 50:
			p = base + " " + string(key) + ".md"
		case i > 1:
			p = fmt.Sprintf("%s (%d).md", base, i)
		}
		free, err := a.pathFree(p, key)
		if err != nil {
			return "", err
		}
		if free || i >= 50 {
			return p, a.claim(p, key)
		}
	}
}

// pathFree reports whether p can become k's: no file there, and claimed
// by no other article.
func (a *Archive) pathFree(p string, k model.Key) (bool, error) {
	_, err := a.store.Get(p)
	switch {
	case errors.Is(err, errLinkedFolder):
		// In a folder linked by hand: nothing is written through it (see
		// planReadable); the name is free unless claimed.
	case err == nil || errors.Is(err, ErrNotRegular): // a link or special file put there by hand
		return false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	other, err := a.claimedByOther(p, k)
	return !other, err
}
