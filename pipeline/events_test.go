package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"wxarchive/events"
	"wxarchive/model"
)

// fakeEvents records what the pass tells it.
type fakeEvents struct {
	ops     []events.Op
	passes  []time.Time
	report  events.PassReport
	err     error
	recErr  error
	lockedN int // Sync calls made while the pass held the lock
	// deliveredLocked counts Deliver calls made while it held it (none
	// may be); delivers counts them all.
	deliveredLocked, delivers int
	locked                    *bool
}

func (f *fakeEvents) Record(op events.Op) error {
	f.ops = append(f.ops, op)
	return f.recErr
}

func (f *fakeEvents) Sync(start time.Time) (events.PassReport, error) {
	f.passes = append(f.passes, start)
	if f.locked != nil && *f.locked {
		f.lockedN++
	}
	return events.PassReport{Produced: f.report.Produced}, f.err
}

func (f *fakeEvents) Deliver(ctx context.Context) (events.PassReport, error) {
	f.delivers++
	if f.locked != nil && *f.locked {
		f.deliveredLocked++
	}
	return events.PassReport{Delivered: f.report.Delivered, Pending: f.report.Pending}, nil
}

func TestPassEvents(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\", \""+art(bizA, 3)+"\"]}\n"))
	locked := false
	e.p.Lock = func() (func(), error) { locked = true; return func() { locked = false }, nil }
	ev := &fakeEvents{report: events.PassReport{Produced: 2, Delivered: 1, Pending: 1}, locked: &locked}
	e.p.Events = ev
	reloads := 0
	e.p.Reload = func() {
		if !locked {
			t.Error("Reload called without the lock")
		}
		reloads++
	}
	// The second page is a verification page: the host cools down, the
	// third is not fetched.
	e.ing.pages[key(bizA, 2)] = page{outcome: model.OutcomeBlocked}
	start := e.clk.Now()
	s := e.run(context.Background())
	if len(ev.passes) != 1 || !ev.passes[0].Equal(start) || ev.lockedN != 1 {
		t.Fatalf("Sync calls %v (under the lock: %d), want one at %s", ev.passes, ev.lockedN, start)
	}
	// Delivery waits on webhooks: never under the archive lock.
	if ev.delivers != 1 || ev.deliveredLocked != 0 {
		t.Fatalf("Deliver calls %d, %d of them under the lock", ev.delivers, ev.deliveredLocked)
	}
	if reloads != 1 {
		t.Errorf("state reloaded %d times in a pass, want once", reloads)
	}
	if len(ev.ops) != 1 || ev.ops[0].Kind != model.EventBlocked || ev.ops[0].Subject != "mp.weixin.qq.com" || ev.ops[0].At.IsZero() {
		t.Fatalf("recorded %+v, want one blocked event for mp.weixin.qq.com", ev.ops)
	}
	if s.Events != 2 || s.Delivered != 1 || s.Undelivered != 1 || s.EventErrs != 0 {
		t.Errorf("summary %+v", s)
	}
	if str := s.String(); !strings.Contains(str, " events=2 delivered=1 ") || !strings.Contains(str, "undelivered=1") {
		t.Errorf("summary line %q", str)
	}
	if !strings.Contains(string(s.JSON()), `"events":2,"delivered":1,"undelivered":1`) {
		t.Errorf("summary JSON %s", s.JSON())
	}

	// Next pass: the host is still cooling down (a skip is no new block),
	// and the events fail.
	e.ing.pages[key(bizA, 2)] = page{cooling: true}
	ev.ops, ev.err, ev.report = nil, errors.New("events: read log: disk"), events.PassReport{}
	s = e.run(context.Background())
	if len(ev.ops) != 0 {
		t.Errorf("a cooling-down skip recorded %+v", ev.ops)
	}
	if s.EventErrs != 1 || !strings.Contains(s.String(), "event_errors=1") {
		t.Errorf("summary %s", s)
	}
}

func TestPassWithoutEvents(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\n"))
	e.ing.pages[key(bizA, 1)] = page{outcome: model.OutcomeBlocked}
	s := e.run(context.Background())
	if s.Events != 0 || s.EventErrs != 0 || !strings.Contains(s.String(), " events=0 delivered=0 ") {
		t.Errorf("%s", s)
	}
}
