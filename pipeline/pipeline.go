package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"

	"wxarchive/config"
	"wxarchive/fetcher"
	"wxarchive/model"
)

// Article is what the pipeline needs to know of one archived article.
type Article struct {
	Key         model.Key
	URL         string // canonical URL to fetch it again
	Biz         string // account
	State       model.State
	Published   time.Time
	LastCapture time.Time
	Related     []model.Related
	Aliases     []model.Key // other keys of the article (short links)
	Account     string      // the account's name, when known
}

// Store is the archive as the pipeline uses it.
type Store interface {
	Articles() ([]Article, error)
	ReadState(name string) ([]byte, error) // fs.ErrNotExist when missing
	WriteState(name string, data []byte) error
	AppendLog(name string, line []byte) error
	ReadLog(name string) ([]byte, error) // fs.ErrNotExist when missing
}

// Result is the outcome of capturing one article.
type Result struct {
	Key         model.Key
	Outcome     model.Outcome
	Biz         string
	Related     []model.Related
	CoolingDown bool // not fetched: the host is cooling down
	Err         error
	// NotPage: the (saved) input is not a WeChat article page at all.
	NotPage bool
	// Unnamed: a WeChat page that names no article (a deletion notice
	// saved without its address); only the user can say which it is.
	Unnamed bool
	Path    string // readable Markdown of the article, relative to the archive
	// Images are the article's body images; ImagesMissing those not saved
	// (pending: fetched again by the next capture).
	Images, ImagesMissing int
}

// Ingester captures one article URL and records it in the archive.
type Ingester interface {
	Ingest(ctx context.Context, url string) Result
}

// HintIngester is an Ingester that also records what a listing said of
// the article (its title, time…), for an article never read: a followed
// account's post that turns out deleted keeps the title the listing gave.
type HintIngester interface {
	Ingester
	IngestHint(ctx context.Context, url string, hint *Hint) Result
}

// PageFetcher fetches one mp.weixin.qq.com page (albums).
type PageFetcher interface {
	Page(ctx context.Context, url string) (*model.Capture, error)
}

// Pipeline is one configured pass. Config, Store and Ingester are required.
type Pipeline struct {
	Config   *config.Config
	Store    Store
	Ingester Ingester
	Pages    PageFetcher   // for albums; nil: albums are skipped
	Saved    SavedIngester // for sources.saved; nil: the inbox is skipped
	// Accounts lists followed accounts (sources.accounts) through the
	// user's WeRead login; nil: followed accounts are skipped.
	Accounts AccountLister
	HTTP     *http.Client // for feeds; nil: NewFeedClient(Config.Fetch, Config.Sources.Feeds)
	// Lock takes the archive lock for the pass; nil: no locking.
	Lock func() (unlock func(), err error)
	// Reload, called at the start of each pass under the lock, reads again
	// what other processes record outside the queue (the fetcher's
	// cool-downs and daily counts: fetcher.Client.Reload); nil: nothing.
	Reload func()
	// CoolingDown reports whether a PageFetcher error means the host is
	// cooling down or blocked; nil: never.
	CoolingDown func(error) bool
	Now         func() time.Time // nil: time.Now
	Log         *slog.Logger     // nil: discard
	// ArticleTimeout bounds one capture; 0: 5 minutes.
	ArticleTimeout time.Duration
	// Grace bounds how long the capture in flight at a stop (ctx
	// cancelled: SIGINT, SIGTERM) may go on to be recorded; it starts no
	// new request meanwhile (see fetcher.Finish). 0: fetcher.DefaultGrace.
	Grace time.Duration
	// Events records operational events (blocked, login_expired) and,
	// after the pass, derives and delivers the change events (notify.Hook);
	// nil: operational events are appended to the archive's EventLog and
	// nothing is derived nor delivered.
	Events Events
	// InboxSettle is how long a saved page of the inbox (and its _files/
	// folder) must have been left unmodified before it is read: a pass
	// waits that long at most for pages saved a moment ago. 0:
	// DefaultInboxSettle; negative: no wait.
	InboxSettle time.Duration
}

