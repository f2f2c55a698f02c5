package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/internal/testarchive"
	"wxarchive/model"
	"wxarchive/search"
)

type site struct {
	*testarchive.Fixture
	srv *Server
	ix  *search.Index
}

func newSite(t testing.TB, token string) *site {
	t.Helper()
	f := testarchive.Build(t, filepath.Join(t.TempDir(), "arc"))
	ix, err := search.OpenArchive(f.Archive)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Update(context.Background(), f.Archive); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Archive: f.Archive, Index: ix, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return &site{Fixture: f, srv: srv, ix: ix}
}

// get requests target from the handler as a browser on loopback would.
func (s *site) get(t testing.TB, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080"+target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, r)
	return w
}

func (s *site) page(t testing.TB, target string) string {
	t.Helper()
	w := s.get(t, target)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", target, w.Code, w.Body.String())
	}
	checkPage(t, target, w)
	return w.Body.String()
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	inlineStyle  = regexp.MustCompile(`(?i)<[a-z][^<>]*\sstyle\s*=|<style`)
	handlerAttr  = regexp.MustCompile(`(?i)<[a-z][^<>]*\son[a-z]+\s*=`)
	remoteSrc    = regexp.MustCompile(`(?i)<[a-z][^<>]*\ssrc\s*=\s*"(?:https?:)?//`)
)

// checkPage: the security headers, and nothing the CSP would refuse.
func checkPage(t testing.TB, target string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Header().Get("Content-Security-Policy") != CSP || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: headers %v", target, w.Header())
	}
	body := w.Body.String()
	for _, m := range inlineScript.FindAllString(body, -1) {
		if !strings.Contains(m, `src="/static/`) {
			t.Errorf("%s: inline script %s", target, m)
		}
	}
	for name, re := range map[string]*regexp.Regexp{"inline style": inlineStyle, "event handler": handlerAttr, "remote load": remoteSrc} {
		if m := re.FindString(body); m != "" {
			t.Errorf("%s: %s: %s", target, name, m)
		}
	}
}

func TestRoutes(t *testing.T) {
	s := newSite(t, "")
	edited, deleted, picture := string(s.Edited), string(s.Deleted), string(s.Picture)
	info, _ := s.Archive.Info(s.Edited)

	home := s.page(t, "/")
	for _, want := range []string{"架构师之路", "星期一研究室", "badge-deleted", testarchive.NewTitle, "/a/" + deleted, "what changed"} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	if strings.Index(home, "badge-deleted") > strings.Index(home, "badge-new") {
		t.Errorf("home: the deletion (latest change) should come first")
	}

	acc := s.page(t, "/accounts/"+url.PathEscape(info.Biz))
	if !strings.Contains(acc, testarchive.NewTitle) || !strings.Contains(acc, "MQ，互联网架构解耦神器") {
		t.Errorf("account page lacks its articles")
	}
	acc = s.page(t, "/accounts/"+url.PathEscape(info.Biz)+"?state=deleted")
	if strings.Contains(acc, testarchive.NewTitle) || !strings.Contains(acc, "MQ，互联网架构解耦神器") {
		t.Errorf("account page, deleted only: wrong articles")
	}

	art := s.page(t, "/a/"+edited)
	for _, want := range []string{"<h1>" + testarchive.NewTitle, `src="/blob/assets/`, testarchive.NewWords, "2 version(s)", "original on WeChat", `class="archived" href="/a/` + deleted + `"`} {
		if !strings.Contains(art, want) {
			t.Errorf("article lacks %q", want)
		}
	}
	if strings.Contains(art, "mmbiz.qpic.cn/mmbiz_png") && strings.Contains(art, `src="https://mmbiz`) {
		t.Errorf("article loads a remote image")
	}
	if strings.Contains(art, `class="banner`) {
		t.Errorf("a live article has a banner")
	}
	old := s.page(t, "/a/"+edited+"?v=1")
	if !strings.Contains(old, testarchive.OldWords) || !strings.Contains(old, "version 1 of 2") {
		t.Errorf("version 1 not shown")
	}

	gone := s.page(t, "/a/"+deleted)
	if !strings.Contains(gone, "This article is deleted.") || !strings.Contains(gone, "Last seen alive on <time class=\"alive\">2026-03-01 11:00") ||
		!strings.Contains(gone, "MQ，互联网架构解耦神器") {
		t.Errorf("deleted article: banner or copy missing:\n%s", gone)
	}

	pic := s.page(t, "/a/"+picture)
	if n := strings.Count(pic, `src="/blob/`); n < 5 {
		t.Errorf("picture post shows %d archived images", n)
	}

	vers := s.page(t, "/a/"+edited+"/versions")
	if !strings.Contains(vers, "version 2") || !strings.Contains(vers, "edited: new version") || !strings.Contains(vers, "diff with 1") {
		t.Errorf("versions page:\n%s", vers)
	}

	diff := s.page(t, "/a/"+edited+"/diff?from=1&to=2")
	for _, want := range []string{"<del>几乎</del>", "<ins>基本</ins>", `<tr class="field"><th>title</th>`, testarchive.OldTitle, "row-changed"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
	if def := s.page(t, "/a/"+edited+"/diff"); !strings.Contains(def, "<ins>基本</ins>") {
		t.Errorf("diff without parameters should compare the last two versions")
	}

	for _, q := range []string{"淘宝", "动静分离架"} {
		res := s.page(t, "/search?q="+url.QueryEscape(q))
		if !strings.Contains(res, "/a/"+edited) || !strings.Contains(res, "<mark>") {
			t.Errorf("search %q does not find the article", q)
		}
	}
	res := s.page(t, "/search?q="+url.QueryEscape("互联网")+"&state=deleted")
	if strings.Contains(res, "/a/"+edited+`"`) || !strings.Contains(res, "/a/"+deleted) {
		t.Errorf("search state filter")
	}
	s.page(t, "/search")
	s.page(t, "/search?q=%22")

	if w := s.get(t, "/healthz"); w.Code != 200 || !strings.Contains(w.Body.String(), `"articles":3`) {
		t.Errorf("healthz: %d %s", w.Code, w.Body)
	}
	if w := s.get(t, "/static/style.css"); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("style: %d %v", w.Code, w.Header())
	}
}

