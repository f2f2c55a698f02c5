package pipeline

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/config"
	"wxarchive/model"
)

const bizA, bizB = "QUFB", "QkJC"

type fakePages struct{ page []byte }

func (f fakePages) Page(ctx context.Context, u string) (*model.Capture, error) {
	return &model.Capture{SourceURL: u, Raw: f.page}, nil
}

type env struct {
	t     *testing.T
	store *memStore
	ing   *fakeIngester
	clk   *clock
	p     *Pipeline
}

func newEnv(t *testing.T, cfg *config.Config) *env {
	t.Helper()
	e := &env{t: t, store: newMemStore(), clk: &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	e.ing = &fakeIngester{store: e.store, now: e.clk.Now, pages: map[model.Key]page{}}
	e.p = &Pipeline{Config: cfg, Store: e.store, Ingester: e.ing, Now: e.clk.Now, InboxSettle: -1,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
	return e
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (e *env) run(ctx context.Context) Summary {
	e.t.Helper()
	s, err := e.p.RunOnce(ctx)
	if err != nil {
		e.t.Fatalf("RunOnce: %v", err)
	}
	return s
}

func (e *env) queue() *Queue {
	e.t.Helper()
	q, err := loadQueue(e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

func parseCfg(t *testing.T, y string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRunSourcesThenRecheck(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "links.md"), []byte("- [a](https://mp.weixin.qq.com/s?__biz=QUFB&amp;mid=1001&amp;idx=1&amp;sn=s1)\n- "+art(bizA, 2)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>x</title><link>` + strings.ReplaceAll(art(bizA, 3), "&", "&amp;") + `</link>
<description><![CDATA[<p>see <a href="` + strings.ReplaceAll(art(bizB, 4), "&", "&amp;") + `">this</a> and ` + strings.ReplaceAll(art(bizA, 1), "&", "&amp;") + `</p>]]></description></item>
</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feed)) }))
	defer srv.Close()
	album, err := os.ReadFile("../testdata/wechat/special-album-2025.html")
	if err != nil {
		t.Fatal(err)
	}
	cfg := loadCfg(t, dir, `
sources:
  urls: ["`+art(bizA, 1)+`"]
  url_files: [links.md]
  feeds: [`+srv.URL+`/feed]
  albums: ["https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA4ODA2ODMzNA==&action=getalbum&album_id=4180740440766726147"]
recheck: {after: [1h, 1d], every: 30d, max_per_run: 2}
`)
	e := newEnv(t, cfg)
	e.p.Pages = fakePages{album}
	e.p.HTTP = srv.Client()

	s := e.run(context.Background())
	if s.Discovered != 4+6 || s.Fetched != 10 || s.Created != 10 || s.Queued != 0 || s.Rechecked != 0 {
		t.Fatalf("first run: %s", s)
	}
	if n := len(e.store.logs[RunLog]); n != 1 {
		t.Fatalf("run log has %d lines", n)
	}
	var logged Summary
	if err := json.Unmarshal([]byte(e.store.logs[RunLog][0]), &logged); err != nil || logged.Created != 10 {
		t.Fatalf("run log line %q: %v", e.store.logs[RunLog][0], err)
	}

	// Nothing is due 30 minutes later: sources are archived, not re-queued.
	e.clk.Add(30 * time.Minute)
	e.ing.calls = nil
	if s := e.run(context.Background()); s.Discovered != 0 || s.Fetched != 0 {
		t.Fatalf("second run: %s (calls %q)", s, e.ing.calls)
	}
	// Two hours later, all ten are due (1h after publication): the cap is 2.
	e.clk.Add(90 * time.Minute)
	e.ing.calls = nil
	if s := e.run(context.Background()); s.Rechecked != 2 || s.Unchanged != 2 || s.Discovered != 0 {
		t.Fatalf("third run: %s", s)
	}
}

// loadCfg writes pipeline.yaml into dir and loads it, so relative source
// paths resolve against dir.
func loadCfg(t *testing.T, dir, y string) *config.Config {
	t.Helper()
	p := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
