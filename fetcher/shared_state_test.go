package fetcher_test

import (
	"context"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

// TestCooldownsSharedBetweenProcesses: a daemon's client made before
// another process (login --status, ingest) recorded a cool-down sees it
// after Reload, and its own next save does not erase it.
func TestCooldownsSharedBetweenProcesses(t *testing.T) {
	store := &memStore{}
	srv := fakewx.New(t)
	clock := newClock()
	cfg := srv.FetcherConfig()
	cfg.Clock, cfg.Cooldown = clock, store
	daemon, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	other, err := fetcher.New(cfg) // login --status, meanwhile
	if err != nil {
		t.Fatal(err)
	}
	until := other.CoolDown(fetcher.WeReadHost, "risk control", time.Hour, 24*time.Hour)

	// The daemon records a cool-down of its own: the other one survives.
	daemon.ReportBlocked("mp.weixin.qq.com", "verify page")
	store.mu.Lock()
	_, wr := store.m[fetcher.WeReadHost]
	_, mp := store.m["mp.weixin.qq.com"]
	store.mu.Unlock()
	if !wr || !mp {
		t.Fatalf("store after both saved: %v", store.m)
	}
	// The next pass reads the store again and obeys it.
	daemon.Reload()
	if got, ok := daemon.CoolingDown(fetcher.WeReadHost); !ok || !got.Equal(until) {
		t.Errorf("daemon does not see the cool-down another process recorded: %v %v", got, ok)
	}
	if _, err := daemon.WeRead(context.Background(), srv.WeReadURL(fakewx.WeReadArticles+"?bookId=MP_WXS_1&offset=0"), nil); fetcher.KindOf(err) != fetcher.KindCoolingDown {
		t.Errorf("request during the other process's cool-down: %v", err)
	}
	// A later cool-down of the other process wins over an older one here.
	clock.Advance(2 * time.Hour)
	later := other.BlockUntil(fetcher.WeReadHost, "429", clock.Now().Add(5*time.Hour))
	daemon.Reload()
	if got, _ := daemon.CoolingDown(fetcher.WeReadHost); !got.Equal(later) {
		t.Errorf("after a new block elsewhere: %v, want %v", got, later)
	}
}

// TestDailyCountsSharedBetweenProcesses: two clients over one store count
// requests against the same daily cap: neither erases the other's count.
func TestDailyCountsSharedBetweenProcesses(t *testing.T) {
	store := &dailyStore{}
	edit := func(cfg *fetcher.Config) {
		cfg.Hosts[fetcher.WeReadHost] = fetcher.Polite{Concurrency: 1, DailyCap: 5}
		cfg.Daily = store
	}
	srv, a, clock := setup(t, edit)
	srv.WeRead("1", "good")
	b, err := fetcher.New(func() fetcher.Config { cfg := srv.FetcherConfig(); cfg.Clock = clock; edit(&cfg); return cfg }())
	if err != nil {
		t.Fatal(err)
	}
	u := srv.WeReadURL(fakewx.WeReadArticles + "?bookId=" + fakewx.BookID(wrBiz) + "&offset=0")
	ctx := context.Background()
	for i, c := range []*fetcher.Client{a, a, b, b, a} {
		if _, err := c.WeRead(ctx, u, wrHeader()); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if _, err := b.WeRead(ctx, u, wrHeader()); fetcher.KindOf(err) != fetcher.KindCoolingDown {
		t.Errorf("sixth request over a cap of 5 between two processes: %v", err)
	}
	if srv.Total() != 5 || store.m[fetcher.WeReadHost].N != 5 {
		t.Errorf("%d sent, store counts %+v", srv.Total(), store.m)
	}
}