func TestBadRequests(t *testing.T) {
	s := newSite(t, "")
	for target, code := range map[string]int{
		"/a/nope_1_1":                             404,
		"/a/..%2F..%2Fetc%2Fpasswd":               404,
		"/a/" + string(s.Edited) + "?v=3":         400,
		"/a/" + string(s.Edited) + "?v=x":         400,
		"/a/" + string(s.Edited) + "/diff?from=0": 400,
		"/a/" + string(s.Picture) + "/diff":       400,
		"/accounts/unknown":                       404,
		"/accounts/x?state=bogus":                 400,
		"/search?q=x&state=bogus":                 400,
		"/nothing":                                404,
	} {
		w := s.get(t, target)
		if w.Code != code {
			t.Errorf("%s: %d, want %d", target, w.Code, code)
		}
		if w.Code != 404 || !strings.HasPrefix(target, "/nothing") {
			checkPage(t, target, w)
		}
	}
}

// A short link joined to its article redirects to the article's key.
func TestAliasRedirects(t *testing.T) {
	s := newSite(t, "")
	l, err := s.Archive.Lock()
	if err != nil {
		t.Fatal(err)
	}
	short := "https://mp.weixin.qq.com/s/tr38EieqyftubIx2FMWUWw"
	in, err := testarchive.Input(s.Archive, testarchive.Page(t, "exporter-2025-article-02.html"), short, testarchive.Day0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Archive.Record(*in)
	l.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	w := s.get(t, "/a/s_tr38EieqyftubIx2FMWUWw/versions?x=1")
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/a/"+string(res.Key)+"/versions?x=1" {
		t.Fatalf("alias: %d %v", w.Code, w.Header())
	}
}

