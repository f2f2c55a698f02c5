package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"wxarchive/config"
	"wxarchive/events"
	"wxarchive/model"
)

// MaxListingPages bounds the listing pages one followed account costs in
// one pass: the new-post check first, then the backfill.
const MaxListingPages = 3

// AccountLister lists a followed account's articles, newest first, through
// the user's WeRead login (see discover/weread and WeReadLister).
//
// Its errors tell the pass what to do through methods, checked with
// errors.As: NotSent() bool (no request went out: not counted as a
// listing), LoginMissing() bool (no login stored; LoginProblem() string
// says why a stored one cannot be used), LoginExpired() bool
// (the login was refused: stop for this pass, tell the user, record a
// login_expired event), Blocked() (time.Time, bool) (risk control, a day
// block, a cool-down or the daily cap: stop for this pass). Any other error
// fails that account only.
type AccountLister interface {
	// ListAccount reads the listing page of account biz after offset
	// top-level entries.
	ListAccount(ctx context.Context, biz string, offset int) (AccountPage, error)
	// Login names the login in use without revealing it ("" when none),
	// so that a login known to be expired is not sent again.
	Login() string
}

// AccountPage is one listing page.
type AccountPage struct {
	Articles []Listed
	Entries  int // top-level entries: what the offset counts; 0 is the end
}

// Listed is one article of a listing, with the hints it gives.
type Listed struct {
	URL string
	Hint
	Entry int // index of its top-level entry in the page
}

// Hint is what an account listing says of an article, kept in the queue
// until the article itself is captured, then handed to the archive
// (HintIngester).
type Hint = model.Hint

// earliestPublished is before any official account published.
var earliestPublished = time.Date(2012, 1, 1, 0, 0, 0, 0, model.ChinaTime)

// saneHint drops what a hostile listing could put in a hint that the
// queue cannot keep: a publication time outside 2012 … now+2 days (a year
// 55000 makes queue.json unwritable and would stop every pass).
func saneHint(h Hint, now time.Time) Hint {
	if t := h.Published; !t.IsZero() && (t.Before(earliestPublished) || t.After(now.Add(48*time.Hour))) {
		h.Published = time.Time{}
	}
	return h
}

// AccountCursor is where a followed account's listing stands.
type AccountCursor struct {
	// Offset is the entry the backfill reads next, counted from the top
	// as it was when last read; new posts move it down.
	Offset int `json:"offset"`
	// Gaps are runs of new posts not read yet, newest first: more were
	// published between two passes than a pass reads. Each burst that
	// overflows a pass opens its own gap.
	Gaps []Gap `json:"gaps,omitempty"`
	// Gap is the single gap offset of queues written before Gaps; read
	// once into Gaps.
	Gap int `json:"gap,omitempty"`
	// Done: the backfill reached the end of the listing or since.
	Done bool `json:"done,omitempty"`
	// Baseline: the account was first listed for new posts only (its
	// newest article marked, nothing queued). The backfill has not run
	// then; it starts if backfill is turned on later.
	Baseline bool `json:"baseline,omitempty"`
	// Top is the key of the newest article listed: the new-post check
	// stops there (or at any article archived or queued).
	Top model.Key `json:"top,omitempty"`
	// TopPublished is when Top was published, when the listing said.
	TopPublished time.Time `json:"top_published,omitzero"`
	// Oldest is the publication time of the oldest article listed.
	Oldest time.Time `json:"oldest,omitzero"`
	// Listed counts the distinct articles the listing gave.
	Listed int `json:"listed"`
	// Added is the first listing; LastListed the last one that worked.
	Added      time.Time `json:"added"`
	LastListed time.Time `json:"last_listed,omitzero"`
	LastError  string    `json:"last_error,omitempty"`
}

// sanitize makes a cursor read from a damaged or hand-edited queue.json
// usable: an offset below 0 (WeRead refuses it with 参数错误, every pass)
// reads from the top instead.
func (c *AccountCursor) sanitize() {
	c.Offset, c.Gap, c.Listed = max(c.Offset, 0), max(c.Gap, 0), max(c.Listed, 0)
	for i := range c.Gaps {
		c.Gaps[i].Offset = max(c.Gaps[i].Offset, 0)
	}
}

