package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/internal/testarchive"
	"wxarchive/model"
)

func build(t *testing.T) (*testarchive.Fixture, *Index) {
	t.Helper()
	f := testarchive.Build(t, filepath.Join(t.TempDir(), "arc"))
	ix, err := OpenArchive(f.Archive)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st, err := ix.Update(context.Background(), f.Archive)
	if err != nil {
		t.Fatal(err)
	}
	if st.Docs != 3 || st.Indexed != 3 {
		t.Fatalf("first update: %+v", st)
	}
	return f, ix
}

func keys(r *Results) []model.Key {
	var out []model.Key
	for _, h := range r.Hits {
		out = append(out, h.Key)
	}
	return out
}

func TestSearchChinese(t *testing.T) {
	f, ix := build(t)
	ctx := context.Background()
	for _, c := range []struct {
		q    string
		want []model.Key
	}{
		{"淘宝", []model.Key{f.Edited}},                      // two characters: the gram table
		{"动静分离架", []model.Key{f.Edited}},                   // five: trigrams
		{"基本不变的页面", []model.Key{f.Edited}},                 // the latest version's words
		{"几乎不变的页面", nil},                                   // the old version's words are not searched
		{"飞书", []model.Key{f.Picture}},                     // a picture post
		{"MQ", []model.Key{f.Deleted}},                     // Latin letters, case folded
		{"mq 解耦", []model.Key{f.Deleted}},                  // every term must match
		{"架构师", nil},                                       // the account name is not the text
		{"互联网", []model.Key{f.Deleted, f.Edited}},          // both, any order
		{"\"动静 分离\"", nil},                                 // a quoted phrase keeps its space
		{"的", []model.Key{f.Deleted, f.Edited, f.Picture}}, // one character
		{"5%", nil},    // punctuation: the gram table too
		{"一分钟了解", nil}, // the old title
	} {
		r, err := ix.Search(ctx, Query{Text: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		got := keys(r)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", c.q, got, want)
		}
		if r.Total != len(got) {
			t.Errorf("%q: total %d, %d hits", c.q, r.Total, len(got))
		}
	}
}

func TestSearchSnippetsAndFilters(t *testing.T) {
	f, ix := build(t)
	ctx := context.Background()
	r, err := ix.Search(ctx, Query{Text: "淘宝"})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("%v %+v", err, r)
	}
	h := r.Hits[0]
	if h.Title != testarchive.NewTitle || h.Account != "架构师之路" || h.State != model.StateArticle {
		t.Errorf("hit: %+v", h)
	}
	var marked []string
	var text strings.Builder
	for _, s := range h.Snippet {
		text.WriteString(s.Text)
		if s.Mark {
			marked = append(marked, s.Text)
		}
	}
	if !slices.Equal(marked, []string{"淘宝"}) || !strings.Contains(text.String(), "淘宝商品列表页") || strings.Contains(text.String(), "](") {
		t.Errorf("snippet %q, marked %q", text.String(), marked)
	}
	r, _ = ix.Search(ctx, Query{Text: "分离"})
	if len(r.Hits) != 1 || !slices.ContainsFunc(r.Hits[0].TitleHL, func(s Span) bool { return s.Mark && s.Text == "分离" }) {
		t.Errorf("title highlight: %+v", r.Hits)
	}

	// Filters: by state, by account.
	r, _ = ix.Search(ctx, Query{Text: "互联网", State: model.StateDeleted})
	if got := keys(r); !slices.Equal(got, []model.Key{f.Deleted}) {
		t.Errorf("state filter: %v", got)
	}
	info, _ := f.Archive.Info(f.Picture)
	r, _ = ix.Search(ctx, Query{Text: "的", Biz: info.Biz})
	if got := keys(r); !slices.Equal(got, []model.Key{f.Picture}) {
		t.Errorf("account filter: %v", got)
	}
	if _, err := ix.Search(ctx, Query{Text: "  \" "}); err != ErrEmptyQuery {
		t.Errorf("empty query: %v", err)
	}
	// FTS syntax in a query is text, not syntax.
	for _, q := range []string{`"x`, `AND OR NOT`, `a* ^b NEAR(c d)`, `col:x`, `'; DROP TABLE docs; --`, strings.Repeat("长", 5000)} {
		if _, err := ix.Search(ctx, Query{Text: q}); err != nil {
			t.Errorf("%.20q: %v", q, err)
		}
	}
}