// LockError is returned by RunOnce when the archive lock cannot be taken,
// typically because another command (a manual ingest) holds it. The pass
// did nothing; the daemon skips it and the next scheduled pass tries again.
type LockError struct{ Err error }

func (e *LockError) Error() string { return "pipeline: lock archive: " + e.Err.Error() }
func (e *LockError) Unwrap() error { return e.Err }

// pass is the state of one running pass.
type pass struct {
	p        *Pipeline
	log      *slog.Logger
	q        *Queue
	archived map[model.Key]Article
	in       *inboxMemory
	// inboxSeen: the inbox files seen this pass, as inboxMemory.Seen.
	inboxSeen map[string]seenFile
	stopped   map[string]bool // hosts cooling down
	accounts  map[string]int  // pages fetched per account (__biz) this pass
	follows   int             // follow items queued this pass
	login     loginCheck      // the WeRead login, as this pass found it
	sum       Summary
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// RunOnce runs one pass: take the lock, discover, work off the queue,
// recheck what is due, log the summary. A cancelled ctx stops the pass after
// the article being captured; the summary is then marked interrupted and the
// error is nil. Errors are for passes that could not run (lock, store).
func (p *Pipeline) RunOnce(ctx context.Context) (Summary, error) {
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := p.now()
	release := func() {}
	if p.Lock != nil {
		unlock, err := p.Lock()
		if err != nil {
			return Summary{}, &LockError{Err: err}
		}
		var once sync.Once
		release = func() { once.Do(unlock) }
	}
	defer release()
	if p.Reload != nil {
		p.Reload()
	}
	q, err := loadQueue(p.Store)
	if err != nil {
		return Summary{}, err
	}
	list, err := p.Store.Articles()
	if err != nil {
		return Summary{}, fmt.Errorf("pipeline: list archive: %w", err)
	}
	in, err := loadInbox(p.Store)
	if err != nil {
		return Summary{}, err
	}
	ps := &pass{p: p, log: log, q: q, in: in, archived: map[model.Key]Article{}, stopped: map[string]bool{}, accounts: map[string]int{}}
	ps.sum.Started = start
	for _, a := range list {
		ps.archived[a.Key] = a
		for _, k := range a.Aliases {
			ps.archived[k] = a
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key < list[j].Key })

	ps.inbox(ctx) // local files first: no network
	ps.discover(ctx)
	ps.followArchived(list)
	if err := q.save(p.Store); err != nil {
		return ps.sum, err
	}
	err = ps.drain(ctx)
	if err == nil {
		err = ps.recheck(ctx, list)
	}
	ps.syncEvents(start)
	ps.sum.Queued = len(q.Items)
	release()
	// The lock is free: the archive is not held while webhooks answer.
	ps.deliverEvents(ctx)
	ps.sum.Duration = p.now().Sub(start)
	if ctx.Err() != nil {
		ps.sum.Interrupted = true
	}
	// One line appended (O_APPEND): safe without the lock. The summary
	// line itself is the caller's to print (run --once, the daemon): the
	// log repeats it only at debug level.
	if lerr := p.Store.AppendLog(RunLog, ps.sum.JSON()); lerr != nil {
		err = errors.Join(err, fmt.Errorf("pipeline: append run log: %w", lerr))
	}
	log.Debug("run finished", "discovered", ps.sum.Discovered, "fetched", ps.sum.Fetched, "created", ps.sum.Created,
		"updated", ps.sum.Updated, "failed", ps.sum.Failed, "skipped", ps.sum.Skipped, "queued", ps.sum.Queued,
		"source_errors", ps.sum.SourceErrs, "interrupted", ps.sum.Interrupted)
	return ps.sum, err
}

// enqueue queues a discovered link unless it is archived or queued.
func (ps *pass) enqueue(l model.Link, depth int, origin string) bool {
	k := l.Key()
	if k == "" {
		return false
	}
	if _, ok := ps.archived[k]; ok {
		return false
	}
	if _, ok := ps.q.Dropped[k]; ok {
		return false
	}
	return ps.enqueueItem(Item{Key: k, URL: l.Canon, Depth: depth, Origin: origin})
}

// enqueueItem queues it (Key and URL set) unless it is archived, dropped or
// queued already.
func (ps *pass) enqueueItem(it Item) bool {
	if _, ok := ps.archived[it.Key]; ok {
		return false
	}
	if _, ok := ps.q.Dropped[it.Key]; ok {
		return false
	}
	it.Added = ps.p.now()
	if !ps.q.add(it) {
		return false
	}
	ps.sum.Discovered++
	ps.log.Debug("queued", "key", it.Key, "origin", it.Origin, "depth", it.Depth)
	return true
}

// follow queues the related posts of an article at depth+1, within the
// configured depth, account and per-run cap.
func (ps *pass) follow(from model.Key, biz string, depth int, related []model.Related) {
	f := ps.p.Config.Follow
	if depth+1 > f.Depth {
		return
	}
	for _, r := range related {
		if f.MaxPerRun > 0 && ps.follows >= f.MaxPerRun {
			return
		}
		l, err := model.ParseLink(r.URL)
		if err != nil || (l.Kind != model.KindArticle && l.Kind != model.KindShort) {
			continue
		}
		if f.SameAccount && (biz == "" || l.ID.Biz != biz) { // short links name no account
			continue
		}
		if ps.enqueue(l, depth+1, "follow:"+string(from)) {
			ps.follows++
		}
	}
}

// followArchived queues related posts of archived articles not yet archived.
func (ps *pass) followArchived(list []Article) {
	if ps.p.Config.Follow.Depth == 0 {
		return
	}
	for _, a := range list {
		ps.follow(a.Key, a.Biz, ps.q.Depths[a.Key], a.Related)
	}
}

// bizOf is the account of an article URL, "" for a short link.
func bizOf(u string) string {
	if l, err := model.ParseLink(u); err == nil {
		return l.ID.Biz
	}
	return ""
}

// accountFull reports whether the account's pages for this pass are used
// up (queue.max_per_account); an unknown account ("") never is.
func (ps *pass) accountFull(biz string) bool {
	n := ps.p.Config.Queue.MaxPerAccount
	return biz != "" && n > 0 && ps.accounts[biz] >= n
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.Hostname()
	}
	return ""
}

