package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"wxarchive/archive"
	"wxarchive/model"
)

// FileName is the index's file in the archive's cache folder.
const FileName = "search.db"

// schemaVersion changes whenever the tables or what is derived into them
// change; an index of another version is rebuilt.
const schemaVersion = 5 // 5: entities in the text read as their characters; no invisible format characters

// batch is how many docs one write transaction indexes: progress survives
// an interruption, and readers are never held up long.
const batch = 1000

// optimizeAfter is how many docs an update indexes before it merges the
// FTS segments into one (queries read fewer segments after a large build).
const optimizeAfter = 5000

// Source is what the index reads from an archive.
type Source interface {
	List() ([]archive.Info, error)
	Version(key model.Key, n int) ([]byte, error)
	Captures(key model.Key) ([]archive.CaptureRecord, error)
	Stamp() (string, error)
}

var _ Source = (*archive.Archive)(nil)

// Index is an open search index.
type Index struct {
	db   *sql.DB
	path string

	mu          sync.Mutex
	accounts    []Account // cached Accounts, of generation accountsGen
	accountsGen int64
}

// Stats says what a Rebuild or Update did.
type Stats struct {
	Docs    int           `json:"docs"`    // docs in the index after it
	Indexed int           `json:"indexed"` // docs (re)indexed
	Removed int           `json:"removed"` // docs dropped (no longer in the archive)
	Skipped bool          `json:"skipped"` // nothing changed since the last update
	Took    time.Duration `json:"took"`
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS docs(
		id INTEGER PRIMARY KEY,
		key TEXT NOT NULL UNIQUE,
		sig TEXT NOT NULL,
		title TEXT NOT NULL,
		account TEXT NOT NULL,
		biz TEXT NOT NULL,
		state TEXT NOT NULL,
		url TEXT NOT NULL,
		published INTEGER NOT NULL,
		last_capture INTEGER NOT NULL,
		versions INTEGER NOT NULL,
		alive INTEGER NOT NULL,
		since INTEGER NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS docs_biz ON docs(biz)`,     // (biz, id): an account's articles newest first
	`CREATE INDEX IF NOT EXISTS docs_state ON docs(state)`, // (state, id)
	// Covers the account counts.
	`CREATE INDEX IF NOT EXISTS docs_accounts ON docs(biz, account, state, versions)`,
	`CREATE VIRTUAL TABLE IF NOT EXISTS tri USING fts5(title, body, tokenize='trigram')`,
	`CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(g, tokenize='unicode61', detail=none, content='', contentless_delete=1)`,
	`CREATE TABLE IF NOT EXISTS changes(
		key TEXT NOT NULL,
		time INTEGER NOT NULL,
		kind TEXT NOT NULL,
		version INTEGER NOT NULL,
		PRIMARY KEY(key, time, kind)
	)`,
	`CREATE INDEX IF NOT EXISTS changes_time ON changes(time DESC)`,
}

// Path is where the index of archive a lives.
func Path(a *archive.Archive) string { return filepath.Join(a.CacheDir(), FileName) }

// OpenArchive opens (creating when missing) the index of archive a.
func OpenArchive(a *archive.Archive) (*Index, error) {
	if err := os.MkdirAll(a.CacheDir(), 0o755); err != nil {
		return nil, fmt.Errorf("search: create %s: %w", a.CacheDir(), err)
	}
	return Open(Path(a))
}

// Open opens the index file at path, creating it when missing. A file that
// is not an index of this version, or is damaged, is replaced by an empty
// index (it is a cache: Update fills it again).
func Open(path string) (*Index, error) {
	ix, err := open(path)
	if err == nil {
		return ix, nil
	}
	if !errors.Is(err, errStale) && !isCorrupt(err) {
		return nil, err
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if rerr := os.Remove(path + suffix); rerr != nil && !os.IsNotExist(rerr) {
			return nil, fmt.Errorf("search: replace %s (%v): %w", path, err, rerr)
		}
	}
	return open(path)
}

var errStale = errors.New("search: index of another version")

func isCorrupt(err error) bool {
	s := err.Error()
	return strings.Contains(s, "malformed") || strings.Contains(s, "not a database") ||
		strings.Contains(s, "SQLITE_CORRUPT") || strings.Contains(s, "SQLITE_NOTADB")
}

func open(path string) (*Index, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", path, err)
	}
	ix := &Index{db: db, path: path}
	if err := ix.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("search: open %s: %w", path, err)
	}
	return ix, nil
}

func (ix *Index) init() error {
	var v int
	if err := ix.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v != 0 && v != schemaVersion {
		return errStale
	}
	if v == 0 {
		var n int
		if err := ix.db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errStale // tables of something else
		}
	}
	tx, err := ix.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range schema {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(`PRAGMA user_version = ` + strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Close closes the index.
func (ix *Index) Close() error { return ix.db.Close() }

// Rebuild makes the index of archive a again from its store.
func Rebuild(ctx context.Context, a *archive.Archive) (Stats, error) {
	ix, err := OpenArchive(a)
	if err != nil {
		return Stats{}, err
	}
	st, err := ix.Rebuild(ctx, a)
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("search: close: %w", cerr)
	}
	return st, err
}

// Update brings the index of archive a up to date: it re-indexes the
// articles that changed since the last update and drops those gone. It
// costs one stat when nothing changed. Every writer calls it after
// recording.
func Update(ctx context.Context, a *archive.Archive) (Stats, error) {
	ix, err := OpenArchive(a)
	if err != nil {
		return Stats{}, err
	}
	st, err := ix.Update(ctx, a)
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("search: close: %w", cerr)
	}
	return st, err
}

// Rebuild empties the index and indexes every article of src.
func (ix *Index) Rebuild(ctx context.Context, src Source) (Stats, error) {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Stats{}, fmt.Errorf("search: rebuild: %w", err)
	}
	defer tx.Rollback()
	for _, t := range []string{"docs", "tri", "grams", "changes"} {
		if _, err := tx.Exec(`DELETE FROM ` + t); err != nil {
			return Stats{}, fmt.Errorf("search: rebuild: empty %s: %w", t, err)
		}
	}
	if _, err := tx.Exec(`DELETE FROM meta WHERE k = 'stamp'`); err != nil {
		return Stats{}, fmt.Errorf("search: rebuild: %w", err)
	}
	if err := bumpGeneration(tx); err != nil {
		return Stats{}, fmt.Errorf("search: rebuild: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Stats{}, fmt.Errorf("search: rebuild: %w", err)
	}
	return ix.update(ctx, src, true)
}

// Update re-indexes what changed in src since the last update.
func (ix *Index) Update(ctx context.Context, src Source) (Stats, error) {
	return ix.update(ctx, src, false)
}

func (ix *Index) update(ctx context.Context, src Source, force bool) (Stats, error) {
	start := time.Now()
	var st Stats
	stamp, err := src.Stamp()
	if err != nil {
		return st, fmt.Errorf("search: update: %w", err)
	}
	if !force && stamp != "" {
		var old string
		err := ix.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'stamp'`).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("search: update: %w", err)
		}
		if old == stamp {
			st.Skipped = true
			st.Docs, err = ix.Count(ctx)
			st.Took = time.Since(start)
			return st, err
		}
	}
	infos, err := src.List()
	if err != nil {
		return st, fmt.Errorf("search: update: list the archive: %w", err)
	}
	have := map[model.Key]string{}
	rows, err := ix.db.QueryContext(ctx, `SELECT key, sig FROM docs`)
	if err != nil {
		return st, fmt.Errorf("search: update: %w", err)
	}
	for rows.Next() {
		var k, sig string
		if err := rows.Scan(&k, &sig); err != nil {
			rows.Close()
			return st, fmt.Errorf("search: update: %w", err)
		}
		have[model.Key(k)] = sig
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("search: update: %w", err)
	}

	var todo []*archive.Info
	seen := make(map[model.Key]bool, len(infos))
	for i := range infos {
		in := &infos[i]
		seen[in.Key] = true
		if sig, ok := have[in.Key]; !ok || sig != signature(in) {
			todo = append(todo, in)
		}
	}
	var gone []model.Key
	for k := range have {
		if !seen[k] {
			gone = append(gone, k)
		}
	}
	for len(todo) > 0 || len(gone) > 0 {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("search: update: %w", err)
		}
		n := min(batch, len(todo))
		docs := make([]*docData, 0, n)
		for _, in := range todo[:n] {
			d, err := load(src, in)
			if err != nil {
				return st, err
			}
			docs = append(docs, d)
		}
		g := gone[:min(batch, len(gone))]
		if err := ix.write(ctx, docs, g); err != nil {
			return st, err
		}
		st.Indexed += n
		st.Removed += len(g)
		todo, gone = todo[n:], gone[len(g):]
	}
	if st.Indexed >= optimizeAfter {
		for _, t := range []string{"tri", "grams"} {
			if _, err := ix.db.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`) VALUES('optimize')`); err != nil {
				return st, fmt.Errorf("search: optimize %s: %w", t, err)
			}
		}
	}
	if stamp != "" {
		if _, err := ix.db.ExecContext(ctx, `INSERT INTO meta(k, v) VALUES('stamp', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`, stamp); err != nil {
			return st, fmt.Errorf("search: update: %w", err)
		}
	}
	st.Docs, err = ix.Count(ctx)
	st.Took = time.Since(start)
	return st, err
}

