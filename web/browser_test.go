package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/internal/testarchive"
	"wxarchive/model"
)

// findChromium returns the browser to drive: $CHROMIUM, else the first of
// the usual names on the PATH. Absent, the test skips locally and fails
// under CI.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found, and CI=true: install it (apt-get install chromium) or set CHROMIUM")
	}
	t.Skip("chromium not found: browser tests skipped (apt-get install chromium, or set CHROMIUM)")
	return ""
}

// browser is one headless Chromium and what its pages reported.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string // console errors, exceptions, failed loads
	shots    string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := findChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{shots: t.TempDir()}
	if d := os.Getenv("WXARCHIVE_SCREENSHOTS"); d != "" {
		b.shots = d // to look at them after the run
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	b.ctx = ctx
	return b
}

func (b *browser) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		p = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			p += " " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			p = fmt.Sprintf("%s %s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

// problemsSince returns what was reported after the n-th problem.
func (b *browser) problemsSince(n int) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems[n:]...)
}

func (b *browser) mark() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.problems)
}

// visit loads a page, lets it settle, checks nothing was reported and
// takes a screenshot.
func (b *browser) visit(t *testing.T, name, u string) {
	t.Helper()
	n := b.mark()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("%s: load %s: %v", name, u, err)
	}
	b.settle(t, ctx)
	b.shot(t, ctx, name)
	for _, p := range b.problemsSince(n) {
		t.Errorf("%s: %s", name, p)
	}
}

// settle loads every image (lazy ones too) and waits for them.
func (b *browser) settle(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Promise.all(Array.from(document.images).map(i => {
		i.loading = "eager";
		return i.decode().then(() => 1, () => 0);
	})).then(r => r.length)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("wait for images: %v", err)
	}
}

