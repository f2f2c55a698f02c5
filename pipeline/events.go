package pipeline

import (
	"context"
	"time"

	"wxarchive/events"
	"wxarchive/model"
)

// EventLog is the archive log the events are kept in (events.LogName).
const EventLog = events.LogName

// Events is where a pass reports what captures do not carry (a host
// starting to cool down; a source's expired login) and, at its end, turns
// its captures into change events and delivers them (notify.Hook).
type Events interface {
	Record(op events.Op) error
	// Sync turns the pass's captures into events and queues them for
	// delivery; called under the archive lock. Produced counts them.
	Sync(started time.Time) (events.PassReport, error)
	// Deliver sends what is queued; called after the archive lock is
	// released. Delivered and Pending count.
	Deliver(ctx context.Context) (events.PassReport, error)
}

// record reports an operational event of this pass (model.EventBlocked,
// model.EventLoginExpired); a failure is logged and counted, never fatal.
// A source whose login expired calls
//
//	ps.record(events.Op{Kind: model.EventLoginExpired, Subject: account, Reason: "errcode -2012", Once: loginID})
//
// (Once: one event per expired login, however many passes see it).
func (ps *pass) record(op events.Op) {
	if op.At.IsZero() {
		op.At = ps.p.now()
	}
	var err error
	if ps.p.Events != nil {
		err = ps.p.Events.Record(op)
	} else {
		// No hook: kept in the log all the same (once, a torn last line
		// ended first), handed out by the next sync.
		_, _, err = events.Record(ps.p.Store, op)
	}
	if err != nil {
		ps.sum.EventErrs++
		ps.log.Error("pipeline: record event", "kind", op.Kind, "err", err)
	}
}

// blocked records that host refused us: called once per cool-down, when a
// capture (not a skip) comes back blocked.
func (ps *pass) blocked(host string) {
	ps.record(events.Op{Kind: model.EventBlocked, Subject: host, Reason: "verification or rate-limit page"})
}

// syncEvents turns the pass's captures into events and queues them: under
// the lock.
func (ps *pass) syncEvents(start time.Time) {
	if ps.p.Events == nil {
		return
	}
	rep, err := ps.p.Events.Sync(start)
	ps.sum.Events = rep.Produced
	if err != nil {
		ps.sum.EventErrs++
		ps.log.Error("pipeline: events", "err", err)
	}
}

// deliverEvents delivers the queued events: after the lock is released, so
// a destination that is down does not keep the archive locked.
func (ps *pass) deliverEvents(ctx context.Context) {
	if ps.p.Events == nil {
		return
	}
	rep, err := ps.p.Events.Deliver(ctx)
	ps.sum.Delivered, ps.sum.Undelivered = rep.Delivered, rep.Pending
	if err != nil {
		ps.sum.EventErrs++
		ps.log.Error("pipeline: deliver events", "err", err)
	}
}
