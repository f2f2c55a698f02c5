package fetcher

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wxarchive/model"
)

// Defaults used for zero Config fields.
const (
	DefaultUserAgent      = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	DefaultConnectTimeout = 10 * time.Second
	DefaultTimeout        = 60 * time.Second
	DefaultMaxBody        = model.MaxPageSize
	MaxRedirects          = 5
)

// Config is the client's identity, limits and politeness.
type Config struct {
	UserAgent      string            // default: a current desktop Chrome UA
	ConnectTimeout time.Duration     // default 10s (dial and TLS handshake, each; a connection within twice that, proxy tunnel included)
	Timeout        time.Duration     // total per request attempt, body included; default 60s
	MaxBody        int64             // default and most model.MaxPageSize (64 MiB); larger → KindFailed, never truncated silently
	Hosts          map[string]Polite // per host politeness, over DefaultHosts; key "default" for hosts not listed
	Cooldown       CooldownStore     // where cool-downs persist (the archive); may be nil
	Daily          DailyStore        // where requests counted against a daily cap persist; may be nil
	Clock          Clock             // nil → real clock
	Rand           func() float64    // jitter source in [0,1); nil → math/rand/v2
	Resolve        map[string]string // "mp.weixin.qq.com:443" → "127.0.0.1:PORT" dial override (like curl --resolve)
	RootCAs        *x509.CertPool    // replaces the system pool when set; nil → system store + SSL_CERT_FILE
	Logger         *slog.Logger      // nil → discard

	// Proxy chooses the proxy of a request; nil → HTTPS_PROXY, HTTP_PROXY
	// and NO_PROXY from the environment (read when New is called).
	Proxy func(*http.Request) (*url.URL, error)
}

// Polite is the politeness rule for one host (colly LimitRule style).
type Polite struct {
	Interval    time.Duration // minimum time between request starts to the host
	Jitter      time.Duration // up to this much is added to each interval at random
	Concurrency int           // requests in flight to the host; < 1 means 1
	Retries     int           // retries after a timeout, connection error, truncated body, 5xx or 429
	Backoff     time.Duration // first retry delay, doubled each retry (plus jitter); 0 → 1s
	DailyCap    int           // requests to the host a day (China time), retries included; 0 → no cap
}

// DefaultHosts is the politeness the client starts from: gentle on
// mp.weixin.qq.com (3–5 s between pages, one at a time), lighter on the rest
// (the image CDN).
func DefaultHosts() map[string]Polite {
	return map[string]Polite{
		PageHost: {Interval: 3 * time.Second, Jitter: 2 * time.Second, Concurrency: 1, Retries: 3, Backoff: 2 * time.Second},
		// WeRead account listings: a few pages a pass, never retried (a
		// failed listing is read again next pass), at most 200 a day.
		WeReadHost: {Interval: 10 * time.Second, Jitter: 5 * time.Second, Concurrency: 1, Retries: 0, Backoff: 5 * time.Second, DailyCap: 200},
		"default":  {Interval: 200 * time.Millisecond, Jitter: 300 * time.Millisecond, Concurrency: 2, Retries: 3, Backoff: time.Second},
	}
}

// Client fetches pages and images. It is safe for concurrent use.
type Client struct {
	ua     string
	pages  *http.Client
	images *http.Client
	api    *http.Client // WeRead
	cool   *cooldowns
	daily  *daily
	clock  Clock
	log    *slog.Logger
}

// New builds a client, loading the persisted cool-downs.
func New(cfg Config) (*Client, error) {
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBody <= 0 || cfg.MaxBody > model.MaxPageSize {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rules := DefaultHosts()
	for h, r := range cfg.Hosts {
		if h != "default" {
			h = normHost(h)
		}
		rules[h] = r
	}
	cool, err := newCooldowns(cfg.Cooldown, cfg.Clock, cfg.Logger)
	if err != nil {
		return nil, err
	}
	day, err := newDaily(cfg.Daily, cfg.Clock, cfg.Logger)
	if err != nil {
		return nil, err
	}
	rt := &polite{
		next:    newTransport(&cfg),
		rules:   rules,
		clock:   cfg.Clock,
		rand:    cfg.Rand,
		timeout: cfg.Timeout,
		// a dial, then a TLS handshake, each within ConnectTimeout
		connectTimeout: 2 * cfg.ConnectTimeout,
		maxBody:        cfg.MaxBody,
		cooling:        cool.active,
		daily:          day,
		log:            cfg.Logger,
		gates:          map[string]*gate{},
	}
	return &Client{
		ua:     cfg.UserAgent,
		pages:  &http.Client{Transport: rt, CheckRedirect: checkRedirect(targetPage)},
		images: &http.Client{Transport: rt, CheckRedirect: checkRedirect(targetImage)},
		api:    &http.Client{Transport: rt, CheckRedirect: noRedirect},
		cool:   cool,
		daily:  day,
		clock:  cfg.Clock,
		log:    cfg.Logger,
	}, nil
}

var errCaptcha = errors.New("redirected to the verification page")

// checkRedirect follows redirects within the allow-list only, never to the
// verification page, and never sends a Referer.
func checkRedirect(t target) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer")
		from := via[0].URL.String()
		if t == targetPage && captchaPath(req.URL.Path) {
			return &Error{Kind: KindBlocked, URL: from, Err: fmt.Errorf("%w %s", errCaptcha, req.URL)}
		}
		if err := allowed(req.URL, t); err != nil {
			return &Error{Kind: KindRefused, URL: from, Err: fmt.Errorf("redirect to %s: %w", req.URL, err)}
		}
		if len(via) >= MaxRedirects {
			return &Error{Kind: KindFailed, URL: from, Err: fmt.Errorf("more than %d redirects", MaxRedirects)}
		}
		return nil
	}
}