func TestCatalogue(t *testing.T) {
	f, ix := build(t)
	ctx := context.Background()
	d, ok, err := ix.Get(ctx, f.Deleted)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if d.State != model.StateDeleted || !d.Alive.Equal(testarchive.Day0.Add(time.Hour)) || !d.Since.Equal(testarchive.Day0.Add(48*time.Hour)) {
		t.Errorf("deleted doc: %+v", d)
	}
	recent, err := ix.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range recent {
		got = append(got, string(c.Kind)+" "+string(c.Key))
	}
	want := []string{
		"deleted " + string(f.Deleted), "edited " + string(f.Edited), "new " + string(f.Picture),
		"new " + string(f.Deleted), "new " + string(f.Edited),
	}
	if !slices.Equal(got, want) {
		t.Errorf("recent:\n%q\nwant\n%q", got, want)
	}
	accs, err := ix.Accounts(ctx)
	if err != nil || len(accs) != 2 || accs[0].Name != "架构师之路" || accs[0].Articles != 2 || accs[0].Gone != 1 || accs[0].Edited != 1 {
		t.Fatalf("accounts: %v %+v", err, accs)
	}
	arts, err := ix.Articles(ctx, accs[0].Biz, "", 0, 0)
	if err != nil || len(arts) != 2 || arts[0].Key != f.Edited {
		t.Fatalf("articles: %v %+v", err, arts)
	}
	arts, _ = ix.Articles(ctx, accs[0].Biz, model.StateDeleted, 0, 0)
	if len(arts) != 1 || arts[0].Key != f.Deleted {
		t.Fatalf("deleted articles: %+v", arts)
	}
}