// capture ingests one URL on a context a stop does not cancel at once:
// the request in flight finishes within the grace, no new one starts, and
// the article is recorded with what it has. It marks the host stopped when
// it cools down. hint is what a listing said of the article (nil: none).
func (ps *pass) capture(ctx context.Context, u string, hint *Hint) Result {
	timeout := ps.p.ArticleTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	fctx, finish := fetcher.Finish(ctx, ps.p.Grace)
	defer finish()
	cctx, cancel := context.WithTimeout(fctx, timeout)
	defer cancel()
	r := ps.ingest(cctx, u, hint)
	if r.Outcome == "" && !r.CoolingDown {
		r.Outcome = model.OutcomeFailed
	}
	if r.CoolingDown || r.Outcome == model.OutcomeBlocked {
		h := hostOf(u)
		if !ps.stopped[h] {
			ps.log.Warn("host cooling down: no more fetches from it this run", "host", h, "url", u)
			if !r.CoolingDown {
				ps.blocked(h)
			}
		}
		ps.stopped[h] = true
	}
	if r.CoolingDown {
		ps.sum.Skipped++
		return r
	}
	if biz := cmp.Or(r.Biz, bizOf(u), ps.itemBiz(u)); biz != "" {
		ps.accounts[biz]++
	}
	ps.sum.Fetched++
	ps.sum.count(r.Outcome)
	ps.written(r)
	return r
}

// ingest captures u, handing the listing's hint to an ingester that takes
// one.
func (ps *pass) ingest(ctx context.Context, u string, hint *Hint) Result {
	if hi, ok := ps.p.Ingester.(HintIngester); ok && hint != nil {
		return hi.IngestHint(ctx, u, hint)
	}
	return ps.p.Ingester.Ingest(ctx, u)
}

