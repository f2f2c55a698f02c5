package weread_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"wxarchive/discover/weread"
	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

const biz = "Mzg5NTc4ODkzOA=="

// setup starts the fake WeRead with an account of n pushes of two articles
// each, and a client logged in as vid 1.
func setup(t *testing.T, n int, edit func(*fetcher.Config)) (*fakewx.Server, *fakewx.WeRead, *weread.Client, *bytes.Buffer) {
	t.Helper()
	srv := fakewx.New(t)
	wr := srv.WeRead("1", "skey-secret-1")
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		at := base.Add(time.Duration(i) * 24 * time.Hour)
		wr.Publish(biz,
			fakewx.WRArticle{OriginalID: fmt.Sprintf("p%d~a", i), Title: fmt.Sprintf("push %d head", i), Time: at},
			fakewx.WRArticle{OriginalID: fmt.Sprintf("p%d-b", i), Title: fmt.Sprintf("push %d second", i), Time: at})
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := srv.FetcherConfig()
	cfg.Logger = log
	if edit != nil {
		edit(&cfg)
	}
	fc, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := weread.ParseCookie("wr_vid=1; wr_skey=skey-secret-1; wr_rt=rt-secret")
	if err != nil {
		t.Fatal(err)
	}
	return srv, wr, weread.New(fc, ck, weread.Options{Log: log}), &logs
}

func TestListPagesByGroup(t *testing.T) {
	_, wr, c, _ := setup(t, 12, nil)
	wr.SetPageSize(5)
	ctx := context.Background()
	var urls []string
	offset := 0
	for range 10 {
		p, err := c.List(ctx, biz, offset)
		if err != nil {
			t.Fatal(err)
		}
		if p.Entries == 0 {
			break
		}
		for _, a := range p.Articles {
			urls = append(urls, a.URL)
		}
		offset += p.Entries
	}
	if len(urls) != 24 || offset != 12 {
		t.Fatalf("%d articles, offset %d: %v", len(urls), offset, wr.Listings())
	}
	if urls[0] != "https://mp.weixin.qq.com/s/p11_a" || urls[1] != "https://mp.weixin.qq.com/s/p11-b" || urls[23] != "https://mp.weixin.qq.com/s/p0-b" {
		t.Errorf("order or links: %v", urls)
	}
	// Flat payloads count one entry per article.
	wr.SetFlat(true)
	p, err := c.List(ctx, biz, 22)
	if err != nil || p.Entries != 2 || len(p.Articles) != 2 || p.Articles[1].URL != "https://mp.weixin.qq.com/s/p0-b" {
		t.Errorf("flat page at 22: %+v %v", p, err)
	}
}

func TestListErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault func(*fakewx.Server, *fakewx.WeRead)
		kind  weread.Kind
		code  int
	}{
		{"expired", func(_ *fakewx.Server, w *fakewx.WeRead) { w.ExpireLoginAfter(0) }, weread.KindLogin, -2012},
		{"other user", func(_ *fakewx.Server, w *fakewx.WeRead) { w.SetLogin("2", "x") }, weread.KindLogin, -2010},
		{"401", func(s *fakewx.Server, _ *fakewx.WeRead) { s.Fail(fakewx.WeReadArticles, 401, 1) }, weread.KindLogin, 0},
		{"risk", func(_ *fakewx.Server, w *fakewx.WeRead) { w.RiskControlAfter(0, 1) }, weread.KindBlocked, -2041},
		{"429", func(s *fakewx.Server, _ *fakewx.WeRead) { s.RateLimit(fakewx.WeReadArticles, "", 1) }, weread.KindBlocked, 0},
		{"503", func(s *fakewx.Server, _ *fakewx.WeRead) { s.Fail(fakewx.WeReadArticles, 503, 1) }, weread.KindFailed, 0},
		{"login page", func(s *fakewx.Server, _ *fakewx.WeRead) {
			s.Redirect(fakewx.WeReadArticles, "https://weread.qq.com/#login")
		}, weread.KindFailed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, wr, c, logs := setup(t, 3, nil)
			tt.fault(srv, wr)
			_, err := c.List(context.Background(), biz, 0)
			var e *weread.Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("err %#v, want kind %v code %d", err, tt.kind, tt.code)
			}
			if e.LoginExpired() != (tt.kind == weread.KindLogin) {
				t.Error("LoginExpired disagrees with the kind")
			}
			if srv.Total() != 1 {
				t.Errorf("%d requests: a failed listing must not be retried", srv.Total())
			}
			for _, s := range []string{err.Error(), logs.String()} {
				if strings.Contains(s, "skey-secret") || strings.Contains(s, "rt-secret") {
					t.Errorf("the cookie leaked: %s", s)
				}
			}
		})
	}
}