func TestUpdateCatchesUp(t *testing.T) {
	f, ix := build(t)
	ctx := context.Background()
	st, err := ix.Update(ctx, f.Archive)
	if err != nil || !st.Skipped {
		t.Fatalf("nothing changed: %+v %v", st, err)
	}
	// A writer records a new capture: the deleted article is back.
	l, err := f.Archive.Lock()
	if err != nil {
		t.Fatal(err)
	}
	in, err := testarchive.Input(f.Archive, testarchive.Page(t, "goscraper-2017-jiagoushi-mq.html"), "", testarchive.Day0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Archive.Record(*in); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	st, err = Update(ctx, f.Archive) // as a writer calls it
	if err != nil || st.Skipped || st.Indexed != 1 || st.Docs != 3 {
		t.Fatalf("after a capture: %+v %v", st, err)
	}
	d, _, _ := ix.Get(ctx, f.Deleted)
	if d.State != model.StateArticle || !d.Since.IsZero() {
		t.Errorf("restored: %+v", d)
	}
	recent, _ := ix.Recent(ctx, 1)
	if len(recent) != 1 || recent[0].Kind != ChangeRestored {
		t.Errorf("recent: %+v", recent)
	}
	r, _ := ix.Search(ctx, Query{Text: "MQ", State: model.StateArticle})
	if len(r.Hits) != 1 {
		t.Errorf("state filter after update: %+v", r)
	}
}

func TestRebuildAndDamagedIndex(t *testing.T) {
	f, ix := build(t)
	ctx := context.Background()
	ix.Close()
	// A damaged cache is replaced, not fatal.
	p := Path(f.Archive)
	for _, s := range []string{"-wal", "-shm"} {
		os.Remove(p + s)
	}
	if err := os.WriteFile(p, []byte("garbage, not a database, at least not any more........................................................................................"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Rebuild(ctx, f.Archive)
	if err != nil || st.Docs != 3 || st.Indexed != 3 {
		t.Fatalf("rebuild over garbage: %+v %v", st, err)
	}
	ix2, err := OpenArchive(f.Archive)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if r, err := ix2.Search(ctx, Query{Text: "淘宝"}); err != nil || len(r.Hits) != 1 {
		t.Fatalf("search after rebuild: %+v %v", r, err)
	}
	// An article gone from the archive is dropped from the index.
	gone := &fakeSource{Archive: f.Archive, drop: f.Picture}
	st, err = ix2.Update(ctx, gone)
	if err != nil || st.Removed != 1 || st.Docs != 2 {
		t.Fatalf("drop: %+v %v", st, err)
	}
	if r, _ := ix2.Search(ctx, Query{Text: "飞书"}); len(r.Hits) != 0 {
		t.Errorf("dropped doc still found: %+v", r.Hits)
	}
}

type fakeSource struct {
	*archive.Archive
	drop model.Key
}

func (s *fakeSource) Stamp() (string, error) { return "", nil }
func (s *fakeSource) List() ([]archive.Info, error) {
	all, err := s.Archive.List()
	return slices.DeleteFunc(all, func(i archive.Info) bool { return i.Key == s.drop }), err
}

// TestShortTermsWithPunctuation: a term of one or two characters holding
// punctuation or symbols ("C#", "5%", "，。") is found by the gram table,
// with the same hits as reading every text (no scan: issue 13 review). A
// control character in a query is dropped, not an error.
func TestShortTermsWithPunctuation(t *testing.T) {
	_, ix := build(t)
	ctx := context.Background()
	rows, err := ix.db.QueryContext(ctx, `SELECT rowid, title, body FROM tri`)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[int64]string{}
	for rows.Next() {
		var id int64
		var title, body string
		if err := rows.Scan(&id, &title, &body); err != nil {
			t.Fatal(err)
		}
		texts[id] = strings.ToLower(title + "\n" + body)
	}
	rows.Close()
	// Every gram of the texts with a character that is not a letter, and
	// some that no text holds.
	terms := map[string]bool{"C#": true, "5%": true, "%": true, "_": true, "\\": true, `"`: true, "，。": true, "🙂": true, "a-": true}
	for _, s := range texts {
		rs := []rune(s)
		for i, r := range rs {
			if gramRune(r) || gramSkip(r) {
				continue
			}
			terms[string(r)] = true
			if i+1 < len(rs) && !gramSkip(rs[i+1]) {
				terms[string(rs[i:i+2])] = true
			}
			if i > 0 && !gramSkip(rs[i-1]) {
				terms[string(rs[i-1:i+1])] = true
			}
		}
	}
	found := 0
	for term := range terms {
		var want []model.Key
		for id, s := range texts {
			if strings.Contains(s, strings.ToLower(term)) {
				var k string
				if err := ix.db.QueryRowContext(ctx, `SELECT key FROM docs WHERE id = ?`, id).Scan(&k); err != nil {
					t.Fatal(err)
				}
				want = append(want, model.Key(k))
			}
		}
		q := term
		if strings.Contains(term, `"`) {
			continue // a quote groups terms
		}
		r, err := ix.Search(ctx, Query{Text: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		got := keys(r)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", q, got, want)
		}
		if len(want) > 0 {
			found++
		}
	}
	if found < 20 {
		t.Errorf("only %d of %d punctuation terms are in the texts", found, len(terms))
	}
	// Found by the index, not by reading the text: with the stored text
	// blanked, the hits stay.
	before, err := ix.Search(ctx, Query{Text: "，"})
	if err != nil || len(before.Hits) == 0 {
		t.Fatalf("，: %v %v", before, err)
	}
	if _, err := ix.db.ExecContext(ctx, `UPDATE tri_content SET c0 = '', c1 = ''`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"，", "，。", "5%"} {
		r, err := ix.Search(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if q == "，" && !slices.Equal(keys(r), keys(before)) {
			t.Errorf("%q read the text: %v, not %v", q, keys(r), keys(before))
		}
	}
	for _, q := range []string{"\x00", "a\x00b", "\x1b[31m", "\xff\xfe"} {
		r, err := ix.Search(ctx, Query{Text: q})
		if err != nil && !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("%q: %v", q, err)
		}
		if err == nil && slices.ContainsFunc(r.Terms, func(s string) bool { return strings.ContainsAny(s, "\x00\x1b\xff") }) {
			t.Errorf("%q: terms %q", q, r.Terms)
		}
	}
}