func TestBlobCannotEscape(t *testing.T) {
	s := newSite(t, "")
	refs, _ := s.Archive.ImageRefs(s.Edited)
	var ref string
	for _, r := range refs {
		ref = r
		break
	}
	w := s.get(t, blobPath(ref))
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/png" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("blob %s: %d %v", ref, w.Code, w.Header())
	}
	head := "heads/" + string(s.Edited) + ".json"
	for _, target := range []string{
		"/blob/" + head,
		"/blob/../" + head,
		"/blob/..%2F" + url.PathEscape(head),
		"/blob/objects/blob/../../" + head,
		"/blob/%2e%2e/%2e%2e/etc/passwd",
		"/blob/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
		"/blob//etc/passwd",
		"/blob/objects/blob/" + ref[len("objects/blob/"):] + "%00.png",
		"/blob/objects\\blob\\x.png",
		"/blob/lock",
		"/blob/" + strings.Replace(ref, ".png", ".jpg", 1), // a name its bytes do not hash to
		"/blob/objects/blob/" + strings.Repeat("a", 64) + ".png",
		"/static/../templates/layout.html",
		"/static/%2e%2e/server.go",
	} {
		w := s.get(t, target)
		if w.Code == 200 {
			t.Errorf("%s: served %d bytes", target, w.Body.Len())
		}
		if b := w.Body.String(); strings.Contains(b, `"history"`) || strings.Contains(b, "root:") {
			t.Errorf("%s: leaked %q", target, b[:min(len(b), 80)])
		}
	}
	// A file planted in the blob folder under a name it does not hash to.
	if err := s.Archive.Store().Put("objects/blob/aa/"+strings.Repeat("a", 64)+".png", []byte("not that")); err != nil {
		t.Fatal(err)
	}
	if w := s.get(t, "/blob/objects/blob/aa/"+strings.Repeat("a", 64)+".png"); w.Code != 404 {
		t.Errorf("forged blob served: %d", w.Code)
	}
}

func TestReadOnlyAndHosts(t *testing.T) {
	s := newSite(t, "")
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r := httptest.NewRequest(m, "http://127.0.0.1/", strings.NewReader("x"))
		w := httptest.NewRecorder()
		s.srv.ServeHTTP(w, r)
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, w.Code)
		}
	}
	for host, ok := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "localhost": true, "127.0.0.2": true,
		"evil.example:8080": false, "192.168.1.5:8080": false, "localhost.evil.example": false, "": false,
	} {
		r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		r.Host = host
		w := httptest.NewRecorder()
		s.srv.ServeHTTP(w, r)
		if (w.Code == 200) != ok {
			t.Errorf("Host %q: %d", host, w.Code)
		}
	}
}

func TestToken(t *testing.T) {
	s := newSite(t, "s3cret-token")
	if w := s.get(t, "/"); w.Code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", w.Code)
	}
	// A route added later (the change feed) is behind the token too.
	s.srv.Handle("GET /feed.atom", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("feed")) }))
	if w := s.get(t, "/feed.atom"); w.Code != http.StatusUnauthorized {
		t.Fatalf("added route without token: %d", w.Code)
	}
	if w := s.get(t, "/feed.atom", "Authorization", "Bearer s3cret-token"); w.Code != 200 || w.Body.String() != "feed" {
		t.Fatalf("added route: %d", w.Code)
	}
	if w := s.get(t, "/healthz", "Authorization", "Bearer wrong"); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", w.Code)
	}
	if w := s.get(t, "/blob/x", "Authorization", "Bearer wrong"); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token, blob: %d", w.Code)
	}
	if w := s.get(t, "/healthz", "Authorization", "Bearer s3cret-token"); w.Code != 200 {
		t.Fatalf("bearer: %d", w.Code)
	}
	// The scheme name is case-insensitive (RFC 9110 §11.1), as curl and
	// scripts may write it.
	for _, h := range []string{"bearer s3cret-token", "BEARER s3cret-token", "Bearer  s3cret-token"} {
		if w := s.get(t, "/healthz", "Authorization", h); w.Code != 200 {
			t.Errorf("Authorization: %s: %d", h, w.Code)
		}
	}
	// Any Host is fine once the token is given (it listens beyond loopback).
	r := httptest.NewRequest(http.MethodGet, "http://archive.lan:8080/healthz", nil)
	r.Header.Set("Authorization", "Bearer s3cret-token")
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("token, other host: %d", w.Code)
	}
	// ?token= sets a cookie and redirects to the URL without it.
	w = s.get(t, "/search?q=x&token=s3cret-token")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/search?q=x" {
		t.Fatalf("?token: %d %v", w.Code, w.Header())
	}
	c := w.Result().Cookies()
	if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie: %+v", c)
	}
	if w := s.get(t, "/search?q=x", "Cookie", c[0].Name+"="+c[0].Value); w.Code != 200 {
		t.Fatalf("cookie: %d", w.Code)
	}
	if w := s.get(t, "/?token=nope"); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong ?token: %d", w.Code)
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:0": true, "[::1]:8080": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.0.2:80": false, "[::]:8080": false, "example.com:80": false, "nonsense": false,
	} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("%s without token: %v", addr, err)
		}
	}
	if err := CheckAddr("0.0.0.0:8080", true); err != nil {
		t.Errorf("with token: %v", err)
	}
	// A port that cannot be is refused before listening (a usage error,
	// not a failure of the listener), with or without a token.
	for _, addr := range []string{"localhost:99999", "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1:http-alt-nope", "0.0.0.0:70000"} {
		if err := CheckAddr(addr, true); err == nil || !strings.Contains(err.Error(), "port") {
			t.Errorf("%s: %v, want a bad port", addr, err)
		}
	}
}

