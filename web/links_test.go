package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"wxarchive/internal/testarchive"
	"wxarchive/model"
)

// TestRenderedLinksWork renders the pages, follows every link they show (as
// a person clicking would) and checks that each lands where it says: a
// version link shows that version, a diff link compares the versions it
// names, a filter filters, a next page shows other results with the same
// parameters. Page sizes of 1 make the small fixture page.
func TestRenderedLinksWork(t *testing.T) {
	s := newSite(t, "")
	s.srv.accountPageSize, s.srv.searchPageSize = 1, 1
	edited := string(s.Edited)

	base, _ := url.Parse("http://127.0.0.1:8080/")
	start := []string{"/", "/search?q=" + url.QueryEscape("互联网"), "/search?q=" + url.QueryEscape("架构")}
	seen := map[string]bool{}
	queue := []string{}
	for _, u := range start {
		seen[u] = true
		queue = append(queue, u)
	}
	followed := map[string]int{} // what kind of link was checked, how often
	firstPage := map[string][]string{}
	for len(queue) > 0 && len(seen) < 400 {
		target := queue[0]
		queue = queue[1:]
		w := s.get(t, target)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", target, w.Code)
			continue
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(w.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(target)
		if kind := checkLanding(t, s, u, doc, firstPage); kind != "" {
			followed[kind]++
		}
		doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			ref, err := url.Parse(href)
			if err != nil {
				t.Errorf("%s: link %q: %v", target, href, err)
				return
			}
			abs := base.ResolveReference(u).ResolveReference(ref)
			if abs.Host != base.Host || abs.Fragment != "" && abs.Path == u.Path ||
				strings.HasPrefix(abs.Path, "/static/") || strings.HasPrefix(abs.Path, "/blob/") || abs.Path == "/feed.atom" {
				return
			}
			next := abs.RequestURI()
			for name := range abs.Query() {
				if !slices.Contains([]string{"v", "from", "to", "state", "page", "q", "account"}, name) {
					t.Errorf("%s: link %q has a parameter %q (escaped twice?)", target, href, name)
				}
			}
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		})
	}
	for _, kind := range []string{"old version", "latest version", "diff", "state filter", "account page 2", "search page 2", "search in account"} {
		if followed[kind] == 0 {
			t.Errorf("no %s link was followed (followed: %v)", kind, followed)
		}
	}
	if !seen["/a/"+edited+"?v=1"] {
		t.Errorf("the versions page does not link to version 1 of the edited article")
	}
}

// checkLanding checks that the page reached by u is what u asks for, and
// says what kind of link it checked.
func checkLanding(t *testing.T, s *site, u *url.URL, doc *goquery.Document, firstPage map[string][]string) string {
	t.Helper()
	q := u.Query()
	page := q.Get("page")
	q.Del("page")
	listKey := u.Path + "?" + q.Encode()
	switch {
	case strings.HasPrefix(u.Path, "/a/") && strings.HasSuffix(u.Path, "/diff"):
		if q.Get("from") == "" {
			return ""
		}
		h1 := doc.Find("h1").Text()
		want := fmt.Sprintf("version %s (", q.Get("from"))
		want2 := fmt.Sprintf("→ version %s (", q.Get("to"))
		if !strings.Contains(h1, want) || !strings.Contains(h1, want2) {
			t.Errorf("%s: the diff shows %q", u, h1)
		}
		return "diff"
	case strings.HasPrefix(u.Path, "/a/") && !strings.Contains(strings.TrimPrefix(u.Path, "/a/"), "/"):
		v := q.Get("v")
		if v == "" {
			return ""
		}
		key := strings.TrimPrefix(u.Path, "/a/")
		info, err := s.Archive.Info(model.Key(key))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(v)
		banner := doc.Find(".banner-old").Text()
		if n == info.Versions {
			if banner != "" {
				t.Errorf("%s: the latest version says %q", u, banner)
			}
			return "latest version"
		}
		if !strings.Contains(banner, fmt.Sprintf("version %d of %d", n, info.Versions)) {
			t.Errorf("%s: shows %q, not version %d", u, banner, n)
		}
		if key == string(s.Edited) && n == 1 {
			body := doc.Find("article, main").Text()
			if !strings.Contains(body, testarchive.OldWords) || strings.Contains(body, testarchive.NewWords) {
				t.Errorf("%s: not the text of version 1", u)
			}
		}
		return "old version"
	case strings.HasPrefix(u.Path, "/accounts/"):
		var keys []string
		doc.Find("table.list tbody tr").Each(func(_ int, tr *goquery.Selection) {
			cls, _ := tr.Attr("class")
			if st := q.Get("state"); st != "" && cls != "state-"+st {
				t.Errorf("%s: filtered on %s, lists a row of %s", u, st, cls)
			}
			href, _ := tr.Find("a").First().Attr("href")
			keys = append(keys, href)
		})
		kind := ""
		if q.Get("state") != "" {
			if cur := doc.Find("a.filter.current").Text(); cur == "all" {
				t.Errorf("%s: the current filter is %q", u, cur)
			}
			kind = "state filter"
		}
		return pageCheck(t, u, page, listKey, keys, firstPage, "account page 2", kind)
	case u.Path == "/search":
		if v, _ := doc.Find(`input[name="q"]`).Attr("value"); v != q.Get("q") {
			t.Errorf("%s: the search box says %q", u, v)
		}
		var keys []string
		doc.Find("li.hit").Each(func(_ int, li *goquery.Selection) {
			href, _ := li.Find("a.title").Attr("href")
			keys = append(keys, href)
		})
		if q.Get("q") != "" && len(keys) == 0 {
			t.Errorf("%s: no hit", u)
		}
		if biz := q.Get("account"); biz != "" {
			if sel, _ := doc.Find(`select[name="account"] option[selected]`).Attr("value"); sel != biz {
				t.Errorf("%s: the account filter shows %q", u, sel)
			}
			for _, k := range keys {
				info, err := s.Archive.Info(model.Key(strings.TrimPrefix(k, "/a/")))
				if err != nil || info.Biz != biz {
					t.Errorf("%s: hit %s is not of account %s", u, k, biz)
				}
			}
			return pageCheck(t, u, page, listKey, keys, firstPage, "search page 2", "search in account")
		}
		return pageCheck(t, u, page, listKey, keys, firstPage, "search page 2", "")
	}
	return ""
}

// pageCheck: page 2 of a list shows other entries than page 1 of the same
// list (same parameters).
func pageCheck(t *testing.T, u *url.URL, page, listKey string, keys []string, firstPage map[string][]string, kind2, kind string) string {
	t.Helper()
	if page == "" || page == "1" {
		firstPage[listKey] = keys
		return kind
	}
	first, ok := firstPage[listKey]
	if !ok {
		t.Errorf("%s: reached page %s without page 1 of %s", u, page, listKey)
		return kind
	}
	if len(keys) == 0 {
		t.Errorf("%s: page %s is empty", u, page)
	}
	for _, k := range keys {
		if slices.Contains(first, k) {
			t.Errorf("%s: page %s repeats %s of page 1", u, page, k)
		}
	}
	return kind2
}
