package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFeedLinks(t *testing.T) {
	tests := []struct {
		name, feed string
		want       []string
	}{
		{"rss link and content", `<rss version="2.0"><channel><item><link>https://mp.weixin.qq.com/s/tok1</link>
<description>&lt;a href="https://mp.weixin.qq.com/s?__biz=QUJD&amp;amp;mid=1&amp;amp;idx=1"&gt;x&lt;/a&gt;</description></item></channel></rss>`,
			[]string{"s_tok1", "QUJD_1_1"}},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>e</title>
<link href="http://mp.weixin.qq.com/s?__biz=QUJD&amp;mid=2&amp;idx=3&amp;sn=z#rd"/><content type="html">no links</content></entry></feed>`,
			[]string{"QUJD_2_3"}},
		{"json feed", `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","url":"https:\/\/example.com\/post",
"content_html":"<a href=\"https:\/\/mp.weixin.qq.com\/s\/tok2\">x<\/a>"}]}`, []string{"s_tok2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls, err := FeedLinks([]byte(tt.feed))
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(ls); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := FeedLinks([]byte("not a feed")); err == nil {
		t.Error("garbage parsed as a feed")
	}
}

func TestFetchFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 200)))
		case "/ok":
			if r.Header.Get("User-Agent") != "ua-test" {
				http.Error(w, "no ua", http.StatusBadRequest)
				return
			}
			w.Write([]byte("<rss/>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if b, err := FetchFeed(ctx, srv.Client(), srv.URL+"/ok", "ua-test", 100); err != nil || string(b) != "<rss/>" {
		t.Errorf("ok: %q %v", b, err)
	}
	if _, err := FetchFeed(ctx, srv.Client(), srv.URL+"/big", "", 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: %v", err)
	}
	if _, err := FetchFeed(ctx, srv.Client(), srv.URL+"/missing", "", 100); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("missing: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := FetchFeed(cctx, srv.Client(), srv.URL+"/ok", "", 100); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestFeedConnectionsClosedAfterPass: a daemon runs passes for weeks; the
// feed client of a pass must not leave its connections open.
func TestFeedConnectionsClosedAfterPass(t *testing.T) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<rss version="2.0"><channel><title>t</title></channel></rss>`))
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		if s == http.StateClosed || s == http.StateHijacked {
			delete(open, c)
		} else {
			open[c] = true
		}
	}
	srv.Start()
	defer srv.Close()
	cfg := loadCfg(t, t.TempDir(), "sources:\n  feeds: ["+srv.URL+"/a, "+srv.URL+"/b]\n")
	e := newEnv(t, cfg) // HTTP nil: the pipeline's own feed client
	if s := e.run(context.Background()); s.SourceErrs != 0 {
		t.Fatalf("run: %s", s)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(open)
		mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d feed connections still open after the pass", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFeedErrorsSeen: a feed that is not a feed, too large or missing is
// named in one clear message, and the printed summary counts it.
func TestFeedErrorsSeen(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page.html":
			w.Write([]byte("<html><body>hello</body></html>"))
		case "/huge.xml":
			w.Write([]byte(strings.Repeat("x", 2000)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var logs strings.Builder
	cfg := loadCfg(t, t.TempDir(), "fetch: {max_body: 1000}\nsources:\n  feeds: ["+srv.URL+"/page.html, "+srv.URL+"/huge.xml, missing.xml]\n")
	e := newEnv(t, cfg)
	e.p.HTTP = srv.Client()
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	s := e.run(context.Background())
	if s.SourceErrs != 3 || !strings.Contains(s.String(), " source_errors=3") {
		t.Errorf("summary %q", s.String())
	}
	for _, want := range []string{
		`err="pipeline: feed ` + srv.URL + `/page.html: not an RSS, Atom or JSON feed`,
		`err="pipeline: feed ` + srv.URL + `/huge.xml: larger than fetch.max_body (1000 bytes)"`,
		`err="pipeline: feed file: open `,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "pipeline: feed larger") {
		t.Errorf("doubled prefix:\n%s", logs.String())
	}
}

// TestFeedRedirectGuard: a feed server cannot make the pass request an
// internal address by redirecting to it, whatever the form of the address;
// a redirect within the feed's own origin (which may well be a local
// RSSHub) is followed (issue 10 §15).
func TestFeedRedirectGuard(t *testing.T) {
	var internal sync.Map
	secret := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internal.Store(r.URL.Path, true)
		w.Write([]byte(`<rss version="2.0"><channel><title>secret</title></channel></rss>`))
	}))
	defer secret.Close()
	_, port, _ := net.SplitHostPort(secret.Listener.Addr().String())
	targets := map[string]string{
		"/loopback": "http://127.0.0.1:" + port + "/loopback",
		"/name":     "http://localhost:" + port + "/name",
		"/mapped":   "http://[::ffff:127.0.0.1]:" + port + "/mapped",
		"/zero":     "http://0.0.0.0:" + port + "/zero",
		"/compat":   "http://[::7f00:1]:" + port + "/compat",
		"/file":     "file:///etc/passwd",
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/feed", http.StatusMovedPermanently)
			return
		}
		if r.URL.Path == "/feed" {
			w.Write([]byte(`<rss version="2.0"><channel><title>t</title><item><link>https://mp.weixin.qq.com/s/tok1</link></item></channel></rss>`))
			return
		}
		http.Redirect(w, r, targets[r.URL.Path], http.StatusFound)
	}))
	defer feed.Close()
	var feeds []string
	for p := range targets {
		feeds = append(feeds, feed.URL+p)
	}
	feeds = append(feeds, feed.URL+"/moved")
	var logs strings.Builder
	cfg := loadCfg(t, t.TempDir(), "sources:\n  feeds: ["+strings.Join(feeds, ", ")+"]\n")
	e := newEnv(t, cfg) // HTTP nil: the pipeline's own feed client
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	s := e.run(context.Background())
	internal.Range(func(k, _ any) bool {
		t.Errorf("internal address requested through a feed redirect: %s", k)
		return true
	})
	if s.SourceErrs != len(targets) || s.Discovered != 1 {
		t.Errorf("summary %s\n%s", s, logs.String())
	}
	if n := strings.Count(logs.String(), "not allowed"); n < len(targets)-1 {
		t.Errorf("%d refusals logged:\n%s", n, logs.String())
	}
}