// drain captures queued items in order, up to queue.max_per_run.
func (ps *pass) drain(ctx context.Context) error {
	cfg := ps.p.Config.Queue
	maxAttempts := cfg.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 3
	}
	done := 0
	for i := 0; i < len(ps.q.Items); i++ {
		if ctx.Err() != nil {
			return nil
		}
		it := ps.q.Items[i]
		if _, ok := ps.archived[it.Key]; ok {
			// Archived since it was queued: by hand, by another run, or by
			// a pass killed before it saved the queue. Not fetched again.
			if k := ps.archived[it.Key].Key; it.Depth > 0 && k != "" {
				if _, ok := ps.q.Depths[k]; !ok {
					ps.q.Depths[k] = it.Depth
				}
			}
			ps.q.remove(it.Key)
			i--
			continue
		}
		if ps.stopped[hostOf(it.URL)] {
			ps.sum.Skipped++
			continue
		}
		if cfg.MaxPerRun > 0 && done >= cfg.MaxPerRun {
			break
		}
		if ps.accountFull(cmp.Or(it.Biz, bizOf(it.URL))) {
			continue // stays queued for a later pass
		}
		done++
		r := ps.capture(ctx, it.URL, it.Hint)
		switch {
		case r.CoolingDown || r.Outcome == model.OutcomeBlocked:
			// stays queued for a later run
		case r.Outcome == model.OutcomeFailed:
			it.Attempts++
			if r.Err != nil {
				it.LastError = r.Err.Error()
			}
			if it.Attempts >= maxAttempts {
				ps.log.Warn("dropped from queue after failed fetches", "url", it.URL, "attempts", it.Attempts, "err", it.LastError)
				ps.q.remove(it.Key)
				ps.q.Dropped[it.Key] = ps.p.now()
				ps.sum.Dropped++
				i--
			} else {
				ps.log.Info("fetch failed, stays queued", "url", it.URL, "attempts", it.Attempts, "err", r.Err)
				ps.q.Items[i] = it
			}
		default:
			ps.q.remove(it.Key)
			i--
			key := r.Key
			if key == "" {
				key = it.Key
			}
			if it.Depth > 0 {
				ps.q.Depths[key] = it.Depth
			}
			delete(ps.q.Dropped, it.Key)
			ps.archived[key] = Article{Key: key, URL: it.URL, Biz: r.Biz}
			ps.archived[it.Key] = ps.archived[key]
			ps.follow(key, r.Biz, it.Depth, r.Related)
		}
		if err := ps.q.save(ps.p.Store); err != nil {
			return err
		}
	}
	return nil
}

// recheck captures the archived articles that are due.
func (ps *pass) recheck(ctx context.Context, list []Article) error {
	rc := ps.p.Config.Recheck
	s := Schedule{Every: time.Duration(rc.Every)}
	for _, d := range rc.After {
		s.After = append(s.After, time.Duration(d))
	}
	// A page ingested from the inbox counts as a capture attempt: it is
	// not due again at once.
	if at := ps.in.ingested(); len(at) > 0 {
		list = slices.Clone(list)
		for i, a := range list {
			if t, ok := at[a.Key]; ok && t.After(a.LastCapture) {
				list[i].LastCapture = t
			}
		}
	}
	due := s.Due(list, ps.p.now(), rc.MaxPerRun)
	for _, a := range due {
		if ctx.Err() != nil {
			return nil
		}
		if ps.stopped[hostOf(a.URL)] {
			ps.sum.Skipped++
			continue
		}
		if ps.accountFull(cmp.Or(a.Biz, bizOf(a.URL))) {
			continue // due again next pass
		}
		r := ps.capture(ctx, a.URL, nil)
		if r.CoolingDown {
			continue
		}
		ps.sum.Rechecked++
		if r.Outcome == model.OutcomeCreated || r.Outcome == model.OutcomeUpdated {
			ps.follow(a.Key, a.Biz, ps.q.Depths[a.Key], r.Related)
			if err := ps.q.save(ps.p.Store); err != nil {
				return err
			}
		}
	}
	return nil
}
