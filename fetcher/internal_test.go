package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"Sunday, 01-Mar-26 12:00:30 GMT", 30 * time.Second, true}, // RFC 850
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fd00::1": false,
		"100.64.0.1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false, "::": false,
		// issue 10 §15: "this network", benchmarking, reserved, NAT64,
		// 6to4, mapped and compatible forms (even of a public address).
		"0.1.2.3": false, "100.127.255.254": false, "198.18.0.1": false, "198.19.255.1": false,
		"240.0.0.1": false, "255.255.255.255": false, "64:ff9b::7f00:1": false, "64:ff9b::808:808": false,
		"2002:7f00:1::1": false, "2002:808:808::1": false, "::ffff:8.8.8.8": false, "::7f00:1": false,
		"::808:808": false, "2001:0:4136:e378::1": false, "2001:db8::1": false, "ff02::1": false,
		"fec0::1": false, "203.0.113.7": false, "fe80::1%eth0": false,
		"1.1.1.1": true, "101.226.0.1": true, "2400:da00::1": true, "100.128.0.1": true, "198.20.0.1": true,
	}
	for s, want := range tests {
		if got := PublicAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", s, got, want)
		}
	}
	for _, addr := range []string{"127.0.0.1:443", "[::ffff:127.0.0.1]:443", "[64:ff9b::a00:1]:443", "0.0.0.0:443", "[2002:a00:1::]:443"} {
		if err := guardControl("tcp", addr, nil); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("guard let %s through: %v", addr, err)
		}
	}
	// The dial guard used for WeChat hosts reached directly (no Resolve).
	if err := guardControl("tcp4", "127.0.0.1:443", nil); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("guard let loopback through: %v", err)
	}
	if err := guardControl("tcp4", "101.226.0.1:443", nil); err != nil {
		t.Errorf("guard refused a public address: %v", err)
	}
}

func TestParseResolve(t *testing.T) {
	m, err := parseResolve(" MP.weixin.qq.com:443=127.0.0.1:1234, mmbiz.qpic.cn:80=[::1]:80 ,")
	if err != nil || m["mp.weixin.qq.com:443"] != "127.0.0.1:1234" || m["mmbiz.qpic.cn:80"] != "[::1]:80" || len(m) != 2 {
		t.Errorf("parseResolve = %v, %v", m, err)
	}
}

func TestKindOfAndMessages(t *testing.T) {
	until := time.Date(2026, 3, 1, 12, 15, 0, 0, time.UTC)
	tests := []struct {
		err  error
		kind Kind
		msg  string
	}{
		{nil, KindNone, ""},
		{&Error{Kind: KindRefused, URL: "file:///x", Err: errors.New(`scheme "file" not allowed`)}, KindRefused, `fetcher: refused file:///x: scheme "file" not allowed`},
		{fmt.Errorf("ingest: %w", &Error{Kind: KindFailed, URL: "https://u", Status: 404}), KindFailed, "ingest: fetcher: failed https://u: status 404"},
		{&Error{Kind: KindCoolingDown, URL: "https://u", Until: until}, KindCoolingDown, "fetcher: cooling down https://u (cooling down until 2026-03-01T12:15:00Z)"},
		{context.Canceled, KindCanceled, "context canceled"},
		{io.EOF, KindFailed, "EOF"},
	}
	for _, tc := range tests {
		if got := KindOf(tc.err); got != tc.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tc.err, got, tc.kind)
		}
		if tc.err != nil && tc.err.Error() != tc.msg {
			t.Errorf("message %q, want %q", tc.err.Error(), tc.msg)
		}
	}
	inner := errors.New("cause")
	if !errors.Is(&Error{Kind: KindFailed, Err: inner}, inner) {
		t.Error("Unwrap lost the cause")
	}
}

// stubRT answers 200 after letting other goroutines run, tracking how many
// requests are in flight at once.
type stubRT struct {
	inflight, peak atomic.Int32
	calls          atomic.Int32
}

func (s *stubRT) RoundTrip(req *http.Request) (*http.Response, error) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	s.calls.Add(1)
	time.Sleep(time.Millisecond) // widen the window for overlap; no assertion on time
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), ContentLength: 2, Header: http.Header{}}, nil
}

type nopClock struct{}

func (nopClock) Now() time.Time                                   { return time.Unix(0, 0) }
func (nopClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func TestConcurrencyCap(t *testing.T) {
	for _, limit := range []int{1, 3} {
		stub := &stubRT{}
		p := &polite{
			next:    stub,
			rules:   map[string]Polite{"default": {Concurrency: limit}},
			clock:   nopClock{},
			rand:    func() float64 { return 0 },
			timeout: time.Minute,
			maxBody: 1 << 10,
			cooling: func(string) (time.Time, bool) { return time.Time{}, false },
			log:     slog.New(slog.DiscardHandler),
			gates:   map[string]*gate{},
		}
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				req, _ := http.NewRequest("GET", "https://mmbiz.qpic.cn/a", nil)
				resp, err := p.RoundTrip(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			})
		}
		wg.Wait()
		if got := stub.peak.Load(); got > int32(limit) || stub.calls.Load() != 12 {
			t.Errorf("limit %d: peak %d in flight, %d calls", limit, got, stub.calls.Load())
		}
	}
}

func TestNormHost(t *testing.T) {
	for in, want := range map[string]string{
		"MP.weixin.qq.com":                  "mp.weixin.qq.com",
		"mp.weixin.qq.com.":                 "mp.weixin.qq.com",
		"https://mp.weixin.qq.com/s/abc":    "mp.weixin.qq.com",
		"http://MMBIZ.qpic.cn:80/a.png?x=1": "mmbiz.qpic.cn",
	} {
		if got := normHost(in); got != want {
			t.Errorf("normHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnreachableClassified: a name that does not resolve and a refused
// connection are not retried; a reset or a timeout is (issue 12).
func TestUnreachableClassified(t *testing.T) {
	notFound := &url.Error{Op: "Get", URL: "https://mmbiz.qpic.cn/a", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "mmbiz.qpic.cn", IsNotFound: true}}}
	refused := &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	p := &polite{rand: func() float64 { return 0 }}
	for _, tc := range []struct {
		err    error
		retry  bool
		reason string
	}{
		{notFound, false, "host not found (offline?)"},
		{refused, false, "connection refused"},
		{reset, true, "connection reset"},
		{context.DeadlineExceeded, true, "timed out"},
	} {
		_, retry := p.retry(context.Background(), nil, tc.err, 0, Polite{Backoff: time.Second})
		if retry != tc.retry || NetReason(tc.err) != tc.reason {
			t.Errorf("%v: retry %v, reason %q", tc.err, retry, NetReason(tc.err))
		}
	}
}
