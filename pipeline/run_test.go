package pipeline

import (
	"context"
	"testing"
	"time"

	"wxarchive/model"
)

func TestFollowDepthAndCap(t *testing.T) {
	tests := []struct {
		name    string
		follow  string
		want    []model.Key // archived after one run
		queued  int
		follows int
	}{
		{"off", "{depth: 0}", []model.Key{key(bizA, 1)}, 0, 0},
		{"depth 1", "{depth: 1}", []model.Key{key(bizA, 1), key(bizA, 2), key(bizB, 3)}, 0, 2},
		{"depth 2", "{depth: 2}", []model.Key{key(bizA, 1), key(bizA, 2), key(bizA, 4), key(bizB, 3)}, 0, 3},
		{"same account", "{depth: 2, same_account: true}", []model.Key{key(bizA, 1), key(bizA, 2), key(bizA, 4)}, 0, 2},
		{"cap", "{depth: 2, max_per_run: 1}", []model.Key{key(bizA, 1), key(bizA, 2)}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\nfollow: "+tt.follow+"\n"))
			e.ing.pages[key(bizA, 1)] = page{outcome: model.OutcomeCreated, related: []string{art(bizA, 2), art(bizB, 3)}}
			e.ing.pages[key(bizA, 2)] = page{outcome: model.OutcomeCreated, related: []string{art(bizA, 4), art(bizA, 1)}}
			e.ing.pages[key(bizA, 4)] = page{outcome: model.OutcomeCreated, related: []string{art(bizA, 5)}} // depth 3: not followed
			s := e.run(context.Background())
			got, _ := e.store.Articles()
			if len(got) != len(tt.want) {
				t.Fatalf("archived %d articles, want %v (%s)", len(got), tt.want, s)
			}
			for i, a := range got {
				if a.Key != tt.want[i] {
					t.Errorf("archived[%d] = %s, want %s", i, a.Key, tt.want[i])
				}
			}
			if s.Queued != tt.queued || s.Discovered != 1+tt.follows {
				t.Errorf("summary %s, want queued=%d discovered=%d", s, tt.queued, 1+tt.follows)
			}
		})
	}
}

func TestFollowFromArchive(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "follow: {depth: 1}\n"))
	// An article ingested by hand (depth 0) whose related post is missing.
	e.store.articles[key(bizA, 1)] = Article{Key: key(bizA, 1), URL: art(bizA, 1), Biz: bizA,
		State: model.StateArticle, Related: []model.Related{{URL: art(bizA, 2)}}}
	e.ing.pages[key(bizA, 2)] = page{outcome: model.OutcomeCreated, related: []string{art(bizA, 3)}}
	s := e.run(context.Background())
	if s.Created != 1 || len(e.ing.calls) != 1 || e.ing.calls[0] != art(bizA, 2) {
		t.Fatalf("%s, calls %q", s, e.ing.calls)
	}
	if d := e.queue().Depths[key(bizA, 2)]; d != 1 {
		t.Errorf("depth of followed article = %d, want 1", d)
	}
	// The next run does not follow art 2's related post (depth 2 > 1).
	if s := e.run(context.Background()); s.Discovered != 0 {
		t.Errorf("second run: %s", s)
	}
}

func TestQueueSurvivesStop(t *testing.T) {
	urls := ""
	for i := 1; i <= 5; i++ {
		urls += "\"" + art(bizA, i) + "\", "
	}
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: ["+urls+"]}\n"))
	ctx, cancel := context.WithCancel(context.Background())
	e.ing.after = func(n int) {
		if n == 2 {
			cancel() // a signal while the second article is being captured
		}
	}
	s := e.run(ctx)
	if !s.Interrupted || s.Created != 2 || s.Queued != 3 {
		t.Fatalf("interrupted run: %s", s)
	}
	q := e.queue()
	if len(q.Items) != 3 || q.Items[0].Key != key(bizA, 3) || q.Items[0].Origin != "urls" {
		t.Fatalf("queue after stop: %+v", q.Items)
	}
	// The next run resumes with the rest; nothing is captured twice.
	e.ing.after, e.ing.calls = nil, nil
	s = e.run(context.Background())
	if s.Created != 3 || s.Queued != 0 || len(e.ing.calls) != 3 || e.ing.calls[0] != art(bizA, 3) {
		t.Fatalf("resumed run: %s, calls %q", s, e.ing.calls)
	}
}

