package fetcher_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"wxarchive/fetcher"
)

// closedPort is a loopback address nothing listens on: "offline".
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestUnreachableNotRetried: a refused connection, to the host or to the
// proxy, fails at once with a reason a person understands, without backoff
// retries (issue 12).
func TestUnreachableNotRetried(t *testing.T) {
	for _, how := range []string{"host", "proxy"} {
		t.Run(how, func(t *testing.T) {
			closed := closedPort(t)
			clock := newClock()
			cfg := fetcher.Config{Clock: clock, Rand: func() float64 { return 0 },
				Hosts: politeHosts(fetcher.Polite{Retries: 3, Backoff: time.Second})}
			if how == "host" {
				cfg.Resolve = map[string]string{"mmbiz.qpic.cn:443": closed}
				cfg.Proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
			} else {
				cfg.Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: closed})
			}
			c, err := fetcher.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Image(context.Background(), "https://mmbiz.qpic.cn/mmbiz_png/a/640")
			wantKind(t, err, fetcher.KindFailed)
			if r := fetcher.NetReason(err); r != "connection refused" {
				t.Errorf("reason %q for %v", r, err)
			}
			if s := clock.Sleeps(); len(s) != 0 {
				t.Errorf("waited %v before giving up", s)
			}
		})
	}
	if r := fetcher.NetReason(&fetcher.Error{Kind: fetcher.KindFailed, Status: 404}); r != "" {
		t.Errorf("reason %q for a 404", r)
	}
}
