package fetcher_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"wxarchive/config"
	"wxarchive/fetcher"
)

func TestRetries(t *testing.T) {
	rule := fetcher.Polite{Retries: 3, Backoff: time.Second}
	tests := []struct {
		name      string
		fault     func(srv fakeServer, p string)
		wantErr   fetcher.Kind
		wantCount int
		wantSleep []time.Duration
	}{
		{"503 twice then ok", func(s fakeServer, p string) { s.Fail(p, 503, 2) }, fetcher.KindNone, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"500 always", func(s fakeServer, p string) { s.Fail(p, 500, 10) }, fetcher.KindFailed, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"429 without Retry-After", func(s fakeServer, p string) { s.RateLimit(p, "", 1) }, fetcher.KindNone, 2, []time.Duration{time.Second}},
		{"429 Retry-After seconds", func(s fakeServer, p string) { s.RateLimit(p, "7", 1) }, fetcher.KindNone, 2, []time.Duration{7 * time.Second}},
		{"429 Retry-After date", func(s fakeServer, p string) {
			s.RateLimit(p, t0.Add(90*time.Second).Format(http.TimeFormat), 1)
		}, fetcher.KindNone, 2, []time.Duration{90 * time.Second}},
		{"429 Retry-After too long", func(s fakeServer, p string) { s.RateLimit(p, "3600", 1) }, fetcher.KindFailed, 1, nil},
		{"connection dropped", func(s fakeServer, p string) { s.Drop(p, 1) }, fetcher.KindNone, 2, []time.Duration{time.Second}},
		{"connection always dropped", func(s fakeServer, p string) { s.Drop(p, 10) }, fetcher.KindFailed, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"truncated once", func(s fakeServer, p string) { s.Truncate(p, 1) }, fetcher.KindNone, 2, []time.Duration{time.Second}},
		{"truncated always", func(s fakeServer, p string) { s.Truncate(p, 10) }, fetcher.KindFailed, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"timeout once", func(s fakeServer, p string) { s.Hang(p, 1) }, fetcher.KindNone, 2, []time.Duration{time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, c, clock := setup(t, func(cfg *fetcher.Config) {
				cfg.Hosts = politeHosts(rule)
				// Only the hanging case waits for the timeout: elsewhere a
				// short one fails attempts on a loaded machine (TLS under -race).
				cfg.Timeout = 30 * time.Second
				if tc.name == "timeout once" {
					cfg.Timeout = 500 * time.Millisecond
				}
			})
			srv.Page("/s/abc", article)
			tc.fault(srv, "/s/abc")
			capt, err := c.Page(context.Background(), srv.URL("/s/abc"))
			if got := fetcher.KindOf(err); got != tc.wantErr {
				t.Fatalf("kind %v, want %v (%v)", got, tc.wantErr, err)
			}
			if (err == nil) != (capt != nil) {
				t.Errorf("capture %v with err %v", capt, err)
			}
			if capt != nil && string(capt.Raw) != article {
				t.Errorf("Raw = %q", capt.Raw)
			}
			if n := srv.Count("/s/abc"); n != tc.wantCount {
				t.Errorf("requests = %d, want %d", n, tc.wantCount)
			}
			if got := clock.Sleeps(); !slices.Equal(got, tc.wantSleep) {
				t.Errorf("sleeps = %v, want %v", got, tc.wantSleep)
			}
		})
	}
}

// fakeServer is the part of fakewx.Server the table uses.
type fakeServer interface {
	Fail(p string, status, n int)
	RateLimit(p, retryAfter string, n int)
	Drop(p string, n int)
	Truncate(p string, n int)
	Hang(p string, n int)
}

