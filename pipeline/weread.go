package pipeline

import (
	"context"

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

func (w wereadLister) Login() string {
	c := w.c.Cookie()
	if c.IsZero() {
		return ""
	}
	return c.Fingerprint()
}
