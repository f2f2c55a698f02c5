package search

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	Bizs   []string    // only these accounts (their biz), when set
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
	Terms  []string `json:"terms"`
	Total  int      `json:"total"`  // hits in all, capped at MaxTotal
	More   bool     `json:"more"`   // Total is capped
	Ranked bool     `json:"ranked"` // by relevance; otherwise newest first
	Hits   []Hit    `json:"hits"`
}

// MaxTotal caps the count of hits (counting every hit of a common term
// would cost more than the search).
const MaxTotal = 1000

// Terms splits a query into its terms: spaces separate, double quotes
// group, and a term is kept at most once. Control characters (a NUL, an
// escape) are dropped, tabs and line breaks separate, invalid UTF-8 is
// dropped: no text holds them where a search can find them.
func Terms(q string) []string {
	q = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), r == utf8.RuneError, isInvisible(r):
			return -1
		}
		return r
	}, q)
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

// rankMax is the most hits ranked by relevance (BM25, titles weighing
// more); past it hits come newest first, which costs the same however
// many docs match (a common word matches most of a large archive).
const rankMax = 300

// Search finds the articles whose title or body contains every term. Terms
// of three characters or more go to the trigram table, shorter ones to the
// gram table (which holds punctuation and symbols too: no term needs a
// scan of the text). Up to rankMax hits are ranked by relevance when the query has a
// long term; otherwise, and past that, hits come newest first (doc ids
// order docs newest first).
//
// A query on one table without filters reads the hits of its page and
// stops. Otherwise the ids each table and filter allow are read whole and
// intersected here: FTS5 reads a list of ids fast, but checking one doc
// against a MATCH costs as much as the whole list.
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
	for _, t := range terms {
		if runeLen(t) >= 3 {
			long = append(long, ftsString(t))
			continue
		}
		rs := []rune(t)
		for i, r := range rs {
			rs[i] = unicode.ToLower(r) // as Grams folds the text
		}
		short = append(short, ftsString(gramToken(rs)))
	}
	type list struct {
		query string
		args  []any
	}
	var lists []list
	if len(long) > 0 {
		lists = append(lists, list{`SELECT rowid FROM tri WHERE tri MATCH ? ORDER BY rowid`, []any{strings.Join(long, " AND ")}})
	}
	if len(short) > 0 {
		lists = append(lists, list{`SELECT rowid FROM grams WHERE grams MATCH ? ORDER BY rowid`, []any{strings.Join(short, " AND ")}})
	}
	var filters []string
	var fargs []any
	if q.Biz != "" {
		filters = append(filters, `biz = ?`)
		fargs = append(fargs, q.Biz)
	}
	if len(q.Bizs) > 0 {
		filters = append(filters, `biz IN (?`+strings.Repeat(`, ?`, len(q.Bizs)-1)+`)`)
		for _, b := range q.Bizs {
			fargs = append(fargs, b)
		}
	}
	if q.State != "" {
		filters = append(filters, `state = ?`)
		fargs = append(fargs, string(q.State))
	}
	if len(filters) > 0 {
		lists = append(lists, list{`SELECT id FROM docs WHERE ` + strings.Join(filters, " AND ") + ` ORDER BY id`, fargs})
	}

	res := &Results{Terms: terms}
	var page []int64
	var small []int64 // the docs the filters leave, when few
	if len(filters) > 0 {
		ids, err := ix.ids(ctx, `SELECT id FROM docs WHERE `+strings.Join(filters, " AND ")+` ORDER BY id LIMIT ?`, append(fargs, scanMax+1)...)
		if err != nil {
			return nil, fmt.Errorf("search: %q: %w", q.Text, err)
		}
		if len(ids) <= scanMax {
			small = ids
		}
	}
	if small != nil {
		// Few docs to look at: read their text rather than the lists of
		// every doc that holds a (maybe common) term.
		all, err := ix.scan(ctx, small, terms)
		if err != nil {
			return nil, fmt.Errorf("search: %q: %w", q.Text, err)
		}
		res.Total = len(all)
		if len(long) > 0 && len(all) > 1 {
			var n int
			match := strings.Join(long, " AND ")
			if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM tri WHERE tri MATCH ? LIMIT ?)`, match, rankMax+1).Scan(&n); err != nil {
				return nil, fmt.Errorf("search: %q: %w", q.Text, err)
			}
			if n <= rankMax {
				if err := ix.rank(ctx, match, all); err != nil {
					return nil, fmt.Errorf("search: %q: %w", q.Text, err)
				}
				res.Ranked = true
			}
		}
		if offset < len(all) {
			page = all[offset:min(len(all), offset+limit)]
		}
	} else if len(lists) == 1 {
		// One table, no filter: read the page only.
		l := lists[0]
		err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+l.query+` LIMIT ?)`, append(l.args, MaxTotal+1)...).Scan(&res.Total)
		if err != nil {
			return nil, fmt.Errorf("search: %q: %w", q.Text, err)
		}
		query := l.query
		if len(long) > 0 && res.Total <= rankMax {
			query = `SELECT rowid FROM tri WHERE tri MATCH ? ORDER BY bm25(tri, 4.0, 1.0), rowid`
			res.Ranked = true
		}
		if page, err = ix.ids(ctx, query+` LIMIT ? OFFSET ?`, append(l.args, limit, offset)...); err != nil {
			return nil, fmt.Errorf("search: %q: %w", q.Text, err)
		}
	} else {
		var all []int64
		triCount := -1
		for i, l := range lists {
			ids, err := ix.ids(ctx, l.query, l.args...)
			if err != nil {
				return nil, fmt.Errorf("search: %q: %w", q.Text, err)
			}
			if i == 0 && len(long) > 0 {
				triCount = len(ids)
			}
			if i == 0 {
				all = ids
			} else {
				all = intersect(all, ids)
			}
			if len(all) == 0 {
				break
			}
		}
		res.Total = len(all)
		if triCount >= 0 && triCount <= rankMax && len(all) > 1 {
			if err := ix.rank(ctx, strings.Join(long, " AND "), all); err != nil {
				return nil, fmt.Errorf("search: %q: %w", q.Text, err)
			}
			res.Ranked = true
		}
		if offset < len(all) {
			page = all[offset:min(len(all), offset+limit)]
		}
	}
	if res.Total > MaxTotal {
		res.Total, res.More = MaxTotal, true
	}
	hits, err := ix.hits(ctx, page, terms)
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", q.Text, err)
	}
	res.Hits = hits
	return res, nil
}

// scanMax is the most docs the filters may leave for a search to read
// their text instead of the text index.
const scanMax = 1000

// scan returns the ids whose title or text contains every term, case
// folded, as the text index would find them.
func (ix *Index) scan(ctx context.Context, ids []int64, terms []string) ([]int64, error) {
	// Terms without cased letters (Chinese) are looked for as they are;
	// the text is case folded only for the others, and only once.
	lower := make([]string, len(terms))
	for i, t := range terms {
		lower[i] = strings.ToLower(t)
	}
	var out []int64
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := ix.db.QueryContext(ctx, `SELECT id, c0, c1 FROM tri_content WHERE id IN (?`+strings.Repeat(`, ?`, n-1)+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var title, body string
			if err := rows.Scan(&id, &title, &body); err != nil {
				rows.Close()
				return nil, err
			}
			var ltitle, lbody string
			ok := true
			for i, t := range lower {
				if t == strings.ToUpper(terms[i]) {
					ok = strings.Contains(title, t) || strings.Contains(body, t)
				} else {
					if ltitle == "" && lbody == "" {
						ltitle, lbody = strings.ToLower(title), strings.ToLower(body)
					}
					ok = strings.Contains(ltitle, t) || strings.Contains(lbody, t)
				}
				if !ok {
					break
				}
			}
			if ok {
				out = append(out, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// ids runs a query of ids.
func (ix *Index) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := ix.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// intersect keeps the ids of a that are in b; both are sorted.
func intersect(a, b []int64) []int64 {
	out := a[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// rank sorts ids by relevance to the trigram expression match (each id
// matches it).
func (ix *Index) rank(ctx context.Context, match string, ids []int64) error {
	rows, err := ix.db.QueryContext(ctx, `SELECT rowid, bm25(tri, 4.0, 1.0) FROM tri WHERE tri MATCH ?`, match)
	if err != nil {
		return err
	}
	defer rows.Close()
	score := make(map[int64]float64, len(ids))
	for rows.Next() {
		var id int64
		var s float64
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		score[id] = s
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(ids, func(a, b int64) int { return cmp.Compare(score[a], score[b]) })
	return nil
}

// hits reads the docs of ids, in that order, with their highlights.
func (ix *Index) hits(ctx context.Context, ids []int64, terms []string) ([]Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT d.id, d.key, d.title, d.account, d.biz, d.state, d.published, t.body
		FROM docs d JOIN tri t ON t.rowid = d.id WHERE d.id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Hit, len(ids))
	for rows.Next() {
		var h Hit
		var id, pub int64
		var key, state, body string
		if err := rows.Scan(&id, &key, &h.Title, &h.Account, &h.Biz, &state, &pub, &body); err != nil {
			return nil, err
		}
		h.Key, h.State, h.Published = model.Key(key), model.State(state), fromUnix(pub)
		h.TitleHL = Highlight(h.Title, terms)
		h.Snippet = Snippet(body, terms, 160)
		byID[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Hit, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok { // a doc removed meanwhile is skipped
			out = append(out, h)
		}
	}
	return out, nil
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

// Accounts lists the accounts, most articles first. The list is computed
// once per change of the index (a scan of every doc) and kept.
func (ix *Index) Accounts(ctx context.Context) ([]Account, error) {
	gen, err := ix.generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	ix.mu.Lock()
	if ix.accounts != nil && ix.accountsGen == gen {
		out := slices.Clone(ix.accounts)
		ix.mu.Unlock()
		return out, nil
	}
	ix.mu.Unlock()
	out, err := ix.accountList(ctx, ``)
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	ix.accounts, ix.accountsGen = out, gen
	ix.mu.Unlock()
	return slices.Clone(out), nil
}

// Account returns one account with its counts; found is false when no
// doc has that biz.
func (ix *Index) Account(ctx context.Context, biz string) (a Account, found bool, err error) {
	out, err := ix.accountList(ctx, `WHERE biz = ?`, biz)
	if err != nil || len(out) == 0 {
		return Account{}, false, err
	}
	return out[0], true, nil
}

func (ix *Index) accountList(ctx context.Context, where string, args ...any) ([]Account, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT biz, max(account), count(*),
		sum(state NOT IN ('article', '')), sum(versions > 1)
		FROM docs `+where+` GROUP BY biz ORDER BY count(*) DESC, max(account)`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	defer rows.Close()
	out := []Account{}
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
	q += ` ORDER BY d.id LIMIT ? OFFSET ?` // ids order docs newest first
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
