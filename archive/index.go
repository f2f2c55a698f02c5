package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"wxarchive/model"
)

// The index (index/heads.tsv) makes List fast: one line per head write,
// appended after the head, the last line of a key wins. A line is
// "\n" + tab-separated fields + "\t" + CRC-32 + "\n"; a line torn by a
// crash fails its CRC and is skipped (the intent journal re-appends it).
// Lock compacts it when it has grown to more than twice its compacted size.

const indexBaseName = "index/base"

const indexFields = 16

func escapeField(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r") {
		return s
	}
	return strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(s)
}

func unescapeField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				c = '\t'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			default:
				c = s[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func indexLine(h *head) []byte {
	var related string
	if len(h.Related) > 0 {
		b, _ := json.Marshal(h.Related)
		related = string(b)
	}
	aliases := make([]string, len(h.Aliases))
	for i, k := range h.Aliases {
		aliases[i] = string(k)
	}
	f := []string{
		string(h.Key), string(h.AliasOf), h.Title, h.Account, h.AccountID, h.URL, h.Path,
		fmtTime(h.Published), string(h.State), strconv.Itoa(len(h.History)), fmtTime(h.LastCapture),
		string(h.LastOutcome), strconv.Itoa(h.Captures), h.Biz, strings.Join(aliases, ","), related,
	}
	for i := range f {
		f[i] = escapeField(f[i])
	}
	body := strings.Join(f, "\t")
	return fmt.Appendf(nil, "\n%s\t%08x\n", body, crc32.ChecksumIEEE([]byte(body)))
}

type indexEntry struct {
	Info
	AliasOf model.Key
}

// parseIndexLine parses one line; line is a substring of the whole index
// and raw its bytes, so parsing copies nothing but what it decodes.
func parseIndexLine(line string, raw []byte) (indexEntry, bool) {
	i := strings.LastIndexByte(line, '\t')
	if i < 0 || len(line)-i-1 != 8 {
		return indexEntry{}, false
	}
	sum, err := strconv.ParseUint(line[i+1:], 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(raw[:i]) {
		return indexEntry{}, false
	}
	var f [indexFields]string
	rest := line[:i]
	for j := range f {
		var ok bool
		f[j], rest, ok = strings.Cut(rest, "\t")
		if ok != (j < indexFields-1) {
			return indexEntry{}, false
		}
		f[j] = unescapeField(f[j])
	}
	var e indexEntry
	e.Key, e.AliasOf, e.Title, e.Account, e.AccountID, e.URL, e.Path = model.Key(f[0]), model.Key(f[1]), f[2], f[3], f[4], f[5], f[6]
	e.Published = parseTime(f[7])
	e.State = model.State(f[8])
	e.Versions, _ = strconv.Atoi(f[9])
	e.LastCapture = parseTime(f[10])
	e.LastOutcome = model.Outcome(f[11])
	e.Captures, _ = strconv.Atoi(f[12])
	e.Biz = f[13]
	if f[14] != "" {
		for _, a := range strings.Split(f[14], ",") {
			e.Aliases = append(e.Aliases, model.Key(a))
		}
	}
	if f[15] != "" {
		_ = json.Unmarshal([]byte(f[15]), &e.Related)
	}
	return e, true
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// readIndex returns the latest entry of every key, and the number of lines.
func (a *Archive) readIndex() (map[model.Key]indexEntry, int, error) {
	b, err := a.store.Get(indexName)
	if errors.Is(err, fs.ErrNotExist) {
		return map[model.Key]indexEntry{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	all := string(b)
	m := make(map[model.Key]indexEntry, strings.Count(all, "\n")/2+1)
	lines := 0
	for off := 0; off < len(all); {
		n := strings.IndexByte(all[off:], '\n')
		if n < 0 {
			n = len(all) - off
		}
		if n > 0 {
			lines++
			if e, ok := parseIndexLine(all[off:off+n], b[off:off+n]); ok {
				m[e.Key] = e
			}
		}
		off += n + 1
	}
	return m, lines, nil
}

func (a *Archive) appendIndex(h, alias *head) error {
	data := indexLine(h)
	if alias != nil {
		data = append(data, indexLine(alias)...)
	}
	if ap, ok := a.store.(Appender); ok {
		return ap.Append(indexName, data)
	}
	old, err := a.store.Get(indexName)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.store.Put(indexName, append(old, data...))
}

// indexSize is the index's size in bytes, cheaply on a local folder.
func (a *Archive) indexSize() (int64, error) {
	if fsst, ok := a.store.(*FSStore); ok {
		st, err := os.Stat(filepath.Join(fsst.root, filepath.FromSlash(indexName)))
		if err != nil {
			return 0, err
		}
		return st.Size(), nil
	}
	b, err := a.store.Get(indexName)
	return int64(len(b)), err
}

// maintainIndex rebuilds a missing index from the heads and compacts a
// grown one. Called under the lock.
func (a *Archive) maintainIndex() error {
	size, err := a.indexSize()
	if errors.Is(err, fs.ErrNotExist) {
		names, err := a.store.List(headsDir)
		if err != nil || len(names) == 0 {
			return err
		}
		return a.Reindex()
	}
	if err != nil {
		return err
	}
	var base int64
	if b, err := a.store.Get(indexBaseName); err == nil {
		base, _ = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	}
	if size <= 2*base+1<<20 {
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

func (a *Archive) writeIndex(b []byte) error {
	if err := a.store.Put(indexName, b); err != nil {
		return err
	}
	return a.store.Put(indexBaseName, []byte(strconv.Itoa(len(b))))
}

// Reindex rebuilds the index from every head (a full scan). The caller
// holds the lock.
func (a *Archive) Reindex() error {
	names, err := a.store.List(headsDir)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, n := range names {
		k := model.Key(strings.TrimSuffix(strings.TrimPrefix(n, headsDir), ".json"))
		h, err := a.loadHead(k)
		if err != nil {
			return fmt.Errorf("archive: reindex: %w", err)
		}
		if h != nil {
			buf.Write(indexLine(h))
		}
	}
	return a.writeIndex(buf.Bytes())
}