// Page fetches an article (/s?…, /s/<token>) or album (/mp/appmsgalbum)
// page from mp.weixin.qq.com. Short links are fetched as they are; FinalURL
// is the URL after redirects. On error the capture is nil.
func (c *Client) Page(ctx context.Context, rawURL string) (*model.Capture, error) {
	u, err := checkURL(rawURL, targetPage)
	if err != nil {
		return nil, &Error{Kind: KindRefused, URL: rawURL, Err: err}
	}
	resp, body, err := c.get(ctx, c.pages, u, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if err != nil {
		return nil, err
	}
	c.cool.success(u.Hostname())
	return &model.Capture{
		Target:      rawURL,
		SourceURL:   u.String(),
		FinalURL:    resp.Request.URL.String(),
		HTTPStatus:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		FetchedAt:   c.clock.Now(),
		Raw:         body,
	}, nil
}

// Image fetches a body image from the WeChat image CDN, without a Referer
// (the CDN serves a placeholder to foreign referers). It returns the bytes
// and their content type.
func (c *Client) Image(ctx context.Context, rawURL string) ([]byte, string, error) {
	u, err := checkURL(rawURL, targetImage)
	if err != nil {
		return nil, "", &Error{Kind: KindRefused, URL: rawURL, Err: err}
	}
	resp, body, err := c.get(ctx, c.images, u, "image/avif,image/webp,image/apng,image/*,*/*;q=0.8")
	if err != nil {
		return nil, "", err
	}
	ctype := resp.Header.Get("Content-Type")
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	if strings.HasPrefix(ctype, "text/html") {
		return nil, "", &Error{Kind: KindFailed, URL: u.String(), Status: resp.StatusCode, Err: fmt.Errorf("not an image: %s", ctype)}
	}
	return body, ctype, nil
}

// get sends one GET through the polite transport and checks the outcome.
func (c *Client) get(ctx context.Context, hc *http.Client, u *url.URL, accept string) (*http.Response, []byte, error) {
	host := u.Hostname()
	if err := ctx.Err(); err != nil {
		return nil, nil, &Error{Kind: KindCanceled, URL: u.String(), Err: err}
	}
	if Stopping(ctx) {
		return nil, nil, &Error{Kind: KindCanceled, URL: u.String(), Err: ErrStopping}
	}
	if until, ok := c.cool.active(host); ok {
		return nil, nil, &Error{Kind: KindCoolingDown, URL: u.String(), Until: until, Err: fmt.Errorf("host %s is cooling down", normHost(host))}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &Error{Kind: KindRefused, URL: u.String(), Err: err}
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, c.classify(ctx, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // in memory already
	if err != nil {
		return nil, nil, &Error{Kind: KindFailed, URL: u.String(), Err: fmt.Errorf("read body: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, &Error{Kind: KindFailed, URL: u.String(), Status: resp.StatusCode, Err: errors.New(strings.ToLower(http.StatusText(resp.StatusCode)))}
	}
	return resp, body, nil
}

// classify turns an error of http.Client.Do into an *Error.
func (c *Client) classify(ctx context.Context, u *url.URL, err error) error {
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, URL: u.String(), Err: ctx.Err()}
	}
	if errors.Is(err, ErrStopping) {
		return &Error{Kind: KindCanceled, URL: u.String(), Err: ErrStopping}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var fe *Error
	if errors.As(err, &fe) {
		e := *fe
		e.URL = u.String()
		if e.Kind == KindBlocked {
			e.Until = c.cool.block(u.Hostname(), "captcha redirect")
		}
		return &e
	}
	if errors.Is(err, ErrNotAllowed) {
		return &Error{Kind: KindRefused, URL: u.String(), Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Kind: KindCanceled, URL: u.String(), Err: err}
	}
	return &Error{Kind: KindFailed, URL: u.String(), Err: err}
}
