package pipeline

import (
	"sort"
	"time"

	"wxarchive/model"
)

// Final reports whether an article in state s is never rechecked: deleted
// by its author, removed for a violation, or its account gone. Transient
// states (unavailable, verification, rate limit, expired link) are rechecked.
func Final(s model.State) bool {
	return s == model.StateDeleted || s == model.StateViolation || s == model.StateAccountGone
}

// Schedule is the recheck schedule: at each age in After (after
// publication), then every Every after the last of them.
type Schedule struct {
	After []time.Duration
	Every time.Duration
}

// Next returns the first recheck time after the article's last capture, and
// false when the schedule has no more rechecks for it. Without a publication
// time, the next recheck is the last capture plus Every (or the last After).
func (s Schedule) Next(a Article) (time.Time, bool) {
	if Final(a.State) || (len(s.After) == 0 && s.Every <= 0) {
		return time.Time{}, false
	}
	if a.Published.IsZero() {
		step := s.Every
		if step <= 0 {
			step = s.After[len(s.After)-1]
		}
		return a.LastCapture.Add(step), true
	}
	var last time.Duration
	for _, d := range s.After {
		if t := a.Published.Add(d); t.After(a.LastCapture) {
			return t, true
		}
		last = d
	}
	if s.Every <= 0 {
		return time.Time{}, false
	}
	base := a.Published.Add(last)
	k := int64(1)
	if a.LastCapture.After(base) {
		k = int64(a.LastCapture.Sub(base)/s.Every) + 1
	}
	return base.Add(time.Duration(k) * s.Every), true
}

// Due returns the archived articles whose next recheck is not after now,
// most overdue first, at most max of them (0: no cap).
func (s Schedule) Due(articles []Article, now time.Time, max int) []Article {
	type due struct {
		a    Article
		next time.Time
	}
	var ds []due
	for _, a := range articles {
		if next, ok := s.Next(a); ok && !next.After(now) {
			ds = append(ds, due{a, next})
		}
	}
	sort.SliceStable(ds, func(i, j int) bool {
		if !ds[i].next.Equal(ds[j].next) {
			return ds[i].next.Before(ds[j].next)
		}
		return ds[i].a.Key < ds[j].a.Key
	})
	if max > 0 && len(ds) > max {
		ds = ds[:max]
	}
	out := make([]Article, len(ds))
	for i, d := range ds {
		out[i] = d.a
	}
	return out
}