// Gap is a run of new posts not read yet. Offsets of the listing move
// down with every new post and a pass that cannot see the end of a burst
// cannot tell by how much, so Offset is only a lower bound: the walk
// starts there, passes over what is known already, and the gap closes at
// Stop, the newest article listed before the burst (or at an article
// published before Before, or at the end of the listing).
type Gap struct {
	Offset int       `json:"offset"`
	Stop   model.Key `json:"stop,omitempty"`
	Before time.Time `json:"before,omitzero"`
}

// LoginState is what passes learnt of the WeRead login.
type LoginState struct {
	// Expired is when the login named Login was refused; zero while it works.
	Expired time.Time `json:"expired,omitzero"`
	Login   string    `json:"login,omitempty"`
	// LastOK is the last listing that worked.
	LastOK time.Time `json:"last_ok,omitzero"`
}

// loginCheck is the login's standing during one pass.
type loginCheck int

const (
	loginUnknown loginCheck = iota
	loginStopped            // missing, expired or blocked: no more listings this pass
)

// followAccounts lists each followed account: new posts first, then a few
// pages of its backfill. A login problem or a block stops the source for
// the pass; a failing account fails alone.
func (ps *pass) followAccounts(ctx context.Context) {
	list := ps.p.Config.Sources.Accounts
	if len(list) == 0 {
		return
	}
	if ps.p.Accounts == nil {
		ps.log.Warn("followed accounts need a WeRead lister; skipped", "accounts", len(list))
		return
	}
	if st := ps.q.WeRead; st != nil && !st.Expired.IsZero() && st.Login == ps.p.Accounts.Login() {
		// The same login was refused before: do not send it again.
		ps.sum.SourceErrs++
		ps.note(fmt.Sprintf("weread: login expired (since %s): %d followed accounts not listed; log in again with `wxarchive login weread`",
			st.Expired.In(model.ChinaTime).Format("2006-01-02 15:04 MST"), len(list)))
		return
	}
	names := ps.accountNames()
	started, limit, waiting := 0, ps.p.Config.Sources.NewAccountsPerPass(), 0
	for i, a := range list {
		if ctx.Err() != nil || ps.login == loginStopped {
			return
		}
		biz, err := resolveAccount(a, names)
		if err != nil {
			ps.sourceErr("account", a.Account, fmt.Errorf("pipeline: sources.accounts[%d]: %w", i, err))
			continue
		}
		if c := ps.q.Accounts[biz]; c == nil || c.LastListed.IsZero() {
			// Never listed: a new account for WeRead. Adding accounts
			// quickly brings a day-long block: a few a pass.
			if started >= limit {
				waiting++
				continue
			}
			started++
		}
		ps.followAccount(ctx, a, biz)
	}
	if waiting > 0 {
		ps.note(fmt.Sprintf("weread: %d newly followed accounts wait for the next passes: at most %d start per pass (sources.accounts_per_pass; adding accounts quickly gets a WeRead login blocked for a day)", waiting, limit))
	}
}

// accountNames maps account names found in the archive to their __biz.
func (ps *pass) accountNames() map[string]string {
	m := map[string]string{}
	for _, a := range ps.archived {
		if a.Account != "" && a.Biz != "" {
			m[a.Account] = a.Biz
		}
	}
	return m
}

// resolveAccount is the __biz an accounts entry names, padded as WeChat
// writes it.
func resolveAccount(a config.Account, names map[string]string) (string, error) {
	r, err := a.Ref()
	if err != nil {
		return "", err
	}
	if r.Biz != "" {
		return canonBiz(r.Biz), nil
	}
	if biz, ok := names[r.Name]; ok {
		return canonBiz(biz), nil
	}
	return "", fmt.Errorf("no archived article of an account named %q yet: name it by an article link or its __biz", r.Name)
}

