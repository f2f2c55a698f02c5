package fetcher

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// MaxRetryAfter is the longest Retry-After the client waits for; a server
// asking for more gets its error returned instead.
const MaxRetryAfter = 5 * time.Minute

const maxBackoff = time.Minute

// ErrTooLarge is the cause of a KindFailed error for a body over MaxBody.
var ErrTooLarge = errors.New("body too large")

// ErrTruncated is the cause of a KindFailed error for a body cut short.
var ErrTruncated = errors.New("truncated body")

// ErrConnectTimeout is the cause of a KindFailed error when no connection
// was made within the connect timeout (the dial, a proxy's tunnel or the TLS
// handshake hung): packets to the host are dropped. It is not retried: the
// kernel already resent the SYN within the timeout, and each retry would
// make the user wait the whole timeout again.
var ErrConnectTimeout = errors.New("connect timed out")

// polite is an http.RoundTripper applying the per-host rules: a concurrency
// cap, an interval with jitter between request starts, retries with
// exponential backoff (or Retry-After) on timeouts, dropped connections,
// truncated bodies, 5xx and 429 (not on a name that does not resolve, a
// refused connection or a connect timeout: offline or blackholed, a retry
// would only make the user wait). It reads each body whole (at most maxBody
// bytes) within the attempt's timeout, so that a body cut short is retried
// like any connection error.
type polite struct {
	next    http.RoundTripper
	rules   map[string]Polite
	clock   Clock
	rand    func() float64
	timeout time.Duration
	// connectTimeout bounds the connection phase of an attempt: dial,
	// proxy tunnel and TLS handshake together.
	connectTimeout time.Duration
	maxBody        int64
	cooling        func(host string) (time.Time, bool)
	daily          *daily // nil: no daily caps
	log            *slog.Logger

	mu    sync.Mutex
	gates map[string]*gate
}

// gate is the state of one host.
type gate struct {
	sem  chan struct{}
	mu   sync.Mutex
	next time.Time // earliest start of the next request
}

var _ http.RoundTripper = (*polite)(nil)

func (p *polite) rule(host string) Polite {
	r, ok := p.rules[host]
	if !ok {
		r = p.rules["default"]
	}
	r.Concurrency = max(r.Concurrency, 1)
	r.Retries = max(r.Retries, 0)
	if r.Backoff <= 0 {
		r.Backoff = time.Second
	}
	return r
}

func (p *polite) gate(host string, r Polite) *gate {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.gates[host]
	if !ok {
		g = &gate{sem: make(chan struct{}, r.Concurrency)}
		p.gates[host] = g
	}
	return g
}

// reserve books the next start slot and returns how long to wait for it.
func (g *gate) reserve(now time.Time, r Polite, rnd func() float64) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	start := now
	if g.next.After(now) {
		start = g.next
	}
	gap := r.Interval
	if r.Jitter > 0 {
		gap += time.Duration(rnd() * float64(r.Jitter))
	}
	g.next = start.Add(gap)
	return start.Sub(now)
}

// RoundTrip sends req politely. A returned response's body is in memory.
func (p *polite) RoundTrip(req *http.Request) (*http.Response, error) {
	// Waits end at a stop; the request itself runs on req's context, so
	// one in flight at a stop may finish (see Finish).
	ctx, done := waitContext(req.Context())
	defer done()
	host := normHost(req.URL.Hostname())
	r := p.rule(host)
	g := p.gate(host, r)
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, waitErr(ctx)
	}
	defer func() { <-g.sem }()
	for attempt := 0; ; attempt++ {
		if err := p.clock.Sleep(ctx, g.reserve(p.clock.Now(), r, p.rand)); err != nil {
			return nil, waitErr(ctx)
		}
		if Stopping(req.Context()) {
			return nil, ErrStopping
		}
		if until, ok := p.cooling(host); ok {
			return nil, &Error{Kind: KindCoolingDown, URL: req.URL.String(), Until: until, Err: fmt.Errorf("host %s is cooling down", host)}
		}
		if until, ok := p.daily.take(host, r.DailyCap); !ok {
			return nil, &Error{Kind: KindCoolingDown, URL: req.URL.String(), Until: until, Err: fmt.Errorf("%w: %d requests to %s today", ErrDailyCap, r.DailyCap, host)}
		}
		resp, err := p.once(req)
		wait, retry := p.retry(ctx, resp, err, attempt, r)
		p.log.Debug("fetch", "url", req.URL.String(), "attempt", attempt+1, "status", status(resp), "err", err)
		if !retry || attempt >= r.Retries {
			return resp, err
		}
		if resp != nil {
			resp.Body.Close()
		}
		p.log.Debug("fetch: retrying", "url", req.URL.String(), "attempt", attempt+1, "status", status(resp), "err", err, "wait", wait)
		if err := p.clock.Sleep(ctx, wait); err != nil {
			return nil, waitErr(ctx)
		}
	}
}

// waitErr is why a wait on ctx ended: ErrStopping for a stop, else ctx.Err().
func waitErr(ctx context.Context) error {
	if c := context.Cause(ctx); errors.Is(c, ErrStopping) {
		return ErrStopping
	}
	return ctx.Err()
}

func status(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// once sends one attempt and reads its body within the attempt's timeout.
// A timeout before a connection was made is an ErrConnectTimeout.
func (p *polite) once(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), p.timeout)
	defer cancel()
	// The dial and the TLS handshake each have their own timeout, a
	// proxy's CONNECT has none: the connection phase as a whole ends
	// after connectTimeout.
	ctx, abandon := context.WithCancelCause(ctx)
	defer abandon(nil)
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	watch := time.AfterFunc(p.connectTimeout, func() {
		if !connected.Load() {
			abandon(ErrConnectTimeout)
		}
	})
	defer watch.Stop()
	resp, err := p.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if perr := req.Context().Err(); perr != nil {
			return nil, perr
		}
		if !connected.Load() && (timedOut(err) || errors.Is(context.Cause(ctx), ErrConnectTimeout)) {
			return nil, fmt.Errorf("%w: %w", ErrConnectTimeout, err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > p.maxBody {
		return nil, fmt.Errorf("%w: content-length %d over %d bytes", ErrTooLarge, resp.ContentLength, p.maxBody)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.maxBody+1))
	if err != nil {
		if perr := req.Context().Err(); perr != nil {
			return nil, perr
		}
		return nil, fmt.Errorf("%w after %d bytes: %w", ErrTruncated, len(body), err)
	}
	if int64(len(body)) > p.maxBody {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, p.maxBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Request = req
	return resp, nil
}

// timedOut reports a timeout (of a dial, a TLS handshake, or the attempt).
func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// retry decides whether an attempt is worth repeating, and after how long.
func (p *polite) retry(ctx context.Context, resp *http.Response, err error, attempt int, r Polite) (time.Duration, bool) {
	if err != nil {
		var cerr *tls.CertificateVerificationError
		if ctx.Err() != nil || errors.Is(err, ErrNotAllowed) || errors.Is(err, ErrTooLarge) || errors.As(err, &cerr) || unreachable(err) {
			return 0, false
		}
		return p.backoff(attempt, r), true
	}
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return 0, false
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), p.clock.Now()); ok {
		return d, d <= MaxRetryAfter
	}
	return p.backoff(attempt, r), true
}

// backoff is Backoff·2^attempt, capped, plus up to half of it as jitter.
func (p *polite) backoff(attempt int, r Polite) time.Duration {
	d := r.Backoff
	for i := 0; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return d + time.Duration(p.rand()*float64(d/2))
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(s)*time.Second, 0), s >= 0
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
