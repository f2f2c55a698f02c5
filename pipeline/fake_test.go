package pipeline

import (
	"context"
	"io/fs"
	"sort"
	"strconv"
	"sync"
	"time"

	"wxarchive/model"
)

// memStore is an in-memory Store.
type memStore struct {
	mu       sync.Mutex
	articles map[model.Key]Article
	state    map[string][]byte
	logs     map[string][]string
}

func newMemStore() *memStore {
	return &memStore{articles: map[model.Key]Article{}, state: map[string][]byte{}, logs: map[string][]string{}}
}

func (s *memStore) Articles() ([]Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Article
	for _, a := range s.articles {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *memStore) ReadState(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.state[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return append([]byte(nil), d...), nil
}

func (s *memStore) WriteState(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[name] = append([]byte(nil), data...)
	return nil
}

func (s *memStore) ReadLog(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, ok := s.logs[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	var b []byte
	for _, l := range lines {
		b = append(b, l...)
		if len(l) == 0 || l[len(l)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	return b, nil
}

func (s *memStore) AppendLog(name string, line []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs[name] = append(s.logs[name], string(line))
	return nil
}

// page is what the fake WeChat returns for one article.
type page struct {
	outcome model.Outcome
	related []string
	cooling bool
}

// fakeIngester plays WeChat and the archive: it records captures in store.
type fakeIngester struct {
	store *memStore
	now   func() time.Time
	pages map[model.Key]page // missing: created, no related
	calls []string
	// after is called after each capture (to cancel the context mid-run).
	after func(n int)
}

func (f *fakeIngester) Ingest(ctx context.Context, u string) Result {
	if ctx.Err() != nil {
		return Result{Outcome: model.OutcomeFailed, Err: ctx.Err()}
	}
	f.calls = append(f.calls, u)
	defer func() {
		if f.after != nil {
			f.after(len(f.calls))
		}
	}()
	l, err := model.ParseLink(u)
	if err != nil {
		return Result{Outcome: model.OutcomeFailed, Err: err}
	}
	k := l.Key()
	pg, ok := f.pages[k]
	if !ok {
		pg = page{outcome: model.OutcomeCreated}
	}
	if pg.cooling {
		return Result{CoolingDown: true, Err: context.DeadlineExceeded}
	}
	r := Result{Key: k, Outcome: pg.outcome, Biz: l.ID.Biz}
	for _, rel := range pg.related {
		r.Related = append(r.Related, model.Related{URL: rel})
	}
	switch pg.outcome {
	case model.OutcomeFailed, model.OutcomeBlocked:
		return r
	}
	f.store.mu.Lock()
	a, had := f.store.articles[k]
	a.Key, a.URL, a.Biz, a.Related, a.LastCapture = k, l.Canon, l.ID.Biz, r.Related, f.now()
	if !had {
		a.Published = f.now().Add(-time.Minute)
		a.State = model.StateArticle
	} else if r.Outcome == model.OutcomeCreated {
		r.Outcome = model.OutcomeUnchanged
	}
	if pg.outcome == model.OutcomeDeleted {
		a.State = model.StateDeleted
	}
	f.store.articles[k] = a
	f.store.mu.Unlock()
	return r
}

// art is the canonical URL of test article n of account biz.
func art(biz string, n int) string {
	return (model.ID{Biz: biz, Mid: "100" + strconv.Itoa(n), Idx: "1", Sn: "s" + strconv.Itoa(n)}).URL()
}

func key(biz string, n int) model.Key {
	return (model.ID{Biz: biz, Mid: "100" + strconv.Itoa(n), Idx: "1"}).Key()
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