// signature is what a doc is indexed from: when it changes, the doc is
// indexed again.
func signature(in *archive.Info) string {
	return strings.Join([]string{
		strconv.Itoa(in.Versions), string(in.State), in.Title, in.Account, in.Biz, in.URL,
		fmtTime(in.Published), fmtTime(in.LastCapture), strconv.Itoa(in.Captures), strconv.Itoa(len(in.Aliases)),
	}, "\x1f")
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// docData is one article ready to write.
type docData struct {
	info    *archive.Info
	body    string
	alive   time.Time
	since   time.Time
	changes []Change
}

// load reads what the index keeps of one article: the plain text of its
// latest version, and its history from the captures.
func load(src Source, in *archive.Info) (*docData, error) {
	d := &docData{info: in}
	if in.Versions > 0 {
		md, err := src.Version(in.Key, 0)
		if err != nil {
			return nil, fmt.Errorf("search: index %s: %w", in.Key, err)
		}
		_, body := SplitFrontMatter(md)
		d.body = PlainText(body)
	}
	caps, err := src.Captures(in.Key)
	if err != nil {
		return nil, fmt.Errorf("search: index %s: %w", in.Key, err)
	}
	d.changes, d.alive, d.since = History(caps)
	return d, nil
}

func (ix *Index) write(ctx context.Context, docs []*docData, gone []model.Key) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("search: write: %w", err)
	}
	defer tx.Rollback()
	for _, k := range gone {
		if err := remove(tx, k); err != nil {
			return err
		}
	}
	for _, d := range docs {
		if err := insert(tx, d); err != nil {
			return err
		}
	}
	if err := bumpGeneration(tx); err != nil {
		return fmt.Errorf("search: write: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("search: write: %w", err)
	}
	return nil
}