func (b *browser) shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// click follows the link sel of the page shown, as a person would, and
// waits for the next page (which has wait).
func (b *browser) click(t *testing.T, sel, wait string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	n := b.mark()
	before := b.eval(t, `location.href`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	// The page goes away under a poll while it navigates: ask again until
	// the new one answers.
	for {
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`))
		if err == nil && href != "" && href != before {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("after clicking %s: still on %s", sel, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(wait))); err != nil {
		t.Fatalf("after clicking %s: %v", sel, err)
	}
	for _, p := range b.problemsSince(n) {
		t.Errorf("after clicking %s: %s", sel, p)
	}
}

func (b *browser) eval(t *testing.T, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

func (b *browser) text(t *testing.T, sel string) string {
	return b.eval(t, `(document.querySelector(`+jsString(sel)+`) || {innerText: ""}).innerText`)
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

// TestBrowser loads every route in headless Chromium against an archive
// built from the fixtures and checks what a person sees.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not with -short")
	}
	b := newBrowser(t)
	s := newSite(t, "")
	ctx, stop := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.srv.Serve(ctx, Options{Addr: "127.0.0.1:0", Ready: func(a string) { addrc <- a }}) }()
	base := "http://" + <-addrc
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	edited, deleted, picture := string(s.Edited), string(s.Deleted), string(s.Picture)
	info, _ := s.Archive.Info(s.Edited)

	t.Run("home", func(t *testing.T) {
		b.visit(t, "home", base+"/")
		if got := b.text(t, ".changes .timeline li:first-child"); !strings.Contains(got, "deleted") || !strings.Contains(got, "MQ，互联网架构解耦神器") {
			t.Errorf("first change: %q", got)
		}
		if got := b.text(t, ".accounts"); !strings.Contains(got, "架构师之路") || !strings.Contains(got, "星期一研究室") {
			t.Errorf("accounts: %q", got)
		}
	})

	t.Run("account", func(t *testing.T) {
		b.visit(t, "account", base+"/accounts/"+url.PathEscape(info.Biz))
		if got := b.text(t, "table.list tbody"); !strings.Contains(got, testarchive.NewTitle) || !strings.Contains(got, "deleted") {
			t.Errorf("articles: %q", got)
		}
	})

	t.Run("article", func(t *testing.T) {
		b.visit(t, "article", base+"/a/"+edited)
		if got := b.text(t, "article h1"); got != testarchive.NewTitle {
			t.Errorf("title %q", got)
		}
		// Every image is loaded, and from the archive.
		imgs := b.eval(t, `JSON.stringify(Array.from(document.querySelectorAll("article img")).map(i => [new URL(i.src).origin === location.origin && new URL(i.src).pathname.startsWith("/blob/"), i.complete && i.naturalWidth > 0]))`)
		if imgs == "[]" || strings.Contains(imgs, "false") {
			t.Errorf("images (from the archive, loaded): %s", imgs)
		}
		if got := b.text(t, "aside.meta"); !strings.Contains(got, "2018-01-03") || !strings.Contains(got, "58沈剑") || !strings.Contains(got, "MQ，互联网架构解耦神器") {
			t.Errorf("side panel: %q", got)
		}
		if got := b.eval(t, `document.querySelector("aside .related a.archived").getAttribute("href")`); got != "/a/"+deleted {
			t.Errorf("related link to the archived copy: %q", got)
		}
	})

	t.Run("deleted", func(t *testing.T) {
		b.visit(t, "deleted", base+"/a/"+deleted)
		got := b.text(t, ".banner")
		if !strings.Contains(got, "This article is deleted.") || !strings.Contains(got, "Last seen alive on 2026-03-01 11:00") {
			t.Errorf("banner %q", got)
		}
		if got := b.text(t, "article h1"); got != "MQ，互联网架构解耦神器" {
			t.Errorf("archived copy title %q", got)
		}
	})

	t.Run("picture", func(t *testing.T) {
		b.visit(t, "picture", base+"/a/"+picture)
		n := b.eval(t, `String(Array.from(document.querySelectorAll("article img")).filter(i => i.naturalWidth > 0).length)`)
		if n == "0" || n == "1" {
			t.Errorf("picture post: %s images loaded", n)
		}
	})

	t.Run("versions", func(t *testing.T) {
		b.visit(t, "versions", base+"/a/"+edited+"/versions")
		if got := b.text(t, "table.captures"); !strings.Contains(got, "edited: new version") || !strings.Contains(got, "first version") || !strings.Contains(got, "200") {
			t.Errorf("captures: %q", got)
		}
	})

	t.Run("click version 1", func(t *testing.T) {
		// As a person: from the history, click "version 1", then "what
		// changed since".
		b.visit(t, "versions-click", base+"/a/"+edited+"/versions")
		b.click(t, `ol.versions li:first-child a`, "article h1")
		if got := b.text(t, ".banner-old"); !strings.Contains(got, "version 1 of 2") {
			t.Errorf("clicked version 1, the page says %q", got)
		}
		b.shot(t, b.ctx, "version-1")
		b.click(t, `.banner-old a:last-child`, "table.sbs")
		if got := b.text(t, "h1"); !strings.Contains(got, "version 1 (") || !strings.Contains(got, "→ version 2 (") {
			t.Errorf("diff from the banner: %q", got)
		}
	})

	t.Run("click filter", func(t *testing.T) {
		b.visit(t, "account-filter", base+"/accounts/"+url.PathEscape(info.Biz))
		b.click(t, `nav.filters a[href$="state=deleted"]`, "nav.filters a.current")
		if got := b.text(t, "nav.filters a.current"); got != "deleted" {
			t.Errorf("current filter %q", got)
		}
		if got := b.text(t, "table.list tbody"); strings.Contains(got, testarchive.NewTitle) || !strings.Contains(got, "MQ，互联网架构解耦神器") {
			t.Errorf("filtered on deleted: %q", got)
		}
		b.shot(t, b.ctx, "account-deleted")
	})

	t.Run("diff", func(t *testing.T) {
		b.visit(t, "diff", base+"/a/"+edited+"/diff?from=1&to=2")
		del := b.eval(t, `Array.from(document.querySelectorAll("tr.row-changed del")).map(e => e.innerText).join("|")`)
		ins := b.eval(t, `Array.from(document.querySelectorAll("tr.row-changed ins")).map(e => e.innerText).join("|")`)
		if !strings.Contains(del, "几乎") || !strings.Contains(ins, "基本") {
			t.Errorf("highlights: del %q ins %q", del, ins)
		}
		// Highlighted in colour, not just marked up.
		if bg := b.eval(t, `getComputedStyle(document.querySelector("tr.row-changed ins")).backgroundColor`); bg == "rgba(0, 0, 0, 0)" {
			t.Errorf("ins has no background: %s", bg)
		}
		if got := b.text(t, "table.fieldchanges"); !strings.Contains(got, testarchive.OldTitle) || !strings.Contains(got, testarchive.NewTitle) {
			t.Errorf("front matter changes: %q", got)
		}
	})

	for _, q := range []string{"淘宝", "动静分离架"} {
		t.Run("search "+q, func(t *testing.T) {
			// As a person: type into the search box of the home page.
			b.visit(t, "search-home", base+"/")
			ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
			defer cancel()
			n := b.mark()
			err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS(".searchbox input"), q),
				chromedp.Submit(chromedp.CSS(".searchbox input")),
				chromedp.WaitVisible(chromedp.CSS("ol.results, p.count")),
			)
			if err != nil {
				t.Fatal(err)
			}
			b.settle(t, ctx)
			b.shot(t, ctx, "search-"+fmt.Sprint(len([]rune(q))))
			for _, p := range b.problemsSince(n) {
				t.Errorf("search: %s", p)
			}
			if got := b.text(t, "ol.results .hit:first-child .title"); got != testarchive.NewTitle {
				t.Errorf("first hit %q", got)
			}
			if got := b.eval(t, `Array.from(document.querySelectorAll("ol.results mark")).map(e => e.innerText).join("|")`); !strings.Contains(got, q) {
				t.Errorf("highlights %q", got)
			}
		})
	}

	t.Run("healthz", func(t *testing.T) {
		b.visit(t, "healthz", base+"/healthz")
		if got := b.text(t, "body"); !strings.Contains(got, `"status":"ok"`) {
			t.Errorf("healthz: %q", got)
		}
	})
}

// TestBrowserHostileLayout: an article whose title, text, link and table
// hold words of thousands of letters with no space, and whose search
// snippet does too, stays within the window (no page wider than the
// screen to scroll sideways), and nothing it holds runs.
func TestBrowserHostileLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not with -short")
	}
	b := newBrowser(t)
	s := newSite(t, "")
	word := strings.Repeat("averyveryverylongword", 300)
	id := model.ID{Biz: "MzkzNDQ0NDQ0NA==", Mid: "2247480002", Idx: "1"}
	art := &model.Article{
		Meta: model.Meta{
			Title: "标题" + word, Account: "账号" + word, Author: word, Published: "2024-05-01T20:00:00+08:00",
			URL: id.URL(), Type: "article", WeChat: &id, Tags: []string{word}, Description: word,
		},
		Body: "正文 " + word + "\n\n[" + word + "](https://mp.weixin.qq.com/s/" + word + ")\n\n" +
			"| a | b |\n|---|---|\n| " + word + " | x |\n\n`" + word + "`\n\n" +
			"<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">\n",
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
	if _, err := s.ix.Update(context.Background(), s.Archive); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.srv.Serve(ctx, Options{Addr: "127.0.0.1:0", Ready: func(a string) { addrc <- a }}) }()
	base := "http://" + <-addrc
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	key := string(id.Key())
	for _, p := range []struct{ name, path string }{
		{"hostile-article", "/a/" + key},
		{"hostile-versions", "/a/" + key + "/versions"},
		{"hostile-account", "/accounts/" + url.PathEscape(id.Biz)},
		{"hostile-home", "/"},
		{"hostile-search", "/search?q=averyvery"},
	} {
		t.Run(p.name, func(t *testing.T) {
			b.visit(t, p.name, base+p.path)
			if got := b.eval(t, `String(document.documentElement.scrollWidth) + " > " + String(window.innerWidth)`); func() bool {
				var sw, iw int
				fmt.Sscanf(got, "%d > %d", &sw, &iw)
				return sw > iw
			}() {
				t.Errorf("%s: the page is wider than the window: %s", p.path, got)
			}
			if got := b.eval(t, `String(window.pwned)`); got != "undefined" {
				t.Errorf("%s: the article's script ran: pwned=%s", p.path, got)
			}
		})
	}
}
