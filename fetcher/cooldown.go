package fetcher

import (
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Cool-down lengths: the first block cools the host down for
// FirstCooldown, each consecutive one doubles it, up to MaxCooldown.
const (
	FirstCooldown = 15 * time.Minute
	MaxCooldown   = 6 * time.Hour
)

// CooldownStore persists cool-downs between runs (the archive implements it).
type CooldownStore interface {
	LoadCooldowns() (map[string]Cooldown, error)
	SaveCooldowns(map[string]Cooldown) error
}

// Cooldown is one host's cool-down. Backoff is the length of the last one;
// it is kept after Until has passed so that a consecutive block doubles it,
// and dropped after the next successful page.
type Cooldown struct {
	Until   time.Time     `json:"until"`
	Backoff time.Duration `json:"backoff"`
	Reason  string        `json:"reason,omitempty"`
}

// cooldowns is the in-memory table of cool-downs, written through to the store.
type cooldowns struct {
	mu    sync.Mutex
	m     map[string]Cooldown
	store CooldownStore
	clock Clock
	log   *slog.Logger
}

func newCooldowns(store CooldownStore, clock Clock, log *slog.Logger) (*cooldowns, error) {
	c := &cooldowns{m: map[string]Cooldown{}, store: store, clock: clock, log: log}
	if store == nil {
		return c, nil
	}
	m, err := store.LoadCooldowns()
	if err != nil {
		return nil, fmt.Errorf("fetcher: load cool-downs: %w", err)
	}
	for h, cd := range m {
		c.m[normHost(h)] = cd
	}
	return c, nil
}

// syncLocked reads the store again: other processes (ingest, login
// --status, a second run) record cool-downs too. The store wins, except
// for a cool-down of ours that is still running and ends later (one whose
// save failed). Every change is written through at once, so the store
// holds what this process did.
func (c *cooldowns) syncLocked() {
	if c.store == nil {
		return
	}
	m, err := c.store.LoadCooldowns()
	if err != nil {
		c.log.Error("fetcher: read cool-downs again", "err", err)
		return
	}
	now := c.clock.Now()
	next := make(map[string]Cooldown, len(m))
	for h, cd := range m {
		next[normHost(h)] = cd
	}
	for h, mine := range c.m {
		if theirs, ok := next[h]; (!ok || mine.Until.After(theirs.Until)) && now.Before(mine.Until) {
			next[h] = mine
		}
	}
	c.m = next
}

// reload reads the store again (at the start of a pass).
func (c *cooldowns) reload() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
}

// normHost lower-cases a host name; a URL is reduced to its host name.
func normHost(h string) string {
	if strings.Contains(h, "://") {
		if u, err := url.Parse(h); err == nil {
			h = u.Hostname()
		}
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// active returns the end of host's cool-down if it is cooling down now.
func (c *cooldowns) active(host string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cd, ok := c.m[normHost(host)]
	if !ok || !c.clock.Now().Before(cd.Until) {
		return time.Time{}, false
	}
	return cd.Until, true
}

// block starts a cool-down for host, doubling the previous one. A block
// reported while the host is already cooling down (a request that was in
// flight when the first block was seen) does not double it again.
func (c *cooldowns) block(host, reason string) time.Time {
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
	case cd.Backoff <= 0:
		cd.Backoff = FirstCooldown
	default:
		cd.Backoff = min(cd.Backoff*2, MaxCooldown)
	}
	cd.Until = now.Add(cd.Backoff)
	cd.Reason = reason
	c.m[host] = cd
	c.log.Warn("host blocked, cooling down", "host", host, "reason", reason, "for", cd.Backoff, "until", cd.Until)
	c.saveLocked()
	return cd.Until
}

// success forgets host's backoff after a good page once its cool-down is over.
func (c *cooldowns) success(host string) {
	host = normHost(host)
	c.mu.Lock()
	defer c.mu.Unlock()
	cd, ok := c.m[host]
	if !ok || c.clock.Now().Before(cd.Until) {
		return
	}
	c.syncLocked() // another process may have started a new one
	if cd, ok = c.m[host]; !ok || c.clock.Now().Before(cd.Until) {
		return
	}
	delete(c.m, host)
	c.log.Info("host recovered from cool-down", "host", host)
	c.saveLocked()
}

func (c *cooldowns) saveLocked() {
	if c.store == nil {
		return
	}
	if err := c.store.SaveCooldowns(maps.Clone(c.m)); err != nil {
		c.log.Error("fetcher: save cool-downs", "err", err)
	}
}

// ReportBlocked starts or extends host's cool-down: the extractor saw a
// verification or rate-limit page in a 200 response. host may also be given
// as a URL.
func (c *Client) ReportBlocked(host string, reason string) { c.cool.block(host, reason) }

// Reload reads the cool-downs and daily counts again from their stores:
// what other processes (a manual ingest, login --status) recorded since
// this client was made. A daemon calls it at the start of each pass.
func (c *Client) Reload() {
	c.cool.reload()
	c.daily.reload()
}

// CoolingDown reports whether host is cooling down, and until when.
func (c *Client) CoolingDown(host string) (until time.Time, ok bool) { return c.cool.active(host) }
