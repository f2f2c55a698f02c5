package fetcher_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

const wrBiz = "Mzg5NTc4ODkzOA=="

func wrHeader() http.Header { return http.Header{"Cookie": {"wr_vid=1; wr_skey=good"}} }

func TestWeReadAllowList(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.WeRead("1", "good").Publish(wrBiz, fakewx.WRArticle{OriginalID: "a~b", Title: "t"})
	ctx := context.Background()
	resp, err := c.WeRead(ctx, srv.WeReadURL("/web/mp/articles?bookId="+fakewx.BookID(wrBiz)+"&offset=0"), wrHeader())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"originalId":"a~b"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	got := srv.Requests()[0]
	if got.Header.Get("Cookie") != "wr_vid=1; wr_skey=good" || got.Header.Get("Referer") != "https://weread.qq.com/" || got.Header.Get("Origin") != "https://weread.qq.com" {
		t.Errorf("headers sent: %v", got.Header)
	}
	for _, u := range []string{
		"https://weread.qq.com/web/book/read?x=1",    // another WeRead path
		"http://weread.qq.com/web/mp/articles",       // plain http
		"https://mp.weixin.qq.com/web/mp/articles",   // another host
		"https://i.weread.qq.com/web/mp/articles",    // a sibling host
		"https://weread.qq.com:8443/web/mp/articles", // a port
	} {
		if _, err := c.WeRead(ctx, u, nil); fetcher.KindOf(err) != fetcher.KindRefused {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
	// Pages and images never go to WeRead.
	if _, err := c.Page(ctx, "https://weread.qq.com/s/abc"); fetcher.KindOf(err) != fetcher.KindRefused {
		t.Errorf("page on weread: %v", err)
	}
	if _, _, err := c.Image(ctx, "https://weread.qq.com/web/mp/articles"); fetcher.KindOf(err) != fetcher.KindRefused {
		t.Errorf("image on weread: %v", err)
	}
}

func TestWeReadRedirectNotFollowed(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Redirect(fakewx.WeReadArticles, "https://weread.qq.com/web/login")
	resp, err := c.WeRead(context.Background(), srv.WeReadURL(fakewx.WeReadArticles+"?bookId=MP_WXS_1&offset=0"), nil)
	if err != nil || resp.StatusCode != http.StatusFound || srv.Total() != 1 {
		t.Fatalf("%v %v, %d requests", resp, err, srv.Total())
	}
}

// dailyStore is a DailyStore in memory.
type dailyStore struct {
	mu sync.Mutex
	m  map[string]fetcher.DayCount
}

func (s *dailyStore) LoadDaily() (map[string]fetcher.DayCount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]fetcher.DayCount{}
	for k, v := range s.m {
		out[k] = v
	}
	return out, nil
}

func (s *dailyStore) SaveDaily(m map[string]fetcher.DayCount) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = m
	return nil
}

func TestDailyCapPersists(t *testing.T) {
	store := &dailyStore{}
	edit := func(cfg *fetcher.Config) {
		cfg.Hosts[fetcher.WeReadHost] = fetcher.Polite{Concurrency: 1, DailyCap: 3}
		cfg.Daily = store
	}
	srv, c, clock := setup(t, edit)
	srv.WeRead("1", "good")
	u := srv.WeReadURL(fakewx.WeReadArticles + "?bookId=" + fakewx.BookID(wrBiz) + "&offset=0")
	ctx := context.Background()
	for i := range 2 {
		if _, err := c.WeRead(ctx, u, wrHeader()); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	// A new run (a new client over the same store) has one request left today.
	c2, err := fetcher.New(func() fetcher.Config { cfg := srv.FetcherConfig(); cfg.Clock = clock; edit(&cfg); return cfg }())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.WeRead(ctx, u, wrHeader()); err != nil {
		t.Fatal(err)
	}
	_, err = c2.WeRead(ctx, u, wrHeader())
	fe := wantKind(t, err, fetcher.KindCoolingDown)
	if !errors.Is(err, fetcher.ErrDailyCap) || !fe.Until.Equal(fetcher.NextDay(clock.Now())) {
		t.Errorf("over the cap: %v", err)
	}
	if srv.Total() != 3 || c2.Today(fetcher.WeReadHost) != 3 {
		t.Errorf("%d requests sent, %d counted", srv.Total(), c2.Today(fetcher.WeReadHost))
	}
	// Pages are not capped by WeRead's cap.
	srv.Page("/s/a", "page")
	if _, err := c2.Page(ctx, srv.URL("/s/a")); err != nil {
		t.Errorf("page: %v", err)
	}
	// The next day (China time) the count starts again.
	clock.Advance(fetcher.NextDay(clock.Now()).Sub(clock.Now()))
	if _, err := c2.WeRead(ctx, u, wrHeader()); err != nil {
		t.Errorf("next day: %v", err)
	}
}

func TestNextDayIsChinaTime(t *testing.T) {
	// 2026-03-01 17:00 UTC is 2026-03-02 01:00 in China: the next day starts 2026-03-03 00:00 +08.
	got := fetcher.NextDay(time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NextDay = %v, want %v", got, want)
	}
}

func TestCoolDownDoublesAndPersists(t *testing.T) {
	store := &memStore{}
	srv, c, clock := setup(t, func(cfg *fetcher.Config) { cfg.Cooldown = store })
	srv.WeRead("1", "good")
	u := srv.WeReadURL(fakewx.WeReadArticles + "?bookId=MP_WXS_1&offset=0")
	until := c.CoolDown(fetcher.WeReadHost, "risk control", time.Hour, 24*time.Hour)
	if !until.Equal(clock.Now().Add(time.Hour)) {
		t.Fatalf("first cool-down until %v", until)
	}
	if _, err := c.WeRead(context.Background(), u, nil); fetcher.KindOf(err) != fetcher.KindCoolingDown || srv.Total() != 0 {
		t.Fatalf("while cooling down: %v, %d requests", err, srv.Total())
	}
	// Still cooling down: a second report does not double it.
	if again := c.CoolDown(fetcher.WeReadHost, "risk control", time.Hour, 24*time.Hour); !again.Equal(until) {
		t.Errorf("second report moved the end to %v", again)
	}
	clock.Advance(2 * time.Hour)
	if next := c.CoolDown(fetcher.WeReadHost, "risk control", time.Hour, 24*time.Hour); !next.Equal(clock.Now().Add(2 * time.Hour)) {
		t.Errorf("consecutive block: until %v, want two hours", next)
	}
	if cd := store.m[fetcher.WeReadHost]; cd.Backoff != 2*time.Hour || cd.Reason != "risk control" {
		t.Errorf("persisted %+v", cd)
	}
	day := fetcher.NextDay(clock.Now())
	if got := c.BlockUntil(fetcher.WeReadHost, "HTTP 429", day); !got.Equal(day) {
		t.Errorf("BlockUntil = %v", got)
	}
	if got := c.BlockUntil(fetcher.WeReadHost, "HTTP 429", clock.Now()); !got.Equal(day) {
		t.Errorf("an earlier end shortened the block to %v", got)
	}
}
