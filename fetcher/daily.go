package fetcher

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"wxarchive/model"
)

// ErrDailyCap is the cause of a KindCoolingDown error for a host whose
// daily cap (Polite.DailyCap) is used up; Until is the start of the next day.
var ErrDailyCap = errors.New("daily cap reached")

// DailyStore persists the requests counted against daily caps between runs
// (the archive implements it), so that a cap holds across passes run by
// cron.
type DailyStore interface {
	LoadDaily() (map[string]DayCount, error)
	SaveDaily(map[string]DayCount) error
}

// DayCount is the number of requests sent to one host on Day (2006-01-02,
// China time).
type DayCount struct {
	Day string `json:"day"`
	N   int    `json:"n"`
}

// NextDay is the start of the day after t, China time: when a daily cap or
// a day-long block ends.
func NextDay(t time.Time) time.Time {
	c := t.In(model.ChinaTime)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, model.ChinaTime)
}

// daily counts requests to capped hosts, written through to the store.
type daily struct {
	mu    sync.Mutex
	m     map[string]DayCount
	store DailyStore
	clock Clock
	log   *slog.Logger
}

func newDaily(store DailyStore, clock Clock, log *slog.Logger) (*daily, error) {
	d := &daily{m: map[string]DayCount{}, store: store, clock: clock, log: log}
	if store == nil {
		return d, nil
	}
	m, err := store.LoadDaily()
	if err != nil {
		return nil, fmt.Errorf("fetcher: load daily counts: %w", err)
	}
	for h, c := range m {
		d.m[normHost(h)] = c
	}
	return d, nil
}

// syncLocked reads the store again and keeps, per host and day, the larger
// count: other processes count their requests too, and each of ours is
// written through at once.
func (d *daily) syncLocked() {
	if d.store == nil {
		return
	}
	m, err := d.store.LoadDaily()
	if err != nil {
		d.log.Error("fetcher: read daily counts again", "err", err)
		return
	}
	for h, theirs := range m {
		h = normHost(h)
		mine, ok := d.m[h]
		if !ok || theirs.Day > mine.Day || (theirs.Day == mine.Day && theirs.N > mine.N) {
			d.m[h] = theirs
		}
	}
}

// reload reads the store again (at the start of a pass).
func (d *daily) reload() {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.syncLocked()
}

// take counts one request to host against cap. When the cap is used up it
// counts nothing and returns the start of the next day and false. A cap of
// 0 counts nothing and always allows.
func (d *daily) take(host string, cap int) (time.Time, bool) {
	if d == nil || cap <= 0 {
		return time.Time{}, true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.syncLocked()
	now := d.clock.Now()
	day := now.In(model.ChinaTime).Format(time.DateOnly)
	c := d.m[host]
	if c.Day != day {
		c = DayCount{Day: day}
	}
	if c.N >= cap {
		return NextDay(now), false
	}
	c.N++
	d.m[host] = c
	if c.N == cap {
		d.log.Warn("daily cap reached: no more requests to the host today", "host", host, "cap", cap)
	}
	if d.store != nil {
		if err := d.store.SaveDaily(maps.Clone(d.m)); err != nil {
			d.log.Error("fetcher: save daily counts", "err", err)
		}
	}
	return time.Time{}, true
}

// Today is the number of requests counted against host's daily cap today.
func (c *Client) Today(host string) int {
	d := c.daily
	d.mu.Lock()
	defer d.mu.Unlock()
	cnt := d.m[normHost(host)]
	if cnt.Day != c.clock.Now().In(model.ChinaTime).Format(time.DateOnly) {
		return 0
	}
	return cnt.N
}
