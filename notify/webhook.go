package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wxarchive/events"
	"wxarchive/fetcher"
	"wxarchive/model"
)

// Headers of a webhook request.
const (
	HeaderEvent     = "X-Wxarchive-Event"    // the event's kind
	HeaderEventID   = "X-Wxarchive-Event-Id" // the event's id: drop a duplicate by it
	HeaderSignature = "X-Wxarchive-Signature-256"
)

// Webhook POSTs each event as JSON to a URL. A secret signs the body:
// header X-Wxarchive-Signature-256: sha256=<hex HMAC-SHA256 of the body>,
// as GitHub does; receivers check it with Verify.
type Webhook struct {
	name    string
	url     *url.URL
	secret  []byte
	kinds   kindSet
	retries int
	client  *http.Client
}

// WebhookOptions configure a Webhook.
type WebhookOptions struct {
	Name    string // label in logs; default "webhook <scheme>://<host>"
	Secret  string // "" sends no signature
	Events  []string
	Timeout time.Duration // per request; 0: 10s
	Retries int           // extra attempts within a pass
	// Transport sends the requests; nil: fetcher.NewDestTransport, whose
	// dials check the address: a URL naming this machine or the local
	// network by IP address or a local name reaches it, a public-looking
	// name only public addresses (no DNS rebinding to a local service).
	Transport http.RoundTripper
	// Resolver resolves names for the default Transport; nil: the system's.
	Resolver *net.Resolver
}

// NewWebhook checks the URL (http or https with a host: a user-configured
// destination, not limited to WeChat's hosts) and builds the webhook.
// Redirects are not followed: a POST is not replayed elsewhere.
func NewWebhook(rawURL string, o WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, errors.New("notify: webhook URL does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("notify: webhook URL: want http:// or https://, got scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("notify: webhook URL names no host")
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	tr := o.Transport
	if tr == nil {
		tr = fetcher.NewDestTransport(fetcher.DestConfig{Resolver: o.Resolver})
	}
	return &Webhook{
		name: o.Name, url: u, secret: []byte(o.Secret), kinds: newKindSet(o.Events), retries: max(o.Retries, 0),
		client: &http.Client{
			Transport:     tr,
			Timeout:       o.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

var _ Destination = (*Webhook)(nil)

func (w *Webhook) ID() string {
	sum := sha256.Sum256([]byte(w.url.String()))
	return "webhook:" + hex.EncodeToString(sum[:8])
}

// Label is the name, else the scheme and host: never the path or query,
// which may carry a token.
func (w *Webhook) Label() string {
	if w.name != "" {
		return w.name
	}
	return "webhook " + w.url.Scheme + "://" + w.url.Host
}

func (w *Webhook) Wants(k model.EventKind) bool { return w.kinds.wants(k) }
func (w *Webhook) Retries() int                 { return w.retries }

// Send POSTs body. 2xx is delivered; 408, 429, 3xx, 5xx and network errors
// are temporary; other 4xx a refusal of this event.
func (w *Webhook) Send(ctx context.Context, ev events.Event, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url.String(), bytes.NewReader(body))
	if err != nil {
		return &SendError{Msg: "build request: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wxarchive-notify")
	req.Header.Set(HeaderEvent, string(ev.Kind))
	req.Header.Set(HeaderEventID, ev.ID)
	if len(w.secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(w.secret, body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		// *url.Error's text repeats the URL, which may hold a token: keep
		// only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &SendError{Msg: "post: " + err.Error()}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return nil
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500 || (s >= 300 && s < 400):
		return &SendError{Msg: "status " + resp.Status}
	default:
		return &SendError{Permanent: true, Msg: "refused: status " + resp.Status}
	}
}

// Sign is the signature header value of body: "sha256=" and the hex
// HMAC-SHA256 of the body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is a valid signature of body under secret
// (constant time): for receivers written in Go.
func Verify(secret, body []byte, header string) bool {
	want := Sign(secret, body)
	return hmac.Equal([]byte(want), []byte(header))
}
