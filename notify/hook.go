package notify

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"wxarchive/events"
)

// Hook is what a pipeline pass calls: Record for operational events while
// it runs, Sync at its end under the archive lock to turn the pass's
// captures into events and queue them, and Deliver once the lock is
// released (a webhook that is down must not keep the archive locked).
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

// Sync syncs the event log with the captures and queues the pass's events
// for every destination. The caller holds the archive lock. start is when
// the pass began.
func (h *Hook) Sync(start time.Time) (events.PassReport, error) {
	var enqueue func([]events.Event) error
	if h.sending() {
		enqueue = h.Notifier.Enqueue
	}
	s, err := events.Sync(h.Store, start, enqueue)
	return events.PassReport{Produced: len(s.Pass)}, err
}

// Deliver sends the outbox; it needs no archive lock.
func (h *Hook) Deliver(ctx context.Context) (events.PassReport, error) {
	if !h.sending() {
		return events.PassReport{}, nil
	}
	d, err := h.Notifier.Deliver(ctx)
	return events.PassReport{Delivered: d.Delivered, Pending: d.Pending}, err
}

// AfterPass is Sync then Deliver, for a caller that holds the lock
// throughout (tests, tools).
func (h *Hook) AfterPass(ctx context.Context, start time.Time) (events.PassReport, error) {
	rep, err := h.Sync(start)
	if !h.sending() {
		return rep, err
	}
	d, derr := h.Deliver(ctx)
	rep.Delivered, rep.Pending = d.Delivered, d.Pending
	if err == nil {
		err = derr
	}
	return rep, err
}

func (h *Hook) sending() bool { return h.Notifier != nil && len(h.Notifier.Dests) > 0 }

// FileLock is a Notifier.Lock over a lock file (flock, released with the
// process), for processes sharing one archive's outbox.
func FileLock(path string) func() (func(), error) {
	return func() (func(), error) {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("flock %s: %w", path, err)
		}
		return func() { f.Close() }, nil // closing releases the flock
	}
}