func (ps *pass) note(s string) {
	ps.sum.Notes = append(ps.sum.Notes, s)
	ps.log.Warn(s)
}

// followAccount runs one account's listing for the pass.
func (ps *pass) followAccount(ctx context.Context, a config.Account, biz string) {
	cur := ps.q.Accounts[biz]
	if cur == nil {
		cur = &AccountCursor{}
		ps.q.Accounts[biz] = cur
	}
	w := &accountWalk{ps: ps, a: a, biz: biz, cur: cur, budget: MaxListingPages}
	if cur.Added.IsZero() {
		cur.Added = ps.p.now()
	}
	if cur.Gap > 0 && len(cur.Gaps) == 0 { // a queue written before Gaps
		cur.Gaps = []Gap{{Offset: cur.Gap}}
	}
	cur.Gap = 0
	var err error
	switch {
	case cur.LastListed.IsZero() && !a.DoBackfill():
		err = w.baseline(ctx)
	case cur.Top == "" && !cur.Done && a.DoBackfill():
		err = w.backfill(ctx)
	default: // listed before (Top is empty while the account had no article)
		err = w.newPosts(ctx)
		if err == nil {
			err = w.backfill(ctx)
		}
	}
	if err != nil {
		cur.LastError = err.Error()
		ps.accountErr(a, err)
		return
	}
	cur.LastError = ""
}

// accountErr sorts a listing error: login problems and blocks stop the
// source for the pass, anything else fails this account only.
func (ps *pass) accountErr(a config.Account, err error) {
	var missing interface{ LoginMissing() bool }
	var expired interface{ LoginExpired() bool }
	var blocked interface{ Blocked() (time.Time, bool) }
	switch {
	case errors.As(err, &missing) && missing.LoginMissing():
		ps.login = loginStopped
		ps.sum.SourceErrs++
		what := "no WeRead login"
		var problem interface{ LoginProblem() string }
		if errors.As(err, &problem) && problem.LoginProblem() != "" {
			what = problem.LoginProblem() // a stored login that cannot be used says why
		}
		ps.note("weread: " + what + ": followed accounts not listed; log in with `wxarchive login weread`")
	case errors.As(err, &expired) && expired.LoginExpired():
		ps.login = loginStopped
		ps.sum.SourceErrs++
		ps.loginExpired(err)
	case errors.As(err, &blocked):
		until, ok := blocked.Blocked()
		if !ok {
			ps.sourceErr("account", a.Account, err)
			return
		}
		ps.login = loginStopped
		ps.sum.Skipped++
		ps.wereadBlocked(err, until)
		msg := "weread: blocked or cooling down: followed accounts not listed this pass"
		if !until.IsZero() {
			msg = fmt.Sprintf("weread: blocked or cooling down until %s: followed accounts not listed this pass", until.In(model.ChinaTime).Format("2006-01-02 15:04 MST"))
		}
		ps.note(msg)
	case ps.p.CoolingDown != nil && ps.p.CoolingDown(err):
		ps.login = loginStopped
		ps.sum.Skipped++
		ps.note("weread: host cooling down: followed accounts not listed this pass")
	default:
		ps.sourceErr("account", a.Account, err)
	}
}

// wereadBlocked records a blocked event for a block WeRead made (risk
// control, 429): one per cool-down, its end making the event's identity,
// however many passes find the host cooling down.
func (ps *pass) wereadBlocked(err error, until time.Time) {
	var by interface{ BlockedBy() string }
	if until.IsZero() || !errors.As(err, &by) || by.BlockedBy() == "" {
		return
	}
	ps.record(events.Op{Kind: model.EventBlocked, Subject: wereadHost, At: ps.p.now(),
		Once: until.UTC().Format(time.RFC3339), Reason: by.BlockedBy() + "; followed accounts are listed again after " + until.In(model.ChinaTime).Format("2006-01-02 15:04 MST")})
}

// wereadHost is the host followed accounts are listed from.
const wereadHost = "weread.qq.com"

