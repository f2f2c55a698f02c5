package archive

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"wxarchive/model"
)

// ErrIndexDamaged is returned (wrapped) by Each when lines of the index are
// damaged so that an article may be missing from what it listed. List then
// lists from the heads (and rebuilds the index under the lock); `wxarchive
// reindex` rebuilds it.
var ErrIndexDamaged = errors.New("index damaged (run 'wxarchive reindex')")

// Opener is an optional Store capability: read a file as a stream.
type Opener interface {
	Open(name string) (io.ReadSeekCloser, int64, error)
}

type nopSeekCloser struct{ *bytes.Reader }

func (nopSeekCloser) Close() error { return nil }

func (a *Archive) openIndex() (io.ReadSeekCloser, int64, error) {
	if o, ok := a.store.(Opener); ok {
		return o.Open(a.n.index)
	}
	b, err := a.store.Get(a.n.index)
	if err != nil {
		return nil, 0, err
	}
	return nopSeekCloser{bytes.NewReader(b)}, int64(len(b)), nil
}

// indexBase is the size of the sorted, compacted part at the start of the
// index (0 when unknown).
func (a *Archive) indexBase() int64 {
	b, err := a.store.Get(a.n.indexBase)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

// indexScan reads index lines one at a time.
type indexScan struct {
	r       *bufio.Reader
	brief   bool // leave related links out (EachBrief)
	badKeys map[model.Key]bool
	bad     int
}

func newIndexScan(r io.Reader) *indexScan {
	return &indexScan{r: bufio.NewReaderSize(r, 256<<10), badKeys: map[model.Key]bool{}}
}

// next returns the next valid entry; ok false at the end.
func (s *indexScan) next() (indexEntry, bool, error) {
	for {
		line, err := s.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			rest, err2 := s.r.ReadBytes('\n')
			line = append(append([]byte(nil), line...), rest...)
			err = err2
		}
		l := bytes.TrimSuffix(line, []byte("\n"))
		if len(l) > 0 {
			if e, ok := parseIndexLine(string(l), l, s.brief); ok {
				return e, true, nil
			}
			s.bad++
			if k, _, ok := strings.Cut(string(l), "\t"); ok && validKey(model.Key(k)) == nil {
				s.badKeys[model.Key(k)] = true
			}
		}
		if errors.Is(err, io.EOF) {
			return indexEntry{}, false, nil
		}
		if err != nil {
			return indexEntry{}, false, err
		}
	}
}

// Each calls fn for every article (aliases left out), in key order,
// streaming the index: memory stays small whatever the archive's size. The
// heads named by the journal of an interrupted write are read instead of
// their index lines. When lines are damaged so that an article may be
// missing, Each returns an error wrapping ErrIndexDamaged after the rest.
func (a *Archive) Each(fn func(Info) error) error { return a.each(fn, false) }

