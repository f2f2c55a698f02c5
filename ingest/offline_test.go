package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/model"
)

// virtualClock advances by what is slept, at once; it adds up the waits.
type virtualClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *virtualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now, c.slept = c.now.Add(d), c.slept+d
	}
	return nil
}

func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestOfflineImagesFailFast: a saved page of 50 images on a machine that
// cannot reach the image CDN, with the default politeness: a few refused
// connections and the rest skipped, a few seconds of waiting in all instead
// of minutes of backoff, and one summary line instead of a warning per
// attempt (issue 12).
func TestOfflineImagesFailFast(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	fc, err := fetcher.New(fetcher.Config{Clock: clock, Resolve: map[string]string{"mmbiz.qpic.cn:443": closedAddr(t)}})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := newService(t)
	s.Fetcher, s.Images = fc, true
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	page := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(page, []byte(imagePage(50, nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.Ingest(context.Background(), page, Options{})
	if r.Outcome != model.OutcomeCreated || r.Images != 50 || r.ImagesMissing != 50 {
		t.Fatalf("%+v", r)
	}
	if clock.slept > 10*time.Second {
		t.Errorf("waited %v (virtual) for images that cannot be reached", clock.slept)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") ||
		!strings.Contains(lines[0], "50 of 50 images not saved: connection refused") ||
		!strings.Contains(lines[0], "fetched again by the next ingest or recheck") {
		t.Errorf("log:\n%s", logs.String())
	}
	caps, err := s.Archive.Captures(r.Key)
	if err != nil || len(caps) != 1 || len(caps[0].ImageErrors) != 50 {
		t.Fatalf("capture %v %v", caps, err)
	}
	skipped := 0
	for _, e := range caps[0].ImageErrors {
		if strings.Contains(e, "not fetched: mmbiz.qpic.cn unreachable") {
			skipped++
		}
	}
	if skipped != 50-MaxHostFailures {
		t.Errorf("%d images skipped without a request, want %d", skipped, 50-MaxHostFailures)
	}
}

// blackholedAddr is a loopback address whose listener is never accepted
// from: a connection lands in the backlog and the TLS handshake hangs, as
// with a host whose packets are dropped.
func blackholedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

// TestBlackholedImagesFailFast: a page of 50 images whose CDN drops packets
// costs one connect timeout: the first image times out (not retried), the
// other 49 are not requested, and one summary line says why.
func TestBlackholedImagesFailFast(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	fc, err := fetcher.New(fetcher.Config{Clock: clock, ConnectTimeout: 50 * time.Millisecond,
		Resolve: map[string]string{"mmbiz.qpic.cn:443": blackholedAddr(t)}})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := newService(t)
	s.Fetcher, s.Images = fc, true
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	page := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(page, []byte(imagePage(50, nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.Ingest(context.Background(), page, Options{})
	if r.Outcome != model.OutcomeCreated || r.Images != 50 || r.ImagesMissing != 50 {
		t.Fatalf("%+v", r)
	}
	if clock.slept > time.Second {
		t.Errorf("waited %v (virtual): backoff retries of a connect timeout", clock.slept)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") ||
		!strings.Contains(lines[0], "50 of 50 images not saved: connect timed out") {
		t.Errorf("log:\n%s", logs.String())
	}
	caps, err := s.Archive.Captures(r.Key)
	if err != nil || len(caps) != 1 || len(caps[0].ImageErrors) != 50 {
		t.Fatalf("capture %v %v", caps, err)
	}
	skipped := 0
	for _, e := range caps[0].ImageErrors {
		if strings.Contains(e, "not fetched: mmbiz.qpic.cn unreachable (connect timed out") {
			skipped++
		}
	}
	if skipped != 49 {
		t.Errorf("%d images skipped without a request, want 49", skipped)
	}
}

// TestHostHealthExpires: a host given up is tried again after HostDownFor
// (a daemon is not cut off for good); one more failure gives it up again,
// a success restores it.
func TestHostHealthExpires(t *testing.T) {
	var h hostHealth
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	timeout := &fetcher.Error{Kind: fetcher.KindFailed, Err: fetcher.ErrConnectTimeout}
	refused := &fetcher.Error{Kind: fetcher.KindFailed, Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	const host = "mmbiz.qpic.cn"
	h.report(host, refused, t0)
	if _, down := h.down(host, t0); down {
		t.Fatalf("down after one refused connection")
	}
	h.report(host, timeout, t0)
	if why, down := h.down(host, t0.Add(HostDownFor-time.Second)); !down || !strings.HasPrefix(why, "connect timed out") {
		t.Fatalf("not down after a connect timeout: %q", why)
	}
	later := t0.Add(HostDownFor)
	if _, down := h.down(host, later); down {
		t.Fatalf("still down after %v", HostDownFor)
	}
	h.report(host, refused, later)
	if _, down := h.down(host, later); !down {
		t.Fatalf("the retry failed and the host is not down again")
	}
	h.report(host, nil, later.Add(HostDownFor))
	if _, down := h.down(host, later.Add(HostDownFor)); down {
		t.Fatalf("down after a success")
	}
}