// loginExpired tells the user once per pass and records the event once per
// login.
func (ps *pass) loginExpired(err error) {
	now := ps.p.now()
	login := ps.p.Accounts.Login()
	st := ps.q.WeRead
	if st == nil {
		st = &LoginState{}
		ps.q.WeRead = st
	}
	first := st.Expired.IsZero() || st.Login != login
	if first {
		st.Expired, st.Login = now, login
	}
	ps.note("weread: login expired or invalid: followed accounts not listed; log in again with `wxarchive login weread`")
	ps.log.Warn("weread login refused", "err", err)
	if !first {
		return
	}
	// Once: one event per refused login, whatever the passes that see it.
	ps.record(events.Op{Kind: model.EventLoginExpired, Subject: "weread", At: now, Once: login,
		Reason: "WeRead refused the login (" + err.Error() + "); followed accounts are not listed until `wxarchive login weread` stores a new one"})
}

func (ps *pass) loginOK() {
	st := ps.q.WeRead
	if st == nil {
		st = &LoginState{}
		ps.q.WeRead = st
	}
	st.Expired, st.Login, st.LastOK = time.Time{}, "", ps.p.now()
}

// accountWalk is one account's listing during a pass.
type accountWalk struct {
	ps     *pass
	a      config.Account
	biz    string
	cur    *AccountCursor
	budget int // listing pages left
}

// list reads one page, counting it once the request was sent.
func (w *accountWalk) list(ctx context.Context, offset int) (AccountPage, error) {
	w.budget--
	p, err := w.ps.p.Accounts.ListAccount(ctx, w.biz, offset)
	var unsent interface{ NotSent() bool }
	if err == nil || !errors.As(err, &unsent) || !unsent.NotSent() {
		w.ps.sum.Listings++
	}
	if err != nil {
		return AccountPage{}, err
	}
	w.ps.loginOK()
	w.cur.LastListed = w.ps.p.now()
	for i := range p.Articles {
		p.Articles[i].Hint = saneHint(p.Articles[i].Hint, w.ps.p.now())
		a := p.Articles[i]
		if t := a.Published; !t.IsZero() && (w.cur.Oldest.IsZero() || t.Before(w.cur.Oldest)) {
			w.cur.Oldest = t
		}
	}
	return p, nil
}

// known reports whether a listed article needs no queueing: archived,
// queued, given up, or the newest one listed before.
func (w *accountWalk) known(k model.Key) bool {
	if k == w.cur.Top {
		return true
	}
	if _, ok := w.ps.archived[k]; ok {
		return true
	}
	if _, ok := w.ps.q.Dropped[k]; ok {
		return true
	}
	return w.ps.q.Has(k)
}

// queue queues one listed article of the account.
func (w *accountWalk) queue(l model.Link, hint Hint) {
	h := hint
	w.ps.enqueueItem(Item{Key: l.Key(), URL: l.Canon, Origin: "account:" + w.biz, Biz: w.biz, Hint: &h})
}

// baseline is the first listing of an account followed for new posts
// only: it marks the newest article and queues nothing.
func (w *accountWalk) baseline(ctx context.Context) error {
	p, err := w.list(ctx, 0)
	if err != nil {
		return err
	}
	w.cur.Baseline = true
	if t := firstListed(p); t.key != "" {
		w.cur.Top, w.cur.TopPublished = t.key, t.published
	}
	return nil
}

// firstListed is the first article of a page with a key.
func firstListed(p AccountPage) listedKey {
	for _, a := range p.Articles {
		if l, err := model.ParseLink(a.URL); err == nil && l.Key() != "" {
			return listedKey{l.Key(), a.Published}
		}
	}
	return listedKey{}
}