func TestRiskControlCoolsDownAndPersists(t *testing.T) {
	store := &cooldowns{}
	clock := &fixedClock{t: time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)}
	srv, wr, c, _ := setup(t, 3, func(cfg *fetcher.Config) { cfg.Cooldown = store; cfg.Clock = clock })
	wr.RiskControlAfter(1, 5)
	ctx := context.Background()
	if _, err := c.List(ctx, biz, 0); err != nil {
		t.Fatal(err)
	}
	_, err := c.List(ctx, biz, 1)
	until, blocked := err.(*weread.Error).Blocked()
	if !blocked || !until.Equal(clock.t.Add(time.Hour)) {
		t.Fatalf("risk control: %v", err)
	}
	if cd := store.m[fetcher.WeReadHost]; !cd.Until.Equal(until) || cd.Backoff != time.Hour {
		t.Fatalf("cool-down not persisted: %+v", store.m)
	}
	// The next run (a new fetcher from the store) does not ask while it lasts.
	fc2, _ := fetcher.New(func() fetcher.Config {
		cfg := srv.FetcherConfig()
		cfg.Cooldown, cfg.Clock = store, clock
		return cfg
	}())
	c2 := weread.New(fc2, c.Cookie(), weread.Options{})
	if _, err := c2.List(ctx, biz, 1); weread.KindOf(err) != weread.KindBlocked || srv.Total() != 2 {
		t.Fatalf("while cooling down: %v, %d requests", err, srv.Total())
	}
	// After it, a second risk control doubles it.
	clock.t = until.Add(time.Minute)
	_, err = c2.List(ctx, biz, 1)
	if until2, _ := err.(*weread.Error).Blocked(); !until2.Equal(clock.t.Add(2 * time.Hour)) {
		t.Errorf("second risk control: %v", err)
	}
}

func Test429BlocksUntilTomorrow(t *testing.T) {
	clock := &fixedClock{t: time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)} // 12:00 in China
	srv := fakewx.New(t)
	srv.WeRead("1", "skey-secret-1")
	fc, _ := fetcher.New(func() fetcher.Config { cfg := srv.FetcherConfig(); cfg.Clock = clock; return cfg }())
	c := weread.New(fc, mustCookie(t), weread.Options{Now: clock.Now})
	srv.RateLimit(fakewx.WeReadArticles, "60", 1)
	_, err := c.List(context.Background(), biz, 0)
	until, blocked := err.(*weread.Error).Blocked()
	if want := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC); !blocked || !until.Equal(want) {
		t.Fatalf("429: %v, want blocked until %v", err, want)
	}
	if _, err := c.List(context.Background(), biz, 0); weread.KindOf(err) != weread.KindBlocked || srv.Total() != 1 {
		t.Errorf("after 429: %v, %d requests", err, srv.Total())
	}
}

func TestRenewedCookieKept(t *testing.T) {
	srv := fakewx.New(t)
	wr := srv.WeRead("1", "skey-secret-1")
	wr.Publish(biz, fakewx.WRArticle{OriginalID: "a", Title: "a"})
	fc, _ := fetcher.New(srv.FetcherConfig())
	var stored []weread.Cookie
	c := weread.New(fc, mustCookie(t), weread.Options{Renewed: func(c weread.Cookie) { stored = append(stored, c) }})
	wr.RenewSkey("skey-secret-2")
	for i := range 2 {
		if _, err := c.List(context.Background(), biz, 0); err != nil {
			t.Fatalf("listing %d: %v", i+1, err)
		}
	}
	if len(stored) != 1 || stored[0].Get("wr_skey") != "skey-secret-2" || stored[0].Get("wr_rt") != "rt-secret" {
		t.Errorf("renewed logins handed over: %v", stored)
	}
}

func mustCookie(t *testing.T) weread.Cookie {
	t.Helper()
	c, err := weread.ParseCookie("wr_vid=1; wr_skey=skey-secret-1; wr_rt=rt-secret")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time                                   { return c.t }
func (c *fixedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

type cooldowns struct{ m map[string]fetcher.Cooldown }

func (s *cooldowns) LoadCooldowns() (map[string]fetcher.Cooldown, error) {
	out := map[string]fetcher.Cooldown{}
	for k, v := range s.m {
		out[k] = v
	}
	return out, nil
}

func (s *cooldowns) SaveCooldowns(m map[string]fetcher.Cooldown) error { s.m = m; return nil }

// TestListingWithoutArticleLinks: a page whose reviews all lack an article
// link (WeRead changed its format, or answers another kind of review) is
// an error naming it, not an empty page: read as one, the backfill walked
// to the end and called the account done with nothing archived.
func TestListingWithoutArticleLinks(t *testing.T) {
	srv, _, c, _ := setup(t, 1, nil)
	srv.Handle(fakewx.WeReadArticles, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"reviews":[{"createTime":1735689600,"subReviews":[{"review":{"reviewId":"R1","mpInfo":{"title":"t","url":"https://mp.weixin.qq.com/s/abc"}}}]},`+
			`{"review":{"reviewId":"R2","mpInfo":{"title":"u"}}}]}`)
	})
	p, err := c.List(context.Background(), biz, 0)
	if err == nil || weread.KindOf(err) != weread.KindFailed || !strings.Contains(err.Error(), "no article link") {
		t.Fatalf("page %+v, err %v", p, err)
	}
}
