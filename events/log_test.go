package events

import (
	"errors"
	"slices"
	"testing"
	"time"

	"wxarchive/model"
)

func logIDs(t *testing.T, a *testArchive) []string {
	t.Helper()
	b, err := readLog(a)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range parseLog(b) {
		out = append(out, ev.ID)
	}
	return out
}

func eventIDs(evs []Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

func TestSyncHandsOutEachEventOnce(t *testing.T) {
	a := newArchive(t)
	a.capture(page(t, articlePage), "", day0)

	// First sync of an archive: its history is logged, not handed out.
	start := day0.Add(time.Hour)
	var got []Event
	enqueue := func(evs []Event) error { got = append(got, evs...); return nil }
	s, err := Sync(a, start, enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Logged) != 1 || len(s.Pass) != 0 || len(got) != 0 {
		t.Fatalf("first sync: logged %d, pass %d, enqueued %d; want 1, 0, 0", len(s.Logged), len(s.Pass), len(got))
	}

	// A pass: an edit and a block.
	a.capture(editedPage(t), "", day0.Add(2*time.Hour))
	if _, fresh, err := Record(a, Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", Reason: "verify", At: day0.Add(3 * time.Hour)}); err != nil || !fresh {
		t.Fatal(fresh, err)
	}
	s, err = Sync(a, day0.Add(2*time.Hour), enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(s.Pass); !slices.Equal(k, []Kind{model.EventEdited, model.EventBlocked}) {
		t.Fatalf("pass %v", k)
	}
	// Nothing new: nothing handed out.
	s, err = Sync(a, day0.Add(4*time.Hour), enqueue)
	if err != nil || len(s.Pass) != 0 || len(s.Logged) != 0 {
		t.Fatalf("idle sync: %+v %v", s, err)
	}
	if len(got) != 2 {
		t.Fatalf("enqueued %d, want 2", len(got))
	}

	// The log holds each event once, and Load gives the same.
	ids := logIDs(t, a)
	if len(ids) != 3 {
		t.Fatalf("log holds %d events, want 3", len(ids))
	}
	all, err := Load(a)
	loaded := eventIDs(all)
	slices.Sort(loaded)
	slices.Sort(ids)
	if err != nil || !slices.Equal(loaded, ids) {
		t.Fatalf("load %v %v, log %v", loaded, err, ids)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Time.Before(all[i-1].Time) {
			t.Errorf("Load not in time order: %v", kinds(all))
		}
	}
}

// TestSyncEnqueueFailureHandsOutAgain: when the outbox cannot take the
// events, they are not marked synced and the next sync hands them out.
func TestSyncEnqueueFailureHandsOutAgain(t *testing.T) {
	a := newArchive(t)
	if _, err := Sync(a, day0, nil); err != nil {
		t.Fatal(err)
	}
	a.capture(page(t, articlePage), "", day0.Add(time.Hour))
	if _, err := Sync(a, day0, func([]Event) error { return errors.New("disk full") }); err == nil {
		t.Fatal("enqueue error not returned")
	}
	s, err := Sync(a, day0, nil)
	if err != nil || !slices.Equal(kinds(s.Pass), []Kind{model.EventNew}) {
		t.Fatalf("retry: %v %v", kinds(s.Pass), err)
	}
}

func TestLoadSeesUnsyncedCaptures(t *testing.T) {
	a := newArchive(t)
	r := a.capture(page(t, articlePage), "", day0)
	if _, err := Sync(a, day0, nil); err != nil {
		t.Fatal(err)
	}
	a.capture(page(t, "exporter-deleted-zh.html"), a.url(r.Key), day0.Add(time.Hour))
	all, err := Load(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(all); !slices.Equal(got, []Kind{model.EventNew, model.EventDeleted}) {
		t.Fatalf("load %v", got)
	}
	if len(logIDs(t, a)) != 1 {
		t.Error("Load wrote to the log")
	}
}

func TestRecordOncePerCooldown(t *testing.T) {
	a := newArchive(t)
	op := Op{Kind: model.EventLoginExpired, Subject: "weread:alice", Reason: "errcode -2012", At: day0, Once: "login-1"}
	ev, fresh, err := Record(a, op)
	if err != nil || !fresh {
		t.Fatal(fresh, err)
	}
	op.At = day0.Add(time.Hour) // the next pass sees the same expired login
	if ev2, fresh, err := Record(a, op); err != nil || fresh || ev2.ID != ev.ID {
		t.Fatalf("second record of the same login: fresh %v id %s/%s %v", fresh, ev2.ID, ev.ID, err)
	}
	op.Once = "login-2"
	if _, fresh, _ := Record(a, op); !fresh {
		t.Error("a new login's expiry not recorded")
	}
	if _, _, err := Record(a, Op{Kind: model.EventEdited}); err == nil {
		t.Error("an article kind was recorded as operational")
	}
	if n := len(logIDs(t, a)); n != 2 {
		t.Errorf("log holds %d, want 2", n)
	}
}

func TestRebuildGivesTheSameLog(t *testing.T) {
	a := newArchive(t)
	r := a.capture(page(t, articlePage), "", day0)
	a.capture(editedPage(t), "", day0.Add(time.Hour))
	a.capture(page(t, "exporter-violation-01.html"), a.url(r.Key), day0.Add(2*time.Hour))
	if _, _, err := Record(a, Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", At: day0.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := Sync(a, day0, nil); err != nil {
		t.Fatal(err)
	}
	before := logIDs(t, a)
	if err := a.ReplaceLog(LogName, []byte("{\"id\":\"torn")); err != nil {
		t.Fatal(err)
	}
	n, err := Rebuild(a)
	if err != nil || n != 3 {
		// The blocked event was lost with the log: only derivable ones return.
		t.Fatalf("rebuild: %d %v", n, err)
	}
	after := logIDs(t, a)
	for _, id := range after {
		if !slices.Contains(before, id) {
			t.Errorf("rebuilt id %s was not in the log before", id)
		}
	}
	// With the log intact, the operational event is kept.
	if _, _, err := Record(a, Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", At: day0.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if n, err := Rebuild(a); err != nil || n != 4 {
		t.Fatalf("rebuild with the log: %d %v", n, err)
	}
	// What was synced stays synced: no article event is handed out again;
	// the block recorded after the last sync (the log had lost it) is
	// handed out by the next sync, with its id of before.
	s, err := Sync(a, day0, nil)
	if err != nil || !slices.Equal(kinds(s.Pass), []Kind{model.EventBlocked}) || !slices.Contains(before, s.Pass[0].ID) {
		t.Fatalf("sync after rebuild: %v %v", kinds(s.Pass), err)
	}
	if s, err := Sync(a, day0, nil); err != nil || len(s.Pass) != 0 {
		t.Fatalf("second sync after rebuild: %v %v", kinds(s.Pass), err)
	}
}

func TestSyncRepairsATornLine(t *testing.T) {
	a := newArchive(t)
	if _, err := Sync(a, day0, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.ReplaceLog(LogName, []byte(`{"id":"x","kind":"ne`)); err != nil {
		t.Fatal(err)
	}
	a.capture(page(t, articlePage), "", day0.Add(time.Hour))
	s, err := Sync(a, day0, nil)
	if err != nil || len(s.Logged) != 1 {
		t.Fatalf("%+v %v", s, err)
	}
	if ids := logIDs(t, a); len(ids) != 1 || ids[0] != s.Logged[0].ID {
		t.Fatalf("log after repair: %v", ids)
	}
}

// TestRebuildKeepsUndeliveredEvents: a rebuild between two passes (reindex,
// changes --rebuild) does not swallow the events of the captures made since
// the last sync, nor the operational events recorded since: the next sync
// still hands them out, once.
func TestRebuildKeepsUndeliveredEvents(t *testing.T) {
	a := newArchive(t)
	r := a.capture(page(t, articlePage), "", day0)
	if _, err := Sync(a, day0, nil); err != nil {
		t.Fatal(err)
	}
	// Between passes: an edit ingested by hand, a block recorded.
	a.capture(editedPage(t), "", day0.Add(time.Hour))
	if _, _, err := Record(a, Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", At: day0.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if n, err := Rebuild(a); err != nil || n != 3 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	s, err := Sync(a, day0.Add(2*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(s.Pass); !slices.Equal(k, []Kind{model.EventEdited, model.EventBlocked}) {
		t.Fatalf("sync after rebuild hands out %v, want [edited blocked]", k)
	}
	// Handed out now: a second rebuild and sync hand out nothing more,
	// and the log holds each event once.
	a.capture(page(t, "exporter-violation-01.html"), a.url(r.Key), day0.Add(3*time.Hour))
	if _, err := Rebuild(a); err != nil {
		t.Fatal(err)
	}
	if _, err := Rebuild(a); err != nil {
		t.Fatal(err)
	}
	s, err = Sync(a, day0.Add(4*time.Hour), nil)
	if err != nil || !slices.Equal(kinds(s.Pass), []Kind{model.EventViolation}) {
		t.Fatalf("sync after two rebuilds: %v %v, want [violation]", kinds(s.Pass), err)
	}
	if s, err := Sync(a, day0.Add(5*time.Hour), nil); err != nil || len(s.Pass) != 0 {
		t.Fatalf("idle sync: %v %v", kinds(s.Pass), err)
	}
	ids := logIDs(t, a)
	if len(ids) != 4 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 4 {
		t.Errorf("log holds %v, want 4 distinct events", ids)
	}
}
