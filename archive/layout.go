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
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wxarchive/model"
)

// The layout of an archive (names in the Store):
//
//	heads/<key>.json                     one small mutable pointer per article
//	captures/<key>/<time>-<rand>.json    one write-once record per capture
//	versions/<key>/<NNNN>.md             each version as written (images rewritten)
//	articles/<account>/<date> <title>.md latest Markdown, readable view
//	objects/raw/<aa>/<sha256>.gz         raw pages, gzip, named by the raw bytes' hash
//	objects/md/<aa>/<sha256>.md          versions' Markdown as extracted, named by content hash
//	objects/blob/<aa>/<sha256><.ext>     images, named by their bytes' hash
//	index/heads.tsv                      append-only summary of heads (List)
//	journal/intent.json                  keys whose commit a crash may have cut short
//	state/<name>, logs/<name>            small state and logs of other stages
const (
	headsDir    = "heads/"
	capturesDir = "captures/"
	versionsDir = "versions/"
	articlesDir = "articles/"
	rawDir      = "objects/raw/"
	mdDir       = "objects/md/"
	blobDir     = "objects/blob/"
	indexName   = "index/heads.tsv"
	intentName  = "journal/intent.json"
	stateDir    = "state/"
	logsDir     = "logs/"
)

// cst is the time zone WeChat dates are written in.
var cst = time.FixedZone("CST", 8*3600)

// Open opens the archive in dir, creating the folder when missing.
// Readers need no lock; writers take Lock first.
func Open(dir string) (*Archive, error) {
	st, err := NewFSStore(dir)
	if err != nil {
		return nil, err
	}
	return OpenStore(dir, st), nil
}

// OpenStore opens an archive on any Store; dir holds the lock file only.
func OpenStore(dir string, st Store) *Archive {
	return &Archive{dir: dir, store: st, log: slog.Default()}
}

// SetLogger sets where the archive logs (default slog.Default()).
func (a *Archive) SetLogger(l *slog.Logger) { a.log = l }

// Dir is the archive's folder.
func (a *Archive) Dir() string { return a.dir }

// Store is the archive's storage backend.
func (a *Archive) Store() Store { return a.store }

// head is the pointer file of one article.
type head struct {
	Info
	AliasOf model.Key         `json:"alias_of,omitempty"` // set on a short-link key joined to its article
	History []versionRef      `json:"history,omitempty"`
	Images  map[string]string `json:"images,omitempty"` // original URL -> blob ref, for the readable file
}

type versionRef struct {
	N       int       `json:"n"`
	SHA     string    `json:"sha"`      // content hash: objects/md/<aa>/<sha>.md
	File    string    `json:"file"`     // versions/<key>/<NNNN>.md
	FileSHA string    `json:"file_sha"` // hash of File's bytes
	Time    time.Time `json:"time"`
}

func (h *head) last() *versionRef {
	if len(h.History) == 0 {
		return nil
	}
	return &h.History[len(h.History)-1]
}

func headName(k model.Key) string { return headsDir + string(k) + ".json" }

func validKey(k model.Key) error {
	s := string(k)
	if s == "" || strings.ContainsAny(s, "/\\ \t\n") || strings.HasPrefix(s, ".") {
		return fmt.Errorf("archive: bad key %q", s)
	}
	return nil
}

// loadHead returns the head of k, or nil when there is none.
func (a *Archive) loadHead(k model.Key) (*head, error) {
	if err := validKey(k); err != nil {
		return nil, err
	}
	b, err := a.store.Get(headName(k))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h head
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("archive: read head %s: %w", headName(k), err)
	}
	h.Versions = len(h.History)
	return &h, nil
}

func (a *Archive) putHead(h *head) error {
	h.Versions = len(h.History)
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode head %s: %w", h.Key, err)
	}
	return a.store.Put(headName(h.Key), append(b, '\n'))
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func shard(dir, sum, ext string) string { return dir + sum[:2] + "/" + sum + ext }

func rawName(sum string) string { return shard(rawDir, sum, ".gz") }
func mdName(sum string) string  { return shard(mdDir, sum, ".md") }

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
	if _, err := a.store.PutIfAbsent(rawName(sum), buf.Bytes()); err != nil {
		return "", err
	}
	return sum, nil
}

// Raw returns a raw snapshot by its SHA-256, decompressed.
func (a *Archive) Raw(sum string) ([]byte, error) {
	if len(sum) != 64 {
		return nil, fmt.Errorf("archive: raw %q: %w", sum, ErrNotFound)
	}
	b, err := a.store.Get(rawName(sum))
	if err != nil {
		return nil, err
	}
	return gunzip(rawName(sum), b)
}

func gunzip(name string, b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("archive: decompress %s: %w", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("archive: decompress %s: %w", name, err)
	}
	return out, nil
}

// PutBlob stores an image (or any file) by the SHA-256 of its bytes and
// returns its ref, the object name ("objects/blob/ab/<sha>.jpg"): a path
// relative to the archive folder. Idempotent.
func (a *Archive) PutBlob(data []byte) (string, error) {
	name := shard(blobDir, sha(data), blobExt(data))
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

// contentHash is the hash that decides whether content changed: the
// Markdown with CRLF made LF, trailing blank space dropped and the
// volatile front matter field source_url (which link was used) removed.
func contentHash(md []byte) string { return sha(normalise(md)) }

// ContentHash is the hash Record compares to decide whether a Markdown is
// a new version (VersionInfo.SHA).
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

// rewriteImages points image links at the local blobs, relative to file,
// keeping the original URL as the image title:
//
//	![alt](https://mmbiz…)  ->  ![alt](../../objects/blob/ab/<sha>.jpg "https://mmbiz…")
//
// An image that already had a title keeps it after the URL.
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
		s = strings.ReplaceAll(s, "]("+orig+")", "]("+rel+` "`+orig+`")`)
		s = strings.ReplaceAll(s, "]("+orig+` "`, "]("+rel+` "`+orig+` `)
	}
	return []byte(s)
}

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
// with a dot.
func sanitise(s string, max int) string {
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
// "base (2)", "base (3)", … The path is stored in the head and never changes.
func (a *Archive) choosePath(base string, key model.Key) (string, error) {
	for i := 1; i < 50; i++ {
		p := base + ".md"
		if i > 1 {
			p = fmt.Sprintf("%s (%d).md", base, i)
		}
		_, err := a.store.Get(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
	}
	return base + " " + string(key) + ".md", nil
}
