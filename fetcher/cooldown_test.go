package fetcher_test

import (
	"context"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

func TestCaptchaCooldownDoubles(t *testing.T) {
	store := &memStore{}
	srv, c, clock := setup(t, func(cfg *fetcher.Config) { cfg.Cooldown = store })
	srv.Page("/s/abc", article)
	want := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour, 6 * time.Hour}
	for i, d := range want {
		srv.Captcha("/s/abc", 1)
		before := srv.Total()
		capt, err := c.Page(context.Background(), srv.URL("/s/abc"))
		fe := wantKind(t, err, fetcher.KindBlocked)
		if capt != nil || srv.Total() != before+1 {
			t.Fatalf("block %d: capture %v, %d requests", i, capt, srv.Total()-before)
		}
		if got := fe.Until.Sub(clock.Now()); got != d {
			t.Errorf("block %d: cool-down %v, want %v", i, got, d)
		}
		if until, ok := c.CoolingDown("mp.weixin.qq.com"); !ok || !until.Equal(fe.Until) {
			t.Errorf("CoolingDown = %v %v", until, ok)
		}
		if cd := store.m["mp.weixin.qq.com"]; !cd.Until.Equal(fe.Until) || cd.Backoff != d || cd.Reason == "" {
			t.Errorf("stored %+v", cd)
		}
		// While cooling down: nothing is requested.
		clock.Advance(d - time.Second)
		_, err = c.Page(context.Background(), srv.URL("/s/other"))
		fe2 := wantKind(t, err, fetcher.KindCoolingDown)
		if !fe2.Until.Equal(fe.Until) || srv.Total() != before+1 {
			t.Errorf("during cool-down: %v, %d requests", err, srv.Total()-before)
		}
		clock.Advance(time.Second)
	}
	if n := srv.Count(fakewx.CaptchaPath); n != 0 {
		t.Errorf("captcha page followed %d times", n)
	}
	// A good page after the cool-down resets the backoff.
	if _, err := c.Page(context.Background(), srv.URL("/s/abc")); err != nil {
		t.Fatal(err)
	}
	if _, ok := store.m["mp.weixin.qq.com"]; ok {
		t.Errorf("backoff kept after success: %+v", store.m)
	}
	srv.Captcha("/s/abc", 1)
	_, err := c.Page(context.Background(), srv.URL("/s/abc"))
	if fe := wantKind(t, err, fetcher.KindBlocked); fe.Until.Sub(clock.Now()) != 15*time.Minute {
		t.Errorf("after reset: %v", fe.Until.Sub(clock.Now()))
	}
}

func TestReportBlocked(t *testing.T) {
	srv, c, clock := setup(t, nil)
	srv.Page("/s/abc", article)
	srv.Image("/a", "image/png", []byte("png"))
	c.ReportBlocked("MP.weixin.qq.com", "verify page")
	until, ok := c.CoolingDown("mp.weixin.qq.com")
	if !ok || until.Sub(clock.Now()) != 15*time.Minute {
		t.Fatalf("CoolingDown = %v %v", until, ok)
	}
	// A second report during the same cool-down does not double it.
	c.ReportBlocked("mp.weixin.qq.com", "verify page")
	if u2, _ := c.CoolingDown("mp.weixin.qq.com"); !u2.Equal(until) {
		t.Errorf("until moved to %v", u2)
	}
	_, err := c.Page(context.Background(), srv.URL("/s/abc"))
	wantKind(t, err, fetcher.KindCoolingDown)
	if srv.Count("/s/abc") != 0 {
		t.Error("page requested during cool-down")
	}
	// Other hosts are not affected.
	if _, _, err := c.Image(context.Background(), srv.ImageURL("/a")); err != nil {
		t.Error(err)
	}
	clock.Advance(15 * time.Minute)
	if _, ok := c.CoolingDown("mp.weixin.qq.com"); ok {
		t.Error("still cooling down after 15m")
	}
	c.ReportBlocked("mp.weixin.qq.com", "rate limited")
	if u, _ := c.CoolingDown("mp.weixin.qq.com"); u.Sub(clock.Now()) != 30*time.Minute {
		t.Errorf("consecutive block: %v", u.Sub(clock.Now()))
	}
}

func TestCooldownPersists(t *testing.T) {
	store := &memStore{}
	srv := fakewx.New(t)
	srv.Page("/s/abc", article)
	clock := newClock()
	cfg := srv.FetcherConfig()
	cfg.Clock, cfg.Cooldown = clock, store
	first, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	first.ReportBlocked("mp.weixin.qq.com", "verify page")

	next, err := fetcher.New(cfg) // the next run
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := next.CoolingDown("mp.weixin.qq.com"); !ok {
		t.Fatal("cool-down not loaded from the store")
	}
	_, err = next.Page(context.Background(), srv.URL("/s/abc"))
	wantKind(t, err, fetcher.KindCoolingDown)
	if srv.Total() != 0 {
		t.Error("requested during a persisted cool-down")
	}
	cfg.Cooldown = failingStore{}
	if _, err := fetcher.New(cfg); err == nil {
		t.Error("New ignored a store that cannot load")
	}
}
