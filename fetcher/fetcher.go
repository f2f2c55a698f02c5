package fetcher

import (
	"context"
	"crypto/x509"
	"log/slog"
	"time"

	"wxarchive/model"
)

// Config is the client's identity, limits and politeness.
type Config struct {
	UserAgent      string            // default: a current desktop Chrome UA
	ConnectTimeout time.Duration     // default 10s
	Timeout        time.Duration     // total per request attempt, default 60s
	MaxBody        int64             // default 16 MiB; larger → KindFailed, never truncated silently
	Hosts          map[string]Polite // per host politeness; key "default" for hosts not listed
	Cooldown       CooldownStore     // where cool-downs persist (the archive); may be nil
	Clock          Clock             // nil → real clock
	Rand           func() float64    // jitter source in [0,1); nil → math/rand/v2
	Resolve        map[string]string // "mp.weixin.qq.com:443" → "127.0.0.1:PORT" dial override (like curl --resolve)
	RootCAs        *x509.CertPool    // replaces the system pool when set (tests); nil → system store + SSL_CERT_FILE
	Logger         *slog.Logger
}

// Polite is the politeness rule for one host.
type Polite struct {
	Interval    time.Duration // minimum time between request starts to the host
	Jitter      time.Duration // up to this much is added to Interval at random
	Concurrency int           // requests in flight to the host; < 1 means 1
	Retries     int           // retries after a timeout, connection error, 5xx or 429
}

// Client fetches pages and images.
type Client struct{}

// New builds a client.
func New(cfg Config) (*Client, error) { return &Client{}, nil }

// Page fetches an article or album page from mp.weixin.qq.com.
func (c *Client) Page(ctx context.Context, rawURL string) (*model.Capture, error) {
	return nil, &Error{Kind: KindFailed, URL: rawURL}
}

// Image fetches a body image from the WeChat image CDN, without a Referer.
func (c *Client) Image(ctx context.Context, rawURL string) ([]byte, string, error) {
	return nil, "", &Error{Kind: KindFailed, URL: rawURL}
}

// ReportBlocked starts or extends the host's cool-down.
func (c *Client) ReportBlocked(host string, reason string) {}

// CoolingDown reports whether host is cooling down, and until when.
func (c *Client) CoolingDown(host string) (until time.Time, ok bool) { return time.Time{}, false }

// ConfigFromEnv reads WXARCHIVE_RESOLVE and WXARCHIVE_CA_FILE into cfg.
func ConfigFromEnv(cfg *Config) error { return nil }

// Clock is the time source.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// CooldownStore persists cool-downs between runs.
type CooldownStore interface {
	LoadCooldowns() (map[string]Cooldown, error)
	SaveCooldowns(map[string]Cooldown) error
}

// Cooldown is one host's cool-down.
type Cooldown struct {
	Until   time.Time     `json:"until"`
	Backoff time.Duration `json:"backoff"`
	Reason  string        `json:"reason,omitempty"`
}
