package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/internal/testarchive"
	"wxarchive/model"
)

// hostilePairs: n changed pairs of paragraphs of size characters each,
// changed throughout (one character in four), so that a character diff
// marks many pieces. Their span is 2·size-6 (the first three characters
// are common).
func hostilePairs(n, size int) (string, string) {
	var a, b []string
	for i := range n {
		a = append(a, strings.Repeat(fmt.Sprintf("a%02dc", i), size/4))
		b = append(b, strings.Repeat(fmt.Sprintf("a%02dz", i), size/4))
	}
	return strings.Join(a, "\n\n"), strings.Join(b, "\n\n")
}

// whole: the changed row shows both paragraphs whole, without marks.
func whole(r row) bool {
	return r.Kind == rowChanged && len(r.Left) == 1 && len(r.Right) == 1 && r.Left[0].Op == -1 && r.Right[0].Op == 1
}

// A hostile pair of versions costs bounded work: thousands of differing
// paragraphs are not aligned (both sides shown whole), long changed
// paragraphs are not compared character by character, and the character
// comparisons of one page stop when its work is spent. Nothing is lost.
func TestDiffBodiesBounded(t *testing.T) {
	t.Run("many paragraphs", func(t *testing.T) {
		const n = 2000 // paragraphs that differ on each side: over the limit
		var a, b []string
		a = append(a, "开头相同。")
		b = append(b, "开头相同。")
		for i := range n {
			a = append(a, fmt.Sprintf("甲%d", i))
			b = append(b, fmt.Sprintf("乙%d", i))
		}
		a = append(a, "结尾相同。")
		b = append(b, "结尾相同。")
		d := diffBodies(strings.Join(a, "\n\n"), strings.Join(b, "\n\n"))
		if !d.Coarse {
			t.Errorf("not coarse")
		}
		if len(d.Rows) != n+2 || d.Rows[0].Kind != rowSame || d.Rows[len(d.Rows)-1].Kind != rowSame {
			t.Fatalf("%d rows, first %+v", len(d.Rows), d.Rows[0])
		}
		for k, r := range d.Rows[1 : len(d.Rows)-1] {
			if !whole(r) || r.Left[0].Text != a[k+1] || r.Right[0].Text != b[k+1] || r.LeftN != k+2 || r.RightN != k+2 {
				t.Fatalf("row %d: %+v", k+1, r)
			}
		}
	})
	t.Run("long paragraphs", func(t *testing.T) {
		a, b := hostilePairs(20, 6000) // span 11994: over the limit
		d := diffBodies(a, b)
		if d.Coarse || d.Unmarked != 20 || len(d.Rows) != 20 {
			t.Fatalf("coarse %v, unmarked %d, %d rows", d.Coarse, d.Unmarked, len(d.Rows))
		}
		for k, r := range d.Rows {
			if !whole(r) {
				t.Errorf("row %d marked: %d and %d segments", k, len(r.Left), len(r.Right))
			}
		}
	})
	t.Run("work spent", func(t *testing.T) {
		// Each pair costs span² of the page's work.
		const n, size = 20, 1000
		a, b := hostilePairs(n, size)
		d := diffBodies(a, b)
		marked := maxCharWork / ((2*size - 6) * (2*size - 6))
		if d.Unmarked != n-marked || len(d.Rows) != n {
			t.Fatalf("unmarked %d, want %d; %d rows", d.Unmarked, n-marked, len(d.Rows))
		}
		for k, r := range d.Rows {
			if whole(r) != (k >= marked) {
				t.Errorf("row %d: whole %v, %d segments", k, whole(r), len(r.Left))
			}
		}
	})
	t.Run("common ends are free", func(t *testing.T) {
		// A long paragraph with one character changed is still marked.
		long := strings.Repeat("长", 30000)
		d := diffBodies(long+"甲"+long, long+"乙"+long)
		if d.Unmarked != 0 || len(d.Rows) != 1 || len(d.Rows[0].Left) != 3 || d.Rows[0].Left[1] != (seg{Text: "甲", Op: -1}) {
			t.Fatalf("%+v", d)
		}
	})
}

// The diff page says when the limits were reached.
func TestDiffPageTooDifferent(t *testing.T) {
	s := newSite(t, "")
	id := model.ID{Biz: "MzkzNDQ0NDQ0NA==", Mid: "2247480002", Idx: "1"}
	var old, cur []string
	for i := range 2000 {
		old = append(old, fmt.Sprintf("旧的第%d段", i))
		cur = append(cur, fmt.Sprintf("新的第%d段", i))
	}
	for k, body := range []string{strings.Join(old, "\n\n"), strings.Join(cur, "\n\n")} {
		art := &model.Article{Meta: model.Meta{Title: "改写", Account: "测试号", URL: id.URL(), Type: "article", WeChat: &id}, Body: body}
		l, err := s.Archive.Lock()
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Archive.Record(archive.Input{
			Capture:  model.Capture{SourceURL: id.URL(), FetchedAt: testarchive.Day0.Add(time.Duration(k) * time.Hour), Raw: []byte(fmt.Sprintf("<html>%d</html>", k))},
			Doc:      &model.Document{State: model.StateArticle, ID: id, Article: art},
			Markdown: extractor.Render(art),
		})
		l.Unlock()
		if err != nil {
			t.Fatal(err)
		}
	}
	page := s.page(t, "/a/"+string(id.Key())+"/diff")
	for _, want := range []string{"too different to compare paragraph by paragraph", "旧的第0段", "新的第1999段"} {
		if !strings.Contains(page, want) {
			t.Errorf("diff page lacks %q", want)
		}
	}
}

// BenchmarkDiffHostile: the worst pairs of versions the limits allow: many
// long paragraphs changed throughout, and thousands of differing ones.
func BenchmarkDiffHostile(b *testing.B) {
	pa, pb := hostilePairs(60, 1500)
	var ma, mb []string
	for i := range 5000 {
		ma = append(ma, fmt.Sprintf("甲%d", i))
		mb = append(mb, fmt.Sprintf("乙%d", i))
	}
	for name, pair := range map[string][2]string{
		"pairs":      {pa, pb},
		"paragraphs": {strings.Join(ma, "\n\n"), strings.Join(mb, "\n\n")},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				diffBodies(pair[0], pair[1])
			}
		})
	}
}