// newPosts reads from the top until an article already known, queueing
// what is new; then goes on with the gaps left by earlier passes, newest
// first. Every new entry moves the backfill's offset and the gaps down.
func (w *accountWalk) newPosts(ctx context.Context) error {
	oldTop, oldTime := w.cur.Top, w.cur.TopPublished
	n, next, reached, top, err := w.walkNew(ctx, 0)
	if err != nil {
		return err
	}
	if top.key != "" {
		w.cur.Top = top.key
		w.cur.TopPublished = top.published
	}
	// n new entries at least (exactly n when a known article was reached).
	w.cur.Offset += n
	for i := range w.cur.Gaps {
		w.cur.Gaps[i].Offset += n
	}
	if !reached {
		// The burst goes on past what this pass could read: a gap of its
		// own, ending at the newest article listed before it.
		w.cur.Gaps = append([]Gap{{Offset: next, Stop: oldTop, Before: oldTime}}, w.cur.Gaps...)
		return nil
	}
	for len(w.cur.Gaps) > 0 && w.budget > 0 && ctx.Err() == nil {
		closed, err := w.walkGap(ctx, &w.cur.Gaps[0])
		if err != nil {
			return err
		}
		if !closed {
			return nil
		}
		w.cur.Gaps = w.cur.Gaps[1:]
	}
	if len(w.cur.Gaps) == 0 {
		w.cur.Gaps = nil
	}
	return nil
}

// listedKey is an article's key and publication time.
type listedKey struct {
	key       model.Key
	published time.Time
}

// walkNew reads pages from offset while their articles are new: n is the
// number of new entries before the first known article, next the offset
// after the last page read, reached whether a known article (or the end)
// was found, top the first article when offset is 0.
func (w *accountWalk) walkNew(ctx context.Context, offset int) (n, next int, reached bool, top listedKey, err error) {
	next = offset
	for w.budget > 0 && !reached {
		p, err := w.list(ctx, next)
		if err != nil {
			return n, next, false, top, err
		}
		if p.Entries == 0 {
			return n, next, true, top, nil
		}
		if next == 0 {
			top = firstListed(p)
		}
		firstKnown := p.Entries
		for _, a := range p.Articles {
			l, err := model.ParseLink(a.URL)
			if err != nil || l.Key() == "" {
				continue
			}
			if w.stopsNew(l.Key(), a.Published) {
				reached = true
				firstKnown = min(firstKnown, a.Entry)
				continue
			}
			if a.Entry < firstKnown && !w.known(l.Key()) {
				// Above the newest article listed before: new. One archived
				// or queued already (by hand, by another source, by a pass
				// a login problem cut short) is passed over, not a stop.
				w.cur.Listed++
				w.queue(l, a.Hint)
			}
		}
		n += firstKnown
		next += p.Entries
	}
	return n, next, reached, top, nil
}

// stopsNew reports whether the new-post check stops at this article: the
// newest article listed before (Top), one published before it or a known
// one published with it, one published before an account followed for new posts only was; with no
// Top yet, any article known.
func (w *accountWalk) stopsNew(k model.Key, published time.Time) bool {
	switch {
	case w.beforeFollowing(published):
		return true
	case w.cur.Top == "":
		return w.known(k)
	case k == w.cur.Top:
		return true
	}
	if w.cur.TopPublished.IsZero() || published.IsZero() {
		return false
	}
	// Published before Top (Top deleted since), or with it and known: a
	// sibling of its push.
	return published.Before(w.cur.TopPublished) || !published.After(w.cur.TopPublished) && w.known(k)
}

// walkGap reads a gap from its offset, queueing what is not known and
// passing over what is, until its stop article (closed), the end of the
// listing (closed) or the end of the pass's pages (g.Offset moves on).
// A gap of an older queue, without a stop, closes at the first known
// article.
func (w *accountWalk) walkGap(ctx context.Context, g *Gap) (closed bool, err error) {
	for w.budget > 0 && ctx.Err() == nil {
		// One entry of overlap, as the backfill reads (a deletion above).
		overlap := min(g.Offset, backfillOverlap)
		start := g.Offset - overlap
		p, err := w.list(ctx, start)
		if err != nil {
			return false, err
		}
		for _, a := range p.Articles {
			l, err := model.ParseLink(a.URL)
			if err != nil || l.Key() == "" {
				continue
			}
			k := l.Key()
			switch {
			case g.Stop != "" && k == g.Stop,
				g.Stop == "" && w.known(k) && a.Entry >= overlap, // the overlap was read before
				!g.Before.IsZero() && !a.Published.IsZero() && a.Published.Before(g.Before),
				w.beforeFollowing(a.Published):
				closed = true
			case !w.known(k):
				w.cur.Listed++
				w.queue(l, a.Hint)
			}
		}
		g.Offset = start + p.Entries
		if closed || p.Entries <= overlap {
			return true, nil // its stop, or the end of the listing
		}
	}
	return false, nil
}

