package pipeline

import (
	"context"
	"sync"
	"time"

	"wxarchive/discover/weread"
)

// WeReadLister is the AccountLister of a WeRead client.
func WeReadLister(c *weread.Client) AccountLister { return wereadLister{c} }

type wereadLister struct{ c *weread.Client }

func (w wereadLister) ListAccount(ctx context.Context, biz string, offset int) (AccountPage, error) {
	p, err := w.c.List(ctx, biz, offset)
	if err != nil {
		return AccountPage{}, err
	}
	out := AccountPage{Entries: p.Entries, Articles: make([]Listed, len(p.Articles))}
	for i, a := range p.Articles {
		out.Articles[i] = Listed{URL: a.URL, Entry: a.Entry,
			Hint: Hint{Title: a.Title, Published: a.Published, Cover: a.Cover, Digest: a.Digest}}
	}
	return out, nil
}

func (w wereadLister) Login() string { return w.c.LoginID() }

// LiveLister is the AccountLister of a long-running daemon: it makes the
// WeRead client again from the login stored now (at most every Every: a
// pass lists several pages in a row), so a new `login weread` is used
// without a restart. The client is kept while the login is the same
// (cookies the server renewed stay in it).
type LiveLister struct {
	// New is the client of the login stored now (a zero login when none,
	// with weread.Options.LoginErr when it cannot be read).
	New   func() *weread.Client
	Every time.Duration    // 0: 10s
	Now   func() time.Time // nil: time.Now

	mu   sync.Mutex
	c    *weread.Client
	last time.Time
}

var _ AccountLister = (*LiveLister)(nil)

func (l *LiveLister) client() *weread.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	every := l.Every
	if every <= 0 {
		every = 10 * time.Second
	}
	if l.c != nil && now().Sub(l.last) < every {
		return l.c
	}
	next := l.New()
	if l.c == nil || next.Cookie().IsZero() || l.c.Cookie().IsZero() || !next.Cookie().SameLogin(l.c.Cookie()) {
		l.c = next
	}
	l.last = now()
	return l.c
}

func (l *LiveLister) ListAccount(ctx context.Context, biz string, offset int) (AccountPage, error) {
	return WeReadLister(l.client()).ListAccount(ctx, biz, offset)
}

func (l *LiveLister) Login() string { return WeReadLister(l.client()).Login() }
