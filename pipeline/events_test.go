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
	lockedN int // AfterPass calls made while the pass held the lock
	locked  *bool
}

func (f *fakeEvents) Record(op events.Op) error {
	f.ops = append(f.ops, op)
	return f.recErr
}

func (f *fakeEvents) AfterPass(ctx context.Context, start time.Time) (events.PassReport, error) {
	f.passes = append(f.passes, start)
	if f.locked != nil && *f.locked {
		f.lockedN++
	}
	return f.report, f.err
}

func TestPassEvents(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\", \""+art(bizA, 3)+"\"]}\n"))
	locked := false
	e.p.Lock = func() (func(), error) { locked = true; return func() { locked = false }, nil }
	ev := &fakeEvents{report: events.PassReport{Produced: 2, Delivered: 1, Pending: 1}, locked: &locked}
	e.p.Events = ev
	// The second page is a verification page: the host cools down, the
	// third is not fetched.
	e.ing.pages[key(bizA, 2)] = page{outcome: model.OutcomeBlocked}
	start := e.clk.Now()
	s := e.run(context.Background())
	if len(ev.passes) != 1 || !ev.passes[0].Equal(start) || ev.lockedN != 1 {
		t.Fatalf("AfterPass calls %v (under the lock: %d), want one at %s", ev.passes, ev.lockedN, start)
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