// beforeFollowing reports whether an article of an account followed for
// new posts only was published before the account was followed.
func (w *accountWalk) beforeFollowing(t time.Time) bool {
	return !w.a.DoBackfill() && !t.IsZero() && t.Before(w.cur.Added)
}

// backfill reads older pages from the cursor, with what is left of the
// pass's pages, while the account's queue is short (discovery must not run
// far ahead of what the caps let the pass capture).
func (w *accountWalk) backfill(ctx context.Context) error {
	if !w.a.DoBackfill() || w.cur.Done {
		return nil
	}
	for w.budget > 0 && !w.cur.Done && ctx.Err() == nil {
		if w.queued() >= w.ahead() {
			w.ps.log.Debug("account backfill waits for its queue", "biz", w.biz, "queued", w.queued())
			return nil
		}
		oldest := w.cur.Oldest // what the backfill reached before this page
		// One entry of overlap: the last one read before. An entry the
		// account deleted above the cursor moves every later one up; read
		// from the cursor, the entry that took its place would be skipped.
		// Read again, known articles are passed over.
		overlap := min(w.cur.Offset, backfillOverlap)
		start := w.cur.Offset - overlap
		p, err := w.list(ctx, start)
		if err != nil {
			return err
		}
		if start == 0 && w.cur.Top == "" {
			t := firstListed(p)
			w.cur.Top, w.cur.TopPublished = t.key, t.published
		}
		for _, a := range p.Articles {
			if !w.a.Since.IsZero() && !a.Published.IsZero() && a.Published.Before(w.a.Since) {
				w.cur.Done = true
				continue
			}
			l, err := model.ParseLink(a.URL)
			if err != nil || l.Key() == "" {
				continue
			}
			if a.Published.IsZero() || oldest.IsZero() || a.Published.Before(oldest) {
				// Not read before: the backfill moves to older articles; a
				// burst of new posts can make it read a few again.
				w.cur.Listed++
			}
			w.queue(l, a.Hint)
		}
		w.cur.Offset = start + p.Entries
		if p.Entries <= overlap {
			// Nothing past what was read before (an overlap entry the
			// cursor had not read is read above): the end.
			w.cur.Done = true
			w.ps.log.Info("account backfill done", "biz", w.biz, "listed", w.cur.Listed)
			return nil
		}
	}
	return nil
}

// backfillOverlap is how many entries each backfill page reads again.
const backfillOverlap = 1

// queued counts the account's queued articles.
func (w *accountWalk) queued() int {
	n := 0
	for _, it := range w.ps.q.Items {
		if it.Biz == w.biz {
			n++
		}
	}
	return n
}

// ahead is how many of its articles an account may have queued before its
// backfill waits: two passes' worth under queue.max_per_account.
func (w *accountWalk) ahead() int {
	if n := w.ps.p.Config.Queue.MaxPerAccount; n > 0 {
		return 2 * n
	}
	return 50
}

// itemBiz is the account a queued item names for a URL that does not.
func (ps *pass) itemBiz(u string) string {
	for _, it := range ps.q.Items {
		if it.URL == u {
			return it.Biz
		}
	}
	return ""
}

// canonBiz writes a __biz with its base64 padding.
func canonBiz(biz string) string {
	if n, err := model.BizNumber(biz); err == nil {
		if b, err := model.BizOfNumber(n); err == nil {
			return b
		}
	}
	return biz
}
