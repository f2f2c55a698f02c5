package pipeline

import (
	"context"
	"encoding/json"
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
	AfterPass(ctx context.Context, started time.Time) (events.PassReport, error)
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
		// No hook: kept in the log all the same, handed out by the next
		// sync.
		var line []byte
		if line, err = json.Marshal(events.Operational(op)); err == nil {
			err = ps.p.Store.AppendLog(EventLog, line)
		}
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

// afterPass turns the pass's captures into events and delivers them.
func (ps *pass) afterPass(ctx context.Context, start time.Time) {
	if ps.p.Events == nil {
		return
	}
	rep, err := ps.p.Events.AfterPass(ctx, start)
	ps.sum.Events, ps.sum.Delivered, ps.sum.Undelivered = rep.Produced, rep.Delivered, rep.Pending
	if err != nil {
		ps.sum.EventErrs++
		ps.log.Error("pipeline: events", "err", err)
	}
}
