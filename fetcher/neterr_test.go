package fetcher_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
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

// silentListener accepts connections and never says a word (packets to a
// blackholed host: the TLS handshake, or a proxy's CONNECT, hangs). It
// counts the connections.
type silentListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newSilentListener(t *testing.T) *silentListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentListener{Listener: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *silentListener) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// TestConnectTimeoutNotRetried: a host (or proxy) that never answers a
// connection costs one connect timeout, not one per retry, and a proxy's
// hung CONNECT ends with the connection phase, not the whole attempt: the
// error says so (ErrConnectTimeout, a reason a person understands) and
// there is no backoff wait.
func TestConnectTimeoutNotRetried(t *testing.T) {
	for _, how := range []string{"host", "proxy"} {
		t.Run(how, func(t *testing.T) {
			silent := newSilentListener(t)
			clock := newClock()
			cfg := fetcher.Config{Clock: clock, Rand: func() float64 { return 0 }, ConnectTimeout: 50 * time.Millisecond,
				Hosts: politeHosts(fetcher.Polite{Retries: 3, Backoff: time.Second})}
			if how == "host" {
				cfg.Resolve = map[string]string{"mmbiz.qpic.cn:443": silent.Addr().String()}
				cfg.Proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
			} else {
				cfg.Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: silent.Addr().String()})
			}
			c, err := fetcher.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if how == "proxy" {
				// Without the bound on the connection phase the attempt
				// would hang to the end of the test binary's time.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Minute)
				defer cancel()
			}
			_, _, err = c.Image(ctx, "https://mmbiz.qpic.cn/mmbiz_png/a/640")
			wantKind(t, err, fetcher.KindFailed)
			if !errors.Is(err, fetcher.ErrConnectTimeout) {
				t.Errorf("err %v is not ErrConnectTimeout", err)
			}
			if r := fetcher.NetReason(err); !strings.HasPrefix(r, "connect timed out") {
				t.Errorf("reason %q for %v", r, err)
			}
			if n := silent.Conns(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
			if s := clock.Sleeps(); len(s) != 0 {
				t.Errorf("waited %v before giving up", s)
			}
		})
	}
}