func TestCoolingDownStopsHost(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\", \""+art(bizA, 3)+"\"]}\n"))
	e.ing.pages[key(bizA, 2)] = page{outcome: model.OutcomeBlocked}
	s := e.run(context.Background())
	if s.Created != 1 || s.Blocked != 1 || s.Skipped != 1 || s.Fetched != 2 || s.Queued != 2 {
		t.Fatalf("%s", s)
	}
	// Next run: the host refuses before fetching (cooling down): nothing lost.
	e.ing.pages[key(bizA, 2)] = page{cooling: true}
	e.ing.calls = nil
	s = e.run(context.Background())
	if s.Fetched != 0 || s.Skipped != 2 || s.Queued != 2 || len(e.ing.calls) != 1 {
		t.Fatalf("%s, calls %q", s, e.ing.calls)
	}
	if q := e.queue(); q.Items[0].Attempts != 0 {
		t.Errorf("cool-down counted as a failure: %+v", q.Items[0])
	}
}

func TestFailedItemsDropped(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\nqueue: {max_attempts: 2}\n"))
	e.ing.pages[key(bizA, 1)] = page{outcome: model.OutcomeFailed}
	if s := e.run(context.Background()); s.Failed != 1 || s.Queued != 1 || s.Dropped != 0 {
		t.Fatalf("first: %s", s)
	}
	if s := e.run(context.Background()); s.Failed != 1 || s.Queued != 0 || s.Dropped != 1 {
		t.Fatalf("second: %s", s)
	}
	// A source still lists it: it is not queued again.
	if s := e.run(context.Background()); s.Discovered != 0 || s.Fetched != 0 {
		t.Fatalf("third: %s", s)
	}
	if _, ok := e.queue().Dropped[key(bizA, 1)]; !ok {
		t.Error("dropped article not remembered")
	}
}

func TestQueueMaxPerRun(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\", \""+art(bizA, 3)+"\"]}\nqueue: {max_per_run: 2}\n"))
	if s := e.run(context.Background()); s.Fetched != 2 || s.Queued != 1 {
		t.Fatalf("%s", s)
	}
}

func TestLockHeldForPass(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\n"))
	locked := false
	e.p.Lock = func() (func(), error) { locked = true; return func() { locked = false }, nil }
	e.ing.after = func(int) {
		if !locked {
			t.Error("captured without the archive lock")
		}
	}
	e.run(context.Background())
	if locked {
		t.Error("lock not released after the pass")
	}
}

func TestQueueMaxPerAccount(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\", \""+art(bizA, 2)+"\", \""+art(bizB, 3)+"\", \""+art(bizA, 4)+"\"]}\n"+
		"queue: {max_per_account: 2}\nrecheck: {after: [1h]}\n"))
	if s := e.run(context.Background()); s.Fetched != 3 || s.Queued != 1 {
		t.Fatalf("first pass: %s", s)
	}
	if q := e.queue(); len(q.Items) != 1 || q.Items[0].Key != key(bizA, 4) {
		t.Fatalf("queue: %+v", q.Items)
	}
	// Next pass: the queued article of bizA and rechecks share bizA's cap.
	e.clk.Add(2 * time.Hour)
	s := e.run(context.Background())
	var a int
	for _, u := range e.ing.calls[3:] {
		if bizOf(u) == bizA {
			a++
		}
	}
	if a != 2 || s.Queued != 0 {
		t.Errorf("second pass fetched %d of bizA (%q), %s", a, e.ing.calls[3:], s)
	}
}
