package pipeline

import (
	"context"
	"testing"
	"time"

	"wxarchive/fetcher"
	"wxarchive/model"
)

// stopIngester simulates a signal during its first capture and reports
// what the capture's context did.
type stopIngester struct {
	signal       func()
	calls        int
	doneAtStop   bool // the capture context was cancelled by the signal itself
	stopping     bool // fetcher.Stopping saw the signal
	endedInGrace bool // and it ended after the grace
}

func (s *stopIngester) Ingest(ctx context.Context, u string) Result {
	s.calls++
	s.signal()
	s.doneAtStop = ctx.Err() != nil
	s.stopping = fetcher.Stopping(ctx)
	select {
	case <-ctx.Done():
		s.endedInGrace = true
	case <-time.After(10 * time.Second): // a hang, not a timing assertion
	}
	l, _ := model.ParseLink(u)
	return Result{Key: l.Key(), Outcome: model.OutcomeCreated}
}

// TestStopDuringCapture: at a signal the capture in flight is not cut at
// once: it sees the stop (so it starts no new request), has the grace to
// finish, and is recorded; no other capture starts (issue 10 §16).
func TestStopDuringCapture(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\"]}\n"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ing := &stopIngester{signal: cancel}
	e.p.Ingester = ing
	e.p.Grace = 20 * time.Millisecond
	s := e.run(ctx)
	if ing.doneAtStop || !ing.stopping || !ing.endedInGrace {
		t.Errorf("capture context: cancelled at the signal %v, saw the stop %v, ended after the grace %v",
			ing.doneAtStop, ing.stopping, ing.endedInGrace)
	}
	if ing.calls != 1 || !s.Interrupted || s.Created != 1 || s.Queued != 1 {
		t.Errorf("%d captures, summary %s", ing.calls, s)
	}
}