func TestTruncatedAndTooLarge(t *testing.T) {
	big := "<html>" + string(make([]byte, 5000)) + "</html>"
	srv, c, _ := setup(t, func(cfg *fetcher.Config) {
		cfg.MaxBody = 4096
		cfg.Hosts = politeHosts(fetcher.Polite{Retries: 0})
	})
	srv.Page("/s/trunc", article)
	srv.Truncate("/s/trunc", 1)
	srv.Page("/s/declared", big)        // Content-Length (or gzip) over the cap
	srv.Oversize("/s/stream", 1<<20, 1) // streamed, no Content-Length
	tests := []struct {
		path  string
		cause error
	}{
		{"/s/trunc", fetcher.ErrTruncated},
		{"/s/declared", fetcher.ErrTooLarge},
		{"/s/stream", fetcher.ErrTooLarge},
	}
	for _, tc := range tests {
		capt, err := c.Page(context.Background(), srv.URL(tc.path))
		wantKind(t, err, fetcher.KindFailed)
		if capt != nil || !errors.Is(err, tc.cause) {
			t.Errorf("%s: capture %v, err %v", tc.path, capt, err)
		}
		if n := srv.Count(tc.path); n != 1 {
			t.Errorf("%s: %d requests", tc.path, n)
		}
	}
	// Exactly MaxBody is fine.
	srv.Page("/s/exact", string(make([]byte, 4096)))
	if _, err := c.Page(context.Background(), srv.URL("/s/exact")); err != nil {
		t.Errorf("body of exactly MaxBody: %v", err)
	}
}

func TestIntervalBetweenRequests(t *testing.T) {
	rule := fetcher.Polite{Interval: 4 * time.Second, Jitter: 2 * time.Second, Concurrency: 1}
	srv, c, clock := setup(t, func(cfg *fetcher.Config) {
		cfg.Hosts = map[string]fetcher.Polite{fetcher.PageHost: rule}
		cfg.Rand = func() float64 { return 0.5 }
	})
	srv.Page("/s/abc", article)
	srv.Image("/a", "image/png", []byte("png"))
	for range 3 {
		if _, err := c.Page(context.Background(), srv.URL("/s/abc")); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := clock.Sleeps(), []time.Duration{5 * time.Second, 5 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("sleeps between pages = %v, want %v", got, want)
	}
	// Time that passed on its own counts toward the interval.
	clock.Advance(3 * time.Second)
	if _, err := c.Page(context.Background(), srv.URL("/s/abc")); err != nil {
		t.Fatal(err)
	}
	if got, want := clock.Sleeps(), []time.Duration{2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
	// The image CDN has its own (default) rule and does not wait for pages.
	if _, _, err := c.Image(context.Background(), srv.ImageURL("/a")); err != nil {
		t.Fatal(err)
	}
	if got := clock.Sleeps(); len(got) != 0 {
		t.Errorf("image waited %v", got)
	}
}

func TestDefaultPoliteness(t *testing.T) {
	d := fetcher.DefaultHosts()[fetcher.PageHost]
	if d.Interval < 3*time.Second || d.Interval+d.Jitter > 5*time.Second || d.Concurrency != 1 || d.Retries != 3 {
		t.Errorf("default rule for %s = %+v", fetcher.PageHost, d)
	}
}

func TestConcurrentPages(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *fetcher.Config) {
		cfg.Hosts = politeHosts(fetcher.Polite{Concurrency: 2, Retries: 1, Backoff: time.Millisecond})
	})
	srv.Page("/s/abc", article)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.Page(context.Background(), srv.URL("/s/abc"))
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := srv.Count("/s/abc"); n != 8 {
		t.Errorf("requests = %d", n)
	}
}

func TestConfigFromFetchInherits(t *testing.T) {
	d := fetcher.DefaultHosts()
	cfg := fetcher.ConfigFromFetch(config.Fetch{Hosts: map[string]config.Polite{
		"MP.weixin.qq.com": {Interval: ptr(config.Duration(5 * time.Second)), Retries: ptr(0)},
		"default":          {Concurrency: ptr(3)},
		"mmbiz.qpic.cn":    {Jitter: ptr(config.Duration(time.Second))},
	}})
	page := d[fetcher.PageHost]
	page.Interval = 5 * time.Second
	page.Retries = 0 // written as 0: no retries, not the built-in value
	def := d["default"]
	def.Concurrency = 3
	img := def
	img.Jitter = time.Second
	for h, want := range map[string]fetcher.Polite{fetcher.PageHost: page, "default": def, "mmbiz.qpic.cn": img} {
		if got := cfg.Hosts[h]; got != want {
			t.Errorf("%s = %+v, want %+v", h, got, want)
		}
	}
	if len(cfg.Hosts) != 3 {
		t.Errorf("hosts = %v", cfg.Hosts)
	}
}

func ptr[T any](v T) *T { return &v }
