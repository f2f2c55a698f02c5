package notify

import (
	"context"
	"time"

	"wxarchive/events"
)

// Hook is what a pipeline pass calls: Record for operational events while
// it runs, AfterPass at its end (under the archive lock) to turn the pass's
// captures into events and deliver them.
type Hook struct {
	Store    events.Store
	Notifier *Notifier // nil or without destinations: events are kept, not sent
}

// Record appends an operational event (blocked, login_expired) to the log;
// it is delivered after the pass.
func (h *Hook) Record(op events.Op) error {
	_, _, err := events.Record(h.Store, op)
	return err
}

// AfterPass syncs the event log with the captures, queues the pass's events
// for every destination, and delivers the outbox. start is when the pass
// began.
func (h *Hook) AfterPass(ctx context.Context, start time.Time) (events.PassReport, error) {
	var enqueue func([]events.Event) error
	if h.Notifier != nil && len(h.Notifier.Dests) > 0 {
		enqueue = h.Notifier.Enqueue
	}
	s, err := events.Sync(h.Store, start, enqueue)
	rep := events.PassReport{Produced: len(s.Pass)}
	if h.Notifier == nil || len(h.Notifier.Dests) == 0 {
		return rep, err
	}
	d, derr := h.Notifier.Deliver(ctx)
	rep.Delivered, rep.Pending = d.Delivered, d.Pending
	if err == nil {
		err = derr
	}
	return rep, err
}
