package weread

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"wxarchive/fetcher"
)

// Host is WeRead's web host.
const Host = fetcher.WeReadHost

// Risk-control cool-down: an hour, doubling on each consecutive one, at
// most a day.
const (
	RiskCooldown    = time.Hour
	MaxRiskCooldown = 24 * time.Hour
)

// WeRead error codes (errCode in the JSON body).
const (
	CodeLoginInvalid = -2010
	CodeLoginTimeout = -2012
	CodeRiskControl  = -2041
)

// Transport sends WeRead requests politely and keeps the host's
// cool-downs; *fetcher.Client implements it.
type Transport interface {
	WeRead(ctx context.Context, url string, header http.Header) (*http.Response, error)
	CoolDown(host, reason string, first, max time.Duration) time.Time
	BlockUntil(host, reason string, until time.Time) time.Time
	Recovered(host string)
}

var _ Transport = (*fetcher.Client)(nil)

// Kind classifies a listing failure.
type Kind int

const (
	KindFailed  Kind = iota // network, unexpected answer: read again next pass
	KindNoLogin             // no login stored
	KindLogin               // login invalid or expired: a new login is needed
	KindBlocked             // risk control, HTTP 429, a cool-down or the daily cap: the host is left alone until Until
)

// Error is a listing failure. Its message never holds the cookie.
type Error struct {
	Kind   Kind
	BookID string
	Code   int       // WeRead's errCode, 0 when none
	Status int       // HTTP status, 0 when none
	Until  time.Time // KindBlocked: when the host may be asked again
	Msg    string
	Err    error
	// Unsent: no request went out (no login, a cool-down, the daily cap,
	// a bad account).
	Unsent bool
}

func (e *Error) Error() string {
	s := "weread: "
	if e.BookID != "" {
		s += e.BookID + ": "
	}
	s += e.Msg
	if e.Code != 0 {
		s += " (errCode " + strconv.Itoa(e.Code) + ")"
	}
	if e.Status != 0 {
		s += " (HTTP " + strconv.Itoa(e.Status) + ")"
	}
	if !e.Until.IsZero() {
		s += " until " + e.Until.Format(time.RFC3339)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// LoginExpired reports whether WeRead refused the login.
func (e *Error) LoginExpired() bool { return e.Kind == KindLogin }

// LoginMissing reports whether there was no login to send.
func (e *Error) LoginMissing() bool { return e.Kind == KindNoLogin }

// LoginProblem says why there was no login to send when a stored one
// could not be used ("" when there is simply none): the summary says it,
// not only the log.
func (e *Error) LoginProblem() string {
	if e.Kind != KindNoLogin || e.Err == nil {
		return ""
	}
	return e.Msg + ": " + strings.TrimPrefix(e.Err.Error(), "weread: ")
}

// BlockedBy says why WeRead blocks us, for a block WeRead made: its risk
// control (errCode -2041), HTTP 429, or the cool-down either started; ""
// for anything else (the daily cap is our own limit, not a block).
func (e *Error) BlockedBy() string {
	switch {
	case e.Kind != KindBlocked:
		return ""
	case e.Code == CodeRiskControl:
		return "WeRead risk control (errCode -2041)"
	case e.Status == http.StatusTooManyRequests:
		return "WeRead HTTP 429: blocked for the day"
	case errors.Is(e.Err, fetcher.ErrDailyCap):
		return ""
	case fetcher.KindOf(e.Err) == fetcher.KindCoolingDown:
		return "cooling down after a block"
	}
	return ""
}

// NotSent reports whether the listing request was never sent.
func (e *Error) NotSent() bool { return e.Unsent }

// Blocked reports whether the host is to be left alone for now, and until when.
func (e *Error) Blocked() (time.Time, bool) { return e.Until, e.Kind == KindBlocked }

// ErrNoLogin is returned when no login is stored.
var ErrNoLogin = &Error{Kind: KindNoLogin, Msg: "no WeRead login: run `wxarchive login weread`", Unsent: true}

// KindOf is the Kind of err (KindFailed for errors of other packages).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindFailed
}

// maxListing bounds a listing body.
const maxListing = 4 << 20

// Client lists accounts' articles with one login. It is safe for
// concurrent use.
type Client struct {
	t   Transport
	log *slog.Logger
	now func() time.Time
	// renewed is called with the login after the server set new cookie
	// values (to store them); nil: kept for this process only.
	renewed func(Cookie)
	// loginErr is why the stored login could not be read (Options.LoginErr).
	loginErr error
	idKey    []byte // Options.IDKey

	mu     sync.Mutex
	cookie Cookie
}

// Options are the optional parts of a Client.
type Options struct {
	Log     *slog.Logger     // nil: discard
	Now     func() time.Time // nil: time.Now
	Renewed func(Cookie)     // called when WeRead renewed the login cookies
	// LoginErr is why the stored login could not be read (a file others
	// can read, a damaged file): List reports it rather than "no login".
	LoginErr error
	// IDKey keys LoginID (Store.IDKey); nil: a random key of this client
	// (a login refused in an earlier run is then not recognised).
	IDKey []byte
}

// New is a client sending cookie through t.
func New(t Transport, cookie Cookie, o Options) *Client {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.IDKey) == 0 {
		o.IDKey = make([]byte, 32)
		rand.Read(o.IDKey)
	}
	return &Client{t: t, log: o.Log, now: o.Now, renewed: o.Renewed, cookie: cookie, loginErr: o.LoginErr, idKey: o.IDKey}
}

