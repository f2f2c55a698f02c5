package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"wxarchive/model"
)

// MaxQuery caps a query's length in characters, and MaxTerms its terms.
const (
	MaxQuery = 256
	MaxTerms = 8
)

// ErrEmptyQuery is returned for a query without a term.
var ErrEmptyQuery = errors.New("search: empty query")

// Query is one search.
type Query struct {
	Text   string      // terms split on spaces; "a quoted phrase" is one term
	Biz    string      // only this account (its biz), when set
	State  model.State // only articles in this state, when set
	Limit  int         // hits per page (default 20, at most 200)
	Offset int
}

// Hit is one article found.
type Hit struct {
	Key       model.Key   `json:"key"`
	Title     string      `json:"title"`
	Account   string      `json:"account,omitempty"`
	Biz       string      `json:"biz,omitempty"`
	State     model.State `json:"state,omitempty"`
	Published time.Time   `json:"published,omitzero"`
	TitleHL   []Span      `json:"title_highlight,omitempty"`
	Snippet   []Span      `json:"snippet,omitempty"`
}

// Results is a page of hits.
type Results struct {
	Terms []string `json:"terms"`
	Total int      `json:"total"` // hits in all, capped at MaxTotal
	More  bool     `json:"more"`  // Total is capped
	Hits  []Hit    `json:"hits"`
}

// MaxTotal caps the count of hits (counting every hit of a common term
// would cost more than the search).
const MaxTotal = 1000

// Terms splits a query into its terms: spaces separate, double quotes
// group, and a term is kept at most once.
func Terms(q string) []string {
	if r := []rune(q); len(r) > MaxQuery {
		q = string(r[:MaxQuery])
	}
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] || len(out) >= MaxTerms {
			return
		}
		seen[k] = true
		out = append(out, t)
	}
	for q != "" {
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
		if strings.HasPrefix(q, `"`) {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				add(q[1:])
				break
			}
			add(oneLine(q[1 : 1+end]))
			q = q[2+end:]
			continue
		}
		i := strings.IndexFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if i < 0 {
			add(q)
			break
		}
		add(q[:i])
		q = q[i:]
	}
	return out
}

// ftsString quotes s as one FTS5 string (a phrase of its tokens).
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// likePattern makes s a LIKE pattern matching it anywhere.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// Search finds the articles whose title or body contains every term. Terms
// of three characters or more go to the trigram table, ranked by BM25 with
// titles weighing more; shorter ones to the gram table (letters and
// digits) or, holding anything else, to a scan. Without a long term, hits
// come newest first.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	terms := Terms(q.Text)
	if len(terms) == 0 {
		return nil, ErrEmptyQuery
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	offset := max(q.Offset, 0)

	var long, short []string
	var where []string
	var args []any
	for _, t := range terms {
		if runeLen(t) >= 3 {
			long = append(long, ftsString(t))
			continue
		}
		letters := true
		for _, r := range t {
			letters = letters && gramRune(unicode.ToLower(r))
		}
		if letters {
			short = append(short, ftsString(strings.ToLower(t)))
		} else {
			where = append(where, `d.id IN (SELECT rowid FROM tri WHERE title LIKE ? ESCAPE '\' OR body LIKE ? ESCAPE '\')`)
			args = append(args, likePattern(t), likePattern(t))
		}
	}
	if len(short) > 0 {
		where = append(where, `d.id IN (SELECT rowid FROM grams WHERE grams MATCH ?)`)
		args = append(args, strings.Join(short, " AND "))
	}
	if q.Biz != "" {
		where = append(where, `d.biz = ?`)
		args = append(args, q.Biz)
	}
	if q.State != "" {
		where = append(where, `d.state = ?`)
		args = append(args, string(q.State))
	}
	var from, order string
	if len(long) > 0 {
		from = `tri JOIN docs d ON d.id = tri.rowid`
		where = append([]string{`tri MATCH ?`}, where...)
		args = append([]any{strings.Join(long, " AND ")}, args...)
		order = `bm25(tri, 4.0, 1.0), d.published DESC`
	} else {
		from = `docs d`
		order = `d.published DESC, d.id DESC`
	}
	cond := strings.Join(where, " AND ")

	res := &Results{Terms: terms}
	err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+from+` WHERE `+cond+` LIMIT ?)`,
		append(args, MaxTotal+1)...).Scan(&res.Total)
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", q.Text, err)
	}
	if res.Total > MaxTotal {
		res.Total, res.More = MaxTotal, true
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT d.id, d.key, d.title, d.account, d.biz, d.state, d.published FROM `+from+
		` WHERE `+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", q.Text, err)
	}
	var ids []int64
	for rows.Next() {
		var h Hit
		var id, pub int64
		var key, state string
		if err := rows.Scan(&id, &key, &h.Title, &h.Account, &h.Biz, &state, &pub); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search: %q: %w", q.Text, err)
		}
		h.Key, h.State, h.Published = model.Key(key), model.State(state), fromUnix(pub)
		res.Hits = append(res.Hits, h)
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %q: %w", q.Text, err)
	}
	for i, id := range ids {
		var body string
		if err := ix.db.QueryRowContext(ctx, `SELECT body FROM tri WHERE rowid = ?`, id).Scan(&body); err != nil {
			return nil, fmt.Errorf("search: %q: snippet: %w", q.Text, err)
		}
		h := &res.Hits[i]
		h.TitleHL = Highlight(h.Title, terms)
		h.Snippet = Snippet(body, terms, 160)
	}
	return res, nil
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// Doc is one article as the catalogue lists it.
type Doc struct {
	Key         model.Key   `json:"key"`
	Title       string      `json:"title"`
	Account     string      `json:"account,omitempty"`
	Biz         string      `json:"biz,omitempty"`
	State       model.State `json:"state,omitempty"`
	URL         string      `json:"url,omitempty"`
	Published   time.Time   `json:"published,omitzero"`
	LastCapture time.Time   `json:"last_capture,omitzero"`
	Versions    int         `json:"versions"`
	Alive       time.Time   `json:"alive,omitzero"` // last seen alive
	Since       time.Time   `json:"since,omitzero"` // in its current non-article state since
}

const docCols = `d.key, d.title, d.account, d.biz, d.state, d.url, d.published, d.last_capture, d.versions, d.alive, d.since`

func scanDoc(sc interface{ Scan(...any) error }) (Doc, error) {
	var d Doc
	var key, state string
	var pub, last, alive, since int64
	err := sc.Scan(&key, &d.Title, &d.Account, &d.Biz, &state, &d.URL, &pub, &last, &d.Versions, &alive, &since)
	d.Key, d.State = model.Key(key), model.State(state)
	d.Published, d.LastCapture, d.Alive, d.Since = fromUnix(pub), fromUnix(last), fromUnix(alive), fromUnix(since)
	return d, err
}

func (ix *Index) docs(ctx context.Context, what, query string, args ...any) ([]Doc, error) {
	rows, err := ix.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Doc
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, fmt.Errorf("search: %s: %w", what, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %s: %w", what, err)
	}
	return out, nil
}

// Account is one account with its article counts.
type Account struct {
	Biz      string `json:"biz"`
	Name     string `json:"name"`
	Articles int    `json:"articles"`
	Gone     int    `json:"gone"` // deleted, censored or unavailable
	Edited   int    `json:"edited"`
}

// Accounts lists the accounts, most articles first.
func (ix *Index) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT biz, max(account), count(*),
		sum(state NOT IN ('article', '')), sum(versions > 1)
		FROM docs GROUP BY biz ORDER BY count(*) DESC, max(account)`)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var name sql.NullString
		if err := rows.Scan(&a.Biz, &name, &a.Articles, &a.Gone, &a.Edited); err != nil {
			return nil, fmt.Errorf("search: accounts: %w", err)
		}
		a.Name = name.String
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	return out, nil
}