func TestServeListens(t *testing.T) {
	s := newSite(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.srv.Serve(ctx, Options{Addr: "127.0.0.1:0", Ready: func(a string) { addrc <- a }}) }()
	addr := <-addrc
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "ok") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := s.srv.Serve(context.Background(), Options{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "--token") {
		t.Fatalf("non-loopback without token: %v", err)
	}
	// A port in use (another serve) says so and how to choose another.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.srv.Serve(context.Background(), Options{Addr: ln.Addr().String()}); err == nil || !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("port in use: %v", err)
	}
}

func TestRenderBodyIsSafe(t *testing.T) {
	body := []byte(`<script>alert(1)</script>

<img src=x onerror=alert(1)>

[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [rel](../../heads/x.json)

![stored](https://mmbiz.qpic.cn/a.png) ![remote](https://evil.example/track.png) ![data](data:image/svg+xml;base64,PHN2Zz4=)

[another article](https://mp.weixin.qq.com/s?__biz=MjM5ODYxMDA5OQ==&mid=1&idx=1) https://example.com/x
`)
	out, err := renderBody(body, linker{
		images: map[string]string{"https://mmbiz.qpic.cn/a.png": "objects/blob/ab/" + strings.Repeat("b", 64) + ".png"},
		archive: func(u string) (model.Key, bool) {
			if strings.Contains(u, "mid=1&") {
				return "MjM5ODYxMDA5OQ_1_1", true
			}
			return "", false
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, bad := range []string{"<script", "onerror", "javascript:", "data:text", "data:image", `src="https://evil`, "heads/x.json", "<img src=x"} {
		if strings.Contains(s, bad) {
			t.Errorf("rendered %q:\n%s", bad, s)
		}
	}
	for _, want := range []string{`src="/blob/objects/blob/ab/`, `href="https://evil.example/track.png"`, `href="/a/MjM5ODYxMDA5OQ_1_1"`, `href="https://example.com/x"`, "noopener"} {
		if !strings.Contains(s, want) {
			t.Errorf("rendered lacks %q:\n%s", want, s)
		}
	}
}

func TestDiffBodies(t *testing.T) {
	old := "第一段。\n\n美国芯片出口管制。\n\n删掉的一段。\n\n末段"
	cur := "第一段。\n\n美国芯片进口管制。\n\n末段\n\n新加的一段。"
	rows := diffBodies(old, cur).Rows
	var kinds []string
	for _, r := range rows {
		kinds = append(kinds, r.Kind)
	}
	want := "same changed removed same added"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("rows %v, want %s", kinds, want)
	}
	ch := rows[1]
	if ch.Left[1] != (seg{Text: "出", Op: -1}) || ch.Right[1] != (seg{Text: "进", Op: 1}) || ch.LeftN != 2 || ch.RightN != 2 {
		t.Errorf("changed row: %+v", ch)
	}
	// Long unchanged runs fold.
	var many []string
	for i := range 30 {
		many = append(many, strings.Repeat("段", i+1))
	}
	a := strings.Join(many, "\n\n")
	b := strings.Replace(a, strings.Repeat("段", 15), "改了", 1)
	rows = diffBodies(a, b).Rows
	if len(rows) != 7 || rows[0].Kind != rowSkip || rows[0].Skipped != 12 || rows[3].Kind != rowChanged || rows[6].Skipped != 13 {
		t.Errorf("fold: %+v", rows)
	}
}

func TestFrontMatterAliases(t *testing.T) {
	old, _ := parseFrontMatter([]byte("title: T\nurl: https://mp.weixin.qq.com/s?__biz=x\ntype: article\nsource_url: https://example.com\n"))
	cur, _ := parseFrontMatter([]byte("title: T2\nsource: https://mp.weixin.qq.com/s?__biz=x\nformat: article\nread_original: https://example.com\ncaptured: \"2026-03-01T10:00:00+08:00\"\n"))
	ch := frontMatterChanges(old, cur)
	if len(ch) != 1 || ch[0].Field != "title" || ch[0].Old != "T" || ch[0].New != "T2" {
		t.Errorf("changes across the rename: %+v", ch)
	}
	if old.Source == "" || old.Format != "article" || old.ReadOriginal == "" {
		t.Errorf("old names not read as aliases: %+v", old)
	}
	if _, err := parseFrontMatter([]byte("title: [unclosed\n")); err == nil {
		t.Errorf("damaged front matter: no error")
	}
}

// An article recorded with timelines and hostile content: the page lists
// the chapters as links and passes nothing active through.
func TestArticleTimelinesAndHostileBody(t *testing.T) {
	s := newSite(t, "")
	id := model.ID{Biz: "MzkzNDQ0NDQ0NA==", Mid: "2247480001", Idx: "1"}
	art := &model.Article{
		Meta: model.Meta{
			Title: `<script>alert("title")</script>视频课`, Account: "测试号", Published: "2024-05-01T20:00:00+08:00",
			URL: id.URL(), Type: "video", WeChat: &id, Tags: []string{"课程", "<b>x</b>"},
			Timelines: []model.Timeline{{Title: "章节", Entries: []model.TimelineEntry{
				{Time: "0:00", Seconds: 0, Label: "开场"}, {Time: "1:05:37", Seconds: 3937, Label: "<img src=x onerror=alert(1)>总结"},
			}}},
		},
		Body: "正文<script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n[x](javascript:alert(1))\n",
	}
	l, err := s.Archive.Lock()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Archive.Record(archive.Input{
		Capture:  model.Capture{SourceURL: id.URL(), FetchedAt: testarchive.Day0, Raw: []byte("<html></html>")},
		Doc:      &model.Document{State: model.StateArticle, ID: id, Article: art},
		Markdown: extractor.Render(art),
	})
	l.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	page := s.page(t, "/a/"+string(id.Key()))
	for _, want := range []string{`<li id="t-3937"><a href="#t-3937"><time>1:05:37</time></a>`, "&lt;img src=x onerror=alert(1)&gt;总结", "视频课", "2024-05-01 20:00"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<iframe", "javascript:", "<b>x</b>", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("page passes %q through", bad)
		}
	}
}

// TestTimesSayTheirZone: the pages show times in China time while the
// command line shows the machine's zone: each page says which it is, so
// "05:15" on the page and "21:15 +00:00" in `wxarchive log` do not look
// like two different captures.
func TestTimesSayTheirZone(t *testing.T) {
	s := newSite(t, "")
	for _, p := range []string{"/", "/a/" + string(s.Edited), "/a/" + string(s.Edited) + "/versions"} {
		if page := s.page(t, p); !strings.Contains(page, "UTC+8") {
			t.Errorf("%s does not say its times are UTC+8", p)
		}
	}
}

// TestSearchNothingToSearch: a query of only quotes or spaces is answered
// with what is wrong with it, not "type at least one character" (the
// person did type one).
func TestSearchNothingToSearch(t *testing.T) {
	s := newSite(t, "")
	page := s.page(t, "/search?q=%22%22")
	if strings.Contains(page, "at least one character") || !strings.Contains(page, "quotes and spaces alone are not searched") {
		t.Errorf("search for \"\": %s", page)
	}
}

// TestStaticNoListing: the embedded assets are served by name; their
// folder is not listed.
func TestStaticNoListing(t *testing.T) {
	s := newSite(t, "")
	for _, p := range []string{"/static/", "/static"} {
		if w := s.get(t, p); w.Code == 200 {
			t.Errorf("%s: %d, a listing:\n%s", p, w.Code, w.Body.String())
		}
	}
	if w := s.get(t, "/static/style.css"); w.Code != 200 {
		t.Errorf("style.css: %d", w.Code)
	}
}