func (a *Archive) each(fn func(Info) error, brief bool) error {
	rc, size, err := a.openIndex()
	if errors.Is(err, fs.ErrNotExist) {
		if heads, err := a.store.List(a.n.heads); err == nil && len(heads) > 0 {
			return fmt.Errorf("archive: %s is missing: %w", a.n.index, ErrIndexDamaged)
		}
		return a.eachPending(map[model.Key]indexEntry{}, nil, nil, fn)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	base := a.indexBase()
	if base > size {
		base = 0
	}
	// The part after the compacted base is small: read it first, it wins.
	if _, err := rc.Seek(base, io.SeekStart); err != nil {
		return fmt.Errorf("archive: read index: %w", err)
	}
	ts := newIndexScan(rc)
	ts.brief = brief
	tail := map[model.Key]indexEntry{}
	for {
		e, ok, err := ts.next()
		if err != nil {
			return fmt.Errorf("archive: read index: %w", err)
		}
		if !ok {
			break
		}
		tail[e.Key] = e
	}
	return a.eachPending(tail, ts.badKeys, func(emit func(indexEntry) error) (*indexScan, error) {
		if _, err := rc.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		bs := newIndexScan(io.LimitReader(rc, base))
		bs.brief = brief
		var prev model.Key
		for {
			e, ok, err := bs.next()
			if err != nil || !ok {
				for k := range ts.badKeys {
					bs.badKeys[k] = true
				}
				bs.bad += ts.bad
				return bs, err
			}
			if e.Key <= prev {
				return bs, errUnsorted
			}
			prev = e.Key
			if err := emit(e); err != nil {
				return bs, err
			}
		}
	}, fn)
}

var errUnsorted = errors.New("index base not sorted")

// eachPending merges the sorted base stream with the tail entries (and the
// journal's heads), calling fn in key order. watch are the keys of damaged
// tail lines, to be looked for in the base.
func (a *Archive) eachPending(tail map[model.Key]indexEntry, watch map[model.Key]bool, stream func(emit func(indexEntry) error) (*indexScan, error), fn func(Info) error) error {
	if b, err := a.store.Get(a.n.intent); err == nil {
		var it intent
		if json.Unmarshal(b, &it) == nil {
			for _, k := range it.Keys {
				if h, err := a.loadHead(k); err == nil && h != nil {
					tail[k] = indexEntry{Info: h.Info, AliasOf: h.AliasOf}
				}
			}
		}
	}
	keys := make([]model.Key, 0, len(tail))
	for k := range tail {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := map[model.Key]bool{} // watched keys found valid in the base
	i := 0
	out := func(e indexEntry) error {
		if watch[e.Key] {
			seen[e.Key] = true
		}
		if e.AliasOf != "" {
			return nil
		}
		return fn(e.Info)
	}
	var scan *indexScan
	if stream != nil {
		var err error
		scan, err = stream(func(e indexEntry) error {
			for i < len(keys) && keys[i] < e.Key {
				if err := out(tail[keys[i]]); err != nil {
					return err
				}
				i++
			}
			if _, ok := tail[e.Key]; ok {
				return nil // the later line wins, in its turn
			}
			return out(e)
		})
		if errors.Is(err, errUnsorted) {
			return a.eachUnsorted(fn)
		}
		if err != nil {
			return err
		}
	}
	for ; i < len(keys); i++ {
		if err := out(tail[keys[i]]); err != nil {
			return err
		}
	}
	if scan != nil {
		lost := 0
		for k := range scan.badKeys {
			if _, ok := tail[k]; !ok && !seen[k] {
				lost++
			}
		}
		if lost > 0 {
			return fmt.Errorf("archive: %s: %d damaged lines, %d articles may be missing: %w", a.n.index, scan.bad, lost, ErrIndexDamaged)
		}
	}
	return nil
}

// eachUnsorted is Each over an index whose base is not sorted (written by
// an older version): all of it in memory, then sorted.
func (a *Archive) eachUnsorted(fn func(Info) error) error {
	m, _, err := a.readIndex()
	if err != nil {
		return err
	}
	return a.eachPending(m, nil, nil, fn)
}

// List returns every article, sorted by key, from the index. A damaged
// index does not make an article disappear: List then reads the heads
// (and, holding the lock, rebuilds the index).
func (a *Archive) List() ([]Info, error) { return a.list(false) }

// ListBrief is List with Info.Related left out, for listings that do not
// show an article's related links (decoding them is most of the cost).
func (a *Archive) ListBrief() ([]Info, error) { return a.list(true) }

func (a *Archive) list(brief bool) ([]Info, error) {
	var out []Info
	if size, err := a.indexSize(); err == nil {
		out = make([]Info, 0, min(size/200+16, 1<<22)) // an index line is 200-400 bytes
	}
	err := a.each(func(i Info) error { out = append(out, i); return nil }, brief)
	if errors.Is(err, ErrIndexDamaged) {
		a.log.Warn("archive: "+err.Error()+"; listing from the heads", "archive", a.dir)
		if a.locked {
			if err := a.Reindex(); err != nil {
				return nil, err
			}
			out = out[:0]
			err = a.each(func(i Info) error { out = append(out, i); return nil }, brief)
		} else {
			return a.listHeads()
		}
	}
	return out, err
}

// listHeads lists every article from its head (a full scan).
func (a *Archive) listHeads() ([]Info, error) {
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, n := range names {
		h, err := a.loadHead(keyOfHead(a.n.heads, n))
		if err != nil {
			return nil, err
		}
		if h != nil && h.AliasOf == "" {
			out = append(out, h.Info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// readIndex returns the latest entry of every key (aliases included), and
// the number of lines.
func (a *Archive) readIndex() (map[model.Key]indexEntry, int, error) {
	rc, _, err := a.openIndex()
	if errors.Is(err, fs.ErrNotExist) {
		return map[model.Key]indexEntry{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	s := newIndexScan(rc)
	m := map[model.Key]indexEntry{}
	lines := 0
	for {
		e, ok, err := s.next()
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			break
		}
		lines++
		m[e.Key] = e
	}
	return m, lines + s.bad, nil
}

// lineSum stands for an index line's body (the line without its CRC) in
// Verify: its hash, and whether it is a line of the layout before (one
// field fewer). The zero value: no line.
type lineSum struct {
	sum    [sha256.Size]byte
	legacy bool
	ok     bool
}

func sumOfBody(body string) lineSum {
	return lineSum{sum: sha256.Sum256([]byte(body)), legacy: strings.Count(body, "\t") == indexFields-2, ok: true}
}

// indexBodies returns the sum of the latest line of every key: what Verify
// compares with the line a head gives (small whatever the lines' size).
func (a *Archive) indexBodies() (map[model.Key]lineSum, error) {
	rc, _, err := a.openIndex()
	if errors.Is(err, fs.ErrNotExist) {
		return map[model.Key]lineSum{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newIndexScan(rc)
	m := map[model.Key]lineSum{}
	for {
		e, ok, err := s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return m, nil
		}
		m[e.Key] = sumOfBody(e.body)
	}
}

func (a *Archive) appendIndex(h, alias *head) error {
	data := indexLine(h)
	if alias != nil {
		data = append(data, indexLine(alias)...)
	}
	if ap, ok := a.store.(Appender); ok {
		return ap.Append(a.n.index, data)
	}
	old, err := a.store.Get(a.n.index)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.store.Put(a.n.index, append(old, data...))
}

// indexSize is the index's size in bytes, cheaply on a local folder.
func (a *Archive) indexSize() (int64, error) {
	if fsst, ok := a.store.(interface{ Dir() string }); ok {
		st, err := os.Stat(filepath.Join(fsst.Dir(), filepath.FromSlash(a.n.index)))
		if err != nil {
			return 0, err
		}
		return st.Size(), nil
	}
	b, err := a.store.Get(a.n.index)
	return int64(len(b)), err
}

// maintainIndex rebuilds a missing index from the heads (and the claims
// of readable paths, once, in an archive written before they existed),
// and compacts a grown one. Called under the lock.
func (a *Archive) maintainIndex() error {
	size, err := a.indexSize()
	if errors.Is(err, fs.ErrNotExist) {
		names, err := a.store.List(a.n.heads)
		if err != nil {
			return err
		}
		if len(names) == 0 { // a new archive: no path claimed, none missing
			if ok, err := a.claimsCurrent(); ok || err != nil {
				return err
			}
			return claimsBuilder{}.write(a)
		}
		return a.Reindex()
	}
	if err != nil {
		return err
	}
	if ok, err := a.claimsCurrent(); err != nil {
		return err
	} else if !ok {
		return a.Reindex()
	}
	// A line deleted by hand would make its article vanish from list and
	// from the pipeline: every head must have a key in the index.
	heads, err := a.store.List(a.n.heads)
	if err != nil {
		return err
	}
	if keys, err := a.indexKeys(); err != nil {
		return err
	} else if keys != len(heads) {
		a.log.Warn("archive: the index does not name every article; rebuilding it", "index", a.n.index, "keys", keys, "heads", len(heads))
		return a.Reindex()
	}
	if size <= 2*a.indexBase()+1<<20 {
		return nil
	}
	m, _, err := a.readIndex()
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	for _, k := range keys {
		e := m[model.Key(k)]
		h := head{Info: e.Info, AliasOf: e.AliasOf}
		h.History = make([]versionRef, e.Versions)
		buf.Write(indexLine(&h))
	}
	return a.writeIndex(buf.Bytes())
}

// indexKeys counts the distinct keys the index's lines name (a damaged
// line's too: Each deals with those), reading only each line's first
// field.
func (a *Archive) indexKeys() (int, error) {
	rc, _, err := a.openIndex()
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	seen := map[string]struct{}{}
	r := bufio.NewReaderSize(rc, 256<<10)
	for {
		line, err := r.ReadSlice('\n')
		if i := bytes.IndexByte(line, '\t'); i > 0 {
			if _, ok := seen[string(line[:i])]; !ok {
				seen[string(line[:i])] = struct{}{}
			}
		}
		for errors.Is(err, bufio.ErrBufferFull) { // the rest of a long line
			_, err = r.ReadSlice('\n')
		}
		if errors.Is(err, io.EOF) {
			return len(seen), nil
		}
		if err != nil {
			return 0, fmt.Errorf("archive: read index: %w", err)
		}
	}
}

func (a *Archive) writeIndex(b []byte) error {
	if err := a.store.Put(a.n.index, b); err != nil {
		return err
	}
	return a.store.Put(a.n.indexBase, []byte(strconv.Itoa(len(b))))
}

// Reindex rebuilds the index from every head (a full scan), sorted by key.
// The caller holds the lock.
func (a *Archive) Reindex() error {
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return err
	}
	keys := make([]model.Key, len(names))
	for i, n := range names {
		keys[i] = keyOfHead(a.n.heads, n)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	claims := claimsBuilder{}
	for _, k := range keys {
		h, err := a.loadHead(k)
		if err != nil {
			return fmt.Errorf("archive: reindex: %w", err)
		}
		if h != nil {
			buf.Write(indexLine(h))
			claims.add(a, h)
		}
	}
	if err := a.writeIndex(buf.Bytes()); err != nil {
		return err
	}
	return claims.write(a)
}