// Articles lists an account's articles newest first, only those in state
// when it is set; limit <= 0 means 100.
func (ix *Index) Articles(ctx context.Context, biz string, state model.State, limit, offset int) ([]Doc, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + docCols + ` FROM docs d WHERE d.biz = ?`
	args := []any{biz}
	if state != "" {
		q += ` AND d.state = ?`
		args = append(args, string(state))
	}
	q += ` ORDER BY d.published DESC, d.key LIMIT ? OFFSET ?`
	return ix.docs(ctx, "articles of "+biz, q, append(args, limit, max(offset, 0))...)
}

// Get returns the doc of one key; found is false when it is not indexed.
func (ix *Index) Get(ctx context.Context, key model.Key) (d Doc, found bool, err error) {
	d, err = scanDoc(ix.db.QueryRowContext(ctx, `SELECT `+docCols+` FROM docs d WHERE d.key = ?`, string(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return Doc{}, false, nil
	}
	if err != nil {
		return Doc{}, false, fmt.Errorf("search: get %s: %w", key, err)
	}
	return d, true, nil
}

// RecentChange is a change with its article.
type RecentChange struct {
	Change
	Doc Doc `json:"doc"`
}

// Recent lists the latest changes of all articles, newest first.
func (ix *Index) Recent(ctx context.Context, limit int) ([]RecentChange, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT c.time, c.kind, c.version, `+docCols+`
		FROM changes c JOIN docs d ON d.key = c.key ORDER BY c.time DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("search: recent changes: %w", err)
	}
	defer rows.Close()
	var out []RecentChange
	for rows.Next() {
		var c RecentChange
		var t int64
		var kind string
		d := []any{&t, &kind, &c.Version}
		var key, state string
		var pub, last, alive, since int64
		d = append(d, &key, &c.Doc.Title, &c.Doc.Account, &c.Doc.Biz, &state, &c.Doc.URL, &pub, &last, &c.Doc.Versions, &alive, &since)
		if err := rows.Scan(d...); err != nil {
			return nil, fmt.Errorf("search: recent changes: %w", err)
		}
		c.Time, c.Kind, c.Key = time.Unix(0, t).UTC(), ChangeKind(kind), model.Key(key)
		c.Doc.Key, c.Doc.State = model.Key(key), model.State(state)
		c.Doc.Published, c.Doc.LastCapture, c.Doc.Alive, c.Doc.Since = fromUnix(pub), fromUnix(last), fromUnix(alive), fromUnix(since)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: recent changes: %w", err)
	}
	return out, nil
}