// LoginID names the login in use without revealing it (Cookie.Fingerprint
// under Options.IDKey); "" when there is none.
func (c *Client) LoginID() string {
	ck := c.Cookie()
	if ck.IsZero() {
		return ""
	}
	return ck.Fingerprint(c.idKey)
}

// Cookie is the login the client sends now (renewed ones included).
func (c *Client) Cookie() Cookie {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cookie
}

// ListingURL is the listing page of book at offset.
func ListingURL(book string, offset int) string {
	q := url.Values{}
	q.Set("bookId", book)
	q.Set("offset", strconv.Itoa(offset))
	return "https://" + Host + "/web/mp/articles?" + q.Encode()
}

// List reads the listing page of the account with this __biz at offset
// (top-level entries to skip). Errors are *Error values.
func (c *Client) List(ctx context.Context, biz string, offset int) (Page, error) {
	book, err := BookID(biz)
	if err != nil {
		return Page{}, &Error{Kind: KindFailed, Msg: "account", Err: err, Unsent: true}
	}
	cookie := c.Cookie()
	if cookie.IsZero() {
		if c.loginErr != nil {
			return Page{}, &Error{Kind: KindNoLogin, Msg: "WeRead login unusable", Err: c.loginErr, Unsent: true}
		}
		return Page{}, ErrNoLogin
	}
	resp, err := c.t.WeRead(ctx, ListingURL(book, offset), http.Header{"Cookie": {cookie.Header()}})
	if err != nil {
		switch k := fetcher.KindOf(err); {
		case k == fetcher.KindCoolingDown || k == fetcher.KindBlocked:
			var fe *fetcher.Error
			until := time.Time{}
			if errors.As(err, &fe) {
				until = fe.Until
			}
			return Page{}, &Error{Kind: KindBlocked, BookID: book, Until: until, Msg: "not asked", Err: err,
				Unsent: k == fetcher.KindCoolingDown}
		default:
			return Page{}, &Error{Kind: KindFailed, BookID: book, Msg: "listing", Err: err,
				Unsent: k == fetcher.KindRefused || k == fetcher.KindCanceled}
		}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxListing+1))
	if err != nil {
		return Page{}, &Error{Kind: KindFailed, BookID: book, Msg: "read listing", Err: err}
	}
	c.keepRenewed(cookie, resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Page{}, &Error{Kind: KindLogin, BookID: book, Status: resp.StatusCode, Msg: "login refused"}
	case resp.StatusCode == http.StatusTooManyRequests:
		until := c.t.BlockUntil(Host, "WeRead HTTP 429: blocked for the day", fetcher.NextDay(c.now()))
		return Page{}, &Error{Kind: KindBlocked, BookID: book, Status: resp.StatusCode, Until: until, Msg: "too many requests, blocked for the day"}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return Page{}, &Error{Kind: KindFailed, BookID: book, Status: resp.StatusCode, Msg: "redirected (to " + redirectTarget(resp) + ")"}
	case resp.StatusCode != http.StatusOK:
		return Page{}, &Error{Kind: KindFailed, BookID: book, Status: resp.StatusCode, Msg: "listing refused"}
	case len(body) > maxListing:
		return Page{}, &Error{Kind: KindFailed, BookID: book, Msg: fmt.Sprintf("listing over %d bytes", maxListing)}
	}
	code, msg, page, err := parseListing(body, c.now())
	if err != nil {
		return Page{}, &Error{Kind: KindFailed, BookID: book, Msg: "listing", Err: err}
	}
	switch code {
	case 0:
		c.t.Recovered(Host)
		return page, nil
	case CodeLoginInvalid, CodeLoginTimeout:
		return Page{}, &Error{Kind: KindLogin, BookID: book, Code: code, Msg: "login invalid or expired: " + orCode(msg)}
	case CodeRiskControl:
		until := c.t.CoolDown(Host, "WeRead risk control (errCode -2041)", RiskCooldown, MaxRiskCooldown)
		return Page{}, &Error{Kind: KindBlocked, BookID: book, Code: code, Until: until, Msg: "risk control: " + orCode(msg)}
	}
	return Page{}, &Error{Kind: KindFailed, BookID: book, Code: code, Msg: "listing refused: " + orCode(msg)}
}

func orCode(msg string) string {
	if msg == "" {
		return "no message"
	}
	return msg
}

// redirectTarget names where a redirect points, without its query.
func redirectTarget(resp *http.Response) string {
	u, err := resp.Location()
	if err != nil {
		return "nowhere"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// keepRenewed applies the cookies a response set to the login it was sent
// with, and hands a changed login to Options.Renewed.
func (c *Client) keepRenewed(sent Cookie, resp *http.Response) {
	next, changed := sent.Renewed(resp)
	if !changed {
		return
	}
	c.mu.Lock()
	c.cookie = next
	c.mu.Unlock()
	c.log.Info("weread: the server renewed the login cookies; keeping them")
	if c.renewed != nil {
		c.renewed(next)
	}
}
