package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// WeReadHost is the host of WeRead's web API, through which a logged-in
// WeRead user lists the articles of an official account. It is allowed for
// WeRead requests (Client.WeRead) only, never for pages or images.
const WeReadHost = "weread.qq.com"

// weReadPath reports whether p is one of the WeRead listing endpoints.
func weReadPath(p string) bool {
	return p == "/web/mp/articles" || p == "/api/mp/cover"
}

// noRedirect hands a WeRead redirect back to the caller: the API answers
// JSON, a redirect means something else (a login page) and is not followed.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// WeRead sends one GET to WeRead's web API (https://weread.qq.com/web/mp/
// articles or /api/mp/cover) through the host's politeness, daily cap and
// cool-down, with header added (the login cookie, which is never logged).
// It returns the response whatever its status, its body in memory: the
// caller reads WeRead's own error codes. Errors are for requests that got
// no response: refused, cooling down, over the daily cap, network.
func (c *Client) WeRead(ctx context.Context, rawURL string, header http.Header) (*http.Response, error) {
	u, err := checkURL(rawURL, targetWeRead)
	if err != nil {
		return nil, &Error{Kind: KindRefused, URL: rawURL, Err: err}
	}
	if until, ok := c.cool.active(u.Hostname()); ok {
		return nil, &Error{Kind: KindCoolingDown, URL: u.String(), Until: until, Err: fmt.Errorf("host %s is cooling down", WeReadHost)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindRefused, URL: u.String(), Err: err}
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json, text/plain, */*")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	req.Header.Set("Origin", "https://"+WeReadHost)
	req.Header.Set("Referer", "https://"+WeReadHost+"/")
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	resp, err := c.api.Do(req)
	if err != nil {
		return nil, c.classify(ctx, u, err)
	}
	return resp, nil
}

// Recovered forgets host's cool-down backoff once its cool-down is over: the
// caller saw a good answer (WeRead reports risk control in a 200 answer, so
// the status alone cannot tell).
func (c *Client) Recovered(host string) { c.cool.success(host) }

// CoolDown cools host down after a block that is not a WeChat verification
// page (WeRead's risk control): for first, doubling on each consecutive block
// up to max. It returns the end of the cool-down, which persists like the
// others.
func (c *Client) CoolDown(host, reason string, first, max time.Duration) time.Time {
	return c.cool.blockFor(host, reason, first, max)
}

// BlockUntil cools host down until t at least (a block "until tomorrow").
func (c *Client) BlockUntil(host, reason string, t time.Time) time.Time {
	return c.cool.blockUntil(host, reason, t)
}

func (c *cooldowns) blockFor(host, reason string, first, max time.Duration) time.Time {
	host = normHost(host)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	now := c.clock.Now()
	cd := c.m[host]
	if now.Before(cd.Until) {
		return cd.Until
	}
	switch {
	case cd.Backoff < first:
		cd.Backoff = first
	default:
		cd.Backoff = min(cd.Backoff*2, max)
	}
	cd.Until = now.Add(cd.Backoff)
	cd.Reason = reason
	c.m[host] = cd
	c.log.Warn("host blocked, cooling down", "host", host, "reason", reason, "for", cd.Backoff, "until", cd.Until)
	c.saveLocked()
	return cd.Until
}

func (c *cooldowns) blockUntil(host, reason string, t time.Time) time.Time {
	host = normHost(host)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	cd := c.m[host]
	if !t.After(cd.Until) {
		return cd.Until
	}
	cd.Until, cd.Reason = t, reason
	c.m[host] = cd
	c.log.Warn("host blocked, cooling down", "host", host, "reason", reason, "until", cd.Until)
	c.saveLocked()
	return cd.Until
}