func remove(tx *sql.Tx, k model.Key) error {
	var id int64
	err := tx.QueryRow(`SELECT id FROM docs WHERE key = ?`, string(k)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil {
		err = removeID(tx, id, k)
	}
	if err == nil {
		_, err = tx.Exec(`DELETE FROM docs WHERE id = ?`, id)
	}
	if err != nil {
		return fmt.Errorf("search: remove %s: %w", k, err)
	}
	return nil
}

func removeID(tx *sql.Tx, id int64, k model.Key) error {
	for _, q := range []string{`DELETE FROM tri WHERE rowid = ?`, `DELETE FROM grams WHERE rowid = ?`} {
		if _, err := tx.Exec(q, id); err != nil {
			return err
		}
	}
	_, err := tx.Exec(`DELETE FROM changes WHERE key = ?`, string(k))
	return err
}

// Doc ids order the docs newest first: an id is the time the article was
// published (or captured, when the date is unknown) counted back from
// idEpoch, in seconds, shifted left 16 bits, plus a slot. The FTS tables
// keep their rows in id order, so "newest first" reads the first rows of a
// match and stops, however many docs match.
const idEpoch = int64(1) << 40

func baseID(in *archive.Info) int64 {
	t := in.Published
	if t.IsZero() {
		t = in.LastCapture
	}
	sec := min(max(t.Unix(), 0), idEpoch-1)
	h := fnv.New32a()
	h.Write([]byte(in.Key))
	return (idEpoch-1-sec)<<16 | int64(h.Sum32()&0xffff)
}

func insert(tx *sql.Tx, d *docData) error {
	in := d.info
	k := string(in.Key)
	want := baseID(in)
	var id int64
	err := tx.QueryRow(`SELECT id FROM docs WHERE key = ?`, k).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id = 0
	case err != nil:
		return fmt.Errorf("search: index %s: %w", k, err)
	case id>>16 == want>>16:
		// Same date: keep the id.
		if err := removeID(tx, id, in.Key); err != nil {
			return fmt.Errorf("search: index %s: %w", k, err)
		}
	default:
		if err := remove(tx, in.Key); err != nil {
			return err
		}
		id = 0
	}
	if id == 0 {
		// The first free slot from the wanted one.
		for id = want; ; id++ {
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM docs WHERE id = ?`, id).Scan(&n); err != nil {
				return fmt.Errorf("search: index %s: %w", k, err)
			}
			if n == 0 {
				break
			}
		}
		if _, err := tx.Exec(`INSERT INTO docs(id, key, sig, title, account, biz, state, url, published, last_capture, versions, alive, since)
			VALUES(?, ?, '', '', '', '', '', '', 0, 0, 0, 0, 0)`, id, k); err != nil {
			return fmt.Errorf("search: index %s: %w", k, err)
		}
	}
	title := in.Title
	_, err = tx.Exec(`UPDATE docs SET sig = ?, title = ?, account = ?, biz = ?, state = ?, url = ?, published = ?,
		last_capture = ?, versions = ?, alive = ?, since = ? WHERE id = ?`,
		signature(in), title, in.Account, in.Biz, string(in.State), in.URL, unix(in.Published),
		unix(in.LastCapture), in.Versions, unix(d.alive), unix(d.since), id)
	if err == nil {
		_, err = tx.Exec(`INSERT INTO tri(rowid, title, body) VALUES(?, ?, ?)`, id, dropInvisible(title), d.body)
	}
	if err == nil {
		_, err = tx.Exec(`INSERT INTO grams(rowid, g) VALUES(?, ?)`, id, Grams(dropInvisible(title), d.body))
	}
	for _, c := range d.changes {
		if err != nil {
			break
		}
		_, err = tx.Exec(`INSERT OR IGNORE INTO changes(key, time, kind, version) VALUES(?, ?, ?, ?)`, k, c.Time.UnixNano(), string(c.Kind), c.Version)
	}
	if err != nil {
		return fmt.Errorf("search: index %s: %w", k, err)
	}
	return nil
}

// bumpGeneration counts a change of the docs, so that readers in this
// and other processes drop what they derived from them.
func bumpGeneration(tx *sql.Tx) error {
	_, err := tx.Exec(`INSERT INTO meta(k, v) VALUES('gen', '1') ON CONFLICT(k) DO UPDATE SET v = CAST(v AS INTEGER) + 1`)
	return err
}

// generation is the count of changes of the docs.
func (ix *Index) generation(ctx context.Context) (int64, error) {
	var gen int64
	err := ix.db.QueryRowContext(ctx, `SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'gen'`).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return gen, err
}

// Count is the number of docs in the index.
func (ix *Index) Count(ctx context.Context) (int, error) {
	var n int
	if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM docs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}
