package fetcher_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

// fakeClock records sleeps and advances only when slept or told to.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]time.Duration(nil), c.sleeps...)
	c.sleeps = nil
	return out
}

// memStore is a CooldownStore in memory.
type memStore struct {
	mu    sync.Mutex
	m     map[string]fetcher.Cooldown
	saves int
}

func (s *memStore) LoadCooldowns() (map[string]fetcher.Cooldown, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.m), nil
}

func (s *memStore) SaveCooldowns(m map[string]fetcher.Cooldown) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = maps.Clone(m)
	s.saves++
	return nil
}

type failingStore struct{}

func (failingStore) LoadCooldowns() (map[string]fetcher.Cooldown, error) {
	return nil, errors.New("disk on fire")
}
func (failingStore) SaveCooldowns(map[string]fetcher.Cooldown) error {
	return errors.New("disk on fire")
}

// setup starts a fake and a client reaching it with a fake clock and no jitter.
func setup(t *testing.T, edit func(*fetcher.Config)) (*fakewx.Server, *fetcher.Client, *fakeClock) {
	t.Helper()
	srv := fakewx.New(t)
	clock := newClock()
	cfg := srv.FetcherConfig()
	cfg.Clock = clock
	cfg.Rand = func() float64 { return 0 }
	if edit != nil {
		edit(&cfg)
	}
	c, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, clock
}

// wantKind checks err's kind and that the result was nothing.
func wantKind(t *testing.T, err error, want fetcher.Kind) *fetcher.Error {
	t.Helper()
	if got := fetcher.KindOf(err); got != want {
		t.Fatalf("kind = %v, want %v (err: %v)", got, want, err)
	}
	var fe *fetcher.Error
	if !errors.As(err, &fe) {
		t.Fatalf("err %T %v is not a *fetcher.Error", err, err)
	}
	return fe
}

func politeHosts(p fetcher.Polite) map[string]fetcher.Polite {
	return map[string]fetcher.Polite{fetcher.PageHost: p, "default": p}
}

// connectProxy is an HTTPS proxy on loopback: it tunnels every CONNECT to
// one address (the fake), recording the target the client asked for.
type connectProxy struct {
	*httptest.Server
	mu      sync.Mutex
	targets []string
}

func newConnectProxy(t *testing.T, to string) *connectProxy {
	t.Helper()
	p := &connectProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		p.mu.Lock()
		p.targets = append(p.targets, r.Host)
		p.mu.Unlock()
		up, err := net.Dial("tcp", to)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { io.Copy(up, conn); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *connectProxy) Tunnels() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.targets)
}

func (p *connectProxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}
