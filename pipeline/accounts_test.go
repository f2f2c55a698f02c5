package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wxarchive/discover/weread"
	"wxarchive/events"
	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
	"wxarchive/model"
)

// wrBiz is the followed account of these tests; its WeRead book is
// MP_WXS_3895788938.
const wrBiz = "Mzg5NTc4ODkzOA=="

// cookie of the fake login; no log may ever show skeySecret.
const skeySecret = "SKEY-d41d8cd98f00b204"

// accountIngester plays WeChat and the archive for short links: capturing
// /s/<token> reveals the article's long id, recorded with the short key as
// an alias, as the archive does.
type accountIngester struct {
	mu    sync.Mutex
	store *memStore
	now   func() time.Time
	calls []string
	hints map[string]Hint // by URL: what the pass handed over
}

var _ HintIngester = (*accountIngester)(nil)

func (f *accountIngester) IngestHint(ctx context.Context, u string, hint *Hint) Result {
	f.mu.Lock()
	if f.hints == nil {
		f.hints = map[string]Hint{}
	}
	f.hints[u] = *hint
	f.mu.Unlock()
	return f.Ingest(ctx, u)
}

// longID is the long id WeChat would reveal behind a short link.
func longID(token string) model.ID {
	sum := sha256.Sum256([]byte(token))
	mid := fmt.Sprint(2650000000 + int64(sum[0])<<16 + int64(sum[1])<<8 + int64(sum[2]))
	return model.ID{Biz: wrBiz, Mid: mid, Idx: "1", Sn: hex.EncodeToString(sum[:4])}
}

func (f *accountIngester) Ingest(ctx context.Context, u string) Result {
	f.mu.Lock()
	f.calls = append(f.calls, u)
	f.mu.Unlock()
	l, err := model.ParseLink(u)
	if err != nil {
		return Result{Outcome: model.OutcomeFailed, Err: err}
	}
	if l.Kind != model.KindShort {
		return (&fakeIngester{store: f.store, now: f.now, pages: map[model.Key]page{}}).Ingest(ctx, u)
	}
	if strings.Contains(l.Short, "~") {
		return Result{Outcome: model.OutcomeUnavailable} // 参数错误
	}
	id := longID(l.Short)
	k := id.Key()
	f.store.mu.Lock()
	f.store.articles[k] = Article{Key: k, URL: id.URL(), Biz: wrBiz, State: model.StateArticle, Account: "读书会",
		Published: f.now().Add(-time.Hour), LastCapture: f.now(), Aliases: []model.Key{l.Key()}}
	f.store.mu.Unlock()
	return Result{Key: k, Outcome: model.OutcomeCreated, Biz: wrBiz}
}

func (f *accountIngester) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

// memCooldowns keeps the fetcher's cool-downs across "runs".
type memCooldowns struct {
	mu sync.Mutex
	m  map[string]fetcher.Cooldown
}

func (s *memCooldowns) LoadCooldowns() (map[string]fetcher.Cooldown, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.m), nil
}

func (s *memCooldowns) SaveCooldowns(m map[string]fetcher.Cooldown) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = maps.Clone(m)
	return nil
}

type accountEnv struct {
	t     *testing.T
	srv   *fakewx.Server
	wr    *fakewx.WeRead
	store *memStore
	ing   *accountIngester
	cool  *memCooldowns
	logs  *bytes.Buffer
	log   *slog.Logger
	p     *Pipeline
	clk   *clock
}

// newAccountEnv follows wrBiz through the fake WeRead, which lists pushes
// pushes of two articles each (the head's token with a '~'), five entries
// a page.
func newAccountEnv(t *testing.T, cfgYAML string, pushes int) *accountEnv {
	t.Helper()
	e := &accountEnv{t: t, srv: fakewx.New(t), store: newMemStore(), cool: &memCooldowns{}, logs: &bytes.Buffer{},
		clk: &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	e.log = slog.New(slog.NewTextHandler(syncWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.wr = e.srv.WeRead("42", skeySecret)
	e.wr.SetPageSize(5)
	for i := range pushes {
		e.publish(i, time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i)*24*time.Hour))
	}
	e.ing = &accountIngester{store: e.store, now: e.clk.Now}
	e.p = &Pipeline{Config: parseCfg(t, cfgYAML), Store: e.store, Ingester: e.ing, Now: e.clk.Now, Log: e.log}
	e.login("42", skeySecret)
	return e
}

type syncWriter struct{ w *bytes.Buffer }

var logMu sync.Mutex

func (s syncWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return s.w.Write(p)
}

func (e *accountEnv) publish(i int, at time.Time) {
	e.wr.Publish(wrBiz,
		fakewx.WRArticle{OriginalID: fmt.Sprintf("h%03d~x", i), Title: fmt.Sprintf("第%d期 头条", i), Digest: "摘要", Cover: "https://mmbiz.qpic.cn/c/0", Time: at},
		fakewx.WRArticle{OriginalID: fmt.Sprintf("s%03d", i), Title: fmt.Sprintf("第%d期 次条", i), Time: at})
}

// login points the pipeline at a new run's fetcher (cool-downs from the
// store) and WeRead client with this cookie.
func (e *accountEnv) login(vid, skey string) {
	cfg := e.srv.FetcherConfig()
	cfg.Cooldown, cfg.Logger = e.cool, e.log
	fc, err := fetcher.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ck, err := weread.ParseCookie("wr_vid=" + vid + "; wr_skey=" + skey + "; wr_rt=RT-" + skey)
	if err != nil {
		e.t.Fatal(err)
	}
	e.p.Accounts = WeReadLister(weread.New(fc, ck, weread.Options{Log: e.log}))
	e.p.CoolingDown = func(err error) bool { return fetcher.KindOf(err) == fetcher.KindCoolingDown }
}

func (e *accountEnv) run() Summary {
	e.t.Helper()
	s, err := e.p.RunOnce(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	e.clk.Add(6 * time.Hour)
	return s
}

func (e *accountEnv) queue() *Queue {
	e.t.Helper()
	q, err := loadQueue(e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

func (e *accountEnv) archivedOf(biz string) int {
	n := 0
	for _, a := range e.store.articles {
		if a.Biz == biz {
			n++
		}
	}
	return n
}

func (e *accountEnv) noSecretInLogs() {
	e.t.Helper()
	logMu.Lock()
	defer logMu.Unlock()
	if strings.Contains(e.logs.String(), skeySecret) || strings.Contains(e.logs.String(), "RT-"+skeySecret) {
		e.t.Errorf("the WeRead cookie appears in the logs:\n%s", e.logs)
	}
	if e.logs.Len() == 0 {
		e.t.Error("no logs captured: the check means nothing")
	}
}

const accountsCfg = "sources:\n  accounts: [\"" + wrBiz + "\"]\nqueue: {max_per_run: 25, max_per_account: 12}\n"

func TestAccountBackfillOverPasses(t *testing.T) {
	for _, flat := range []bool{false, true} {
		t.Run(fmt.Sprintf("flat=%v", flat), func(t *testing.T) {
			e := newAccountEnv(t, accountsCfg, 30) // 60 articles
			e.wr.SetFlat(flat)
			passes := 0
			for ; passes < 12; passes++ {
				before := len(e.wr.Listings())
				s := e.run()
				calls := e.ing.take()
				if got := len(e.wr.Listings()) - before; got > MaxListingPages || got != s.Listings {
					t.Fatalf("pass %d: %d listing requests (summary %d), at most %d", passes+1, got, s.Listings, MaxListingPages)
				}
				if len(calls) > 12 {
					t.Fatalf("pass %d captured %d articles of the account, over queue.max_per_account", passes+1, len(calls))
				}
				for _, c := range calls {
					if strings.Contains(c, "~") {
						t.Fatalf("fetched a link with '~': %s", c)
					}
				}
				if passes == 0 {
					q := e.queue()
					// 3 pages listed, each page after the first reading its
					// first entry again (26 articles in groups, 13 flat), the
					// 12 newest captured: the queue starts at push 23.
					if want := map[bool]int{false: 14, true: 1}[flat]; len(q.Items) != want || q.Items[0].Biz != wrBiz || q.Items[0].Hint == nil || q.Items[0].Hint.Title != "第23期 头条" ||
						q.Items[0].URL != "https://mp.weixin.qq.com/s/h023_x" || q.Items[0].Hint.Published.IsZero() || q.Items[0].Hint.Digest != "摘要" {
						t.Fatalf("first queued item %+v", q.Items[0])
					}
				}
				if e.archivedOf(wrBiz) == 60 && e.queue().Accounts[wrBiz].Done {
					break
				}
			}
			if n := e.archivedOf(wrBiz); n != 60 || passes < 4 {
				t.Fatalf("after %d passes %d of 60 archived; listings %v", passes+1, n, e.wr.Listings())
			}
			// Backfilled: a pass now costs one listing request and no capture.
			before := len(e.wr.Listings())
			s := e.run()
			if got := e.wr.Listings()[before:]; len(got) != 1 || got[0].Offset != 0 || s.Fetched != 0 || s.Discovered != 0 {
				t.Errorf("idle pass: listings %v, %s", got, s)
			}
			e.noSecretInLogs()
		})
	}
}

func TestAccountNewPostInOneRequest(t *testing.T) {
	e := newAccountEnv(t, accountsCfg, 4)
	e.run()
	if e.archivedOf(wrBiz) != 8 || !e.queue().Accounts[wrBiz].Done {
		t.Fatalf("backfill of 8: %d archived", e.archivedOf(wrBiz))
	}
	off := e.queue().Accounts[wrBiz].Offset
	e.wr.Publish(wrBiz, fakewx.WRArticle{OriginalID: "new~post", Title: "新文章", Time: time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)})
	before := len(e.wr.Listings())
	s := e.run()
	if got := len(e.wr.Listings()) - before; got != 1 || s.Discovered != 1 || s.Created != 1 {
		t.Fatalf("new post: %d requests, %s", got, s)
	}
	if c := e.queue().Accounts[wrBiz]; c.Offset != off+1 || c.Top != "s_new_post" {
		t.Errorf("cursor after a new post: %+v (offset was %d)", c, off)
	}
}

func TestAccountNewPostsDuringBackfill(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 3}\n", 20)
	e.run()
	// Twenty pushes between two passes: more than the new-post check reads
	// in one pass (3 pages of 5): the rest is read as a gap next passes.
	for i := 100; i < 120; i++ {
		e.publish(i, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour))
	}
	e.run()
	if c := e.queue().Accounts[wrBiz]; len(c.Gaps) != 1 || c.Gaps[0].Offset != 15 {
		t.Fatalf("after 20 new pushes: cursor %+v, want a gap at 15", c)
	}
	for range 40 {
		e.run()
	}
	if n := e.archivedOf(wrBiz); n != 80 {
		t.Errorf("%d of 80 archived; cursor %+v", n, e.queue().Accounts[wrBiz])
	}
}

// TestAccountSecondBurstWhileGapOpen: a second burst arrives while the
// first one's gap is still open; one gap counter cannot hold both (it
// lost 10 posts of 120). Page size 5, max_per_account 3.
func TestAccountSecondBurstWhileGapOpen(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 3}\n", 20)
	e.run()
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	burst := func(from int) {
		for i := from; i < from+20; i++ {
			e.publish(i, at.Add(time.Duration(i)*time.Hour))
		}
	}
	burst(100)
	e.run()
	burst(200)
	e.run()
	if c := e.queue().Accounts[wrBiz]; len(c.Gaps) != 2 {
		t.Fatalf("two bursts over a pass each: cursor %+v, want two gaps", c)
	}
	for range 60 {
		e.run()
	}
	c := e.queue().Accounts[wrBiz]
	if n := e.archivedOf(wrBiz); n != 120 || !c.Done || len(c.Gaps) != 0 {
		t.Errorf("%d of 120 archived; cursor %+v", n, c)
	}
	if c.Listed != 120 {
		t.Errorf("listed %d, want the 120 distinct articles", c.Listed)
	}
	// Idle now: one listing request, nothing new.
	before := len(e.wr.Listings())
	if s := e.run(); len(e.wr.Listings())-before != 1 || s.Discovered != 0 {
		t.Errorf("idle pass: %s", s)
	}
}

// TestAccountBackfillTurnedOnLater: an account first followed with
// backfill: false, then switched to backfill: true, is backfilled.
func TestAccountBackfillTurnedOnLater(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts:\n    - {account: \""+wrBiz+"\", backfill: false}\nqueue: {max_per_account: 0}\n", 10)
	e.run()
	e.run()
	if n := e.archivedOf(wrBiz); n != 0 {
		t.Fatalf("new posts only: %d archived", n)
	}
	e.p.Config = parseCfg(t, "sources:\n  accounts:\n    - {account: \""+wrBiz+"\", backfill: true}\nqueue: {max_per_account: 0}\n")
	for range 5 {
		e.run()
	}
	if n, c := e.archivedOf(wrBiz), e.queue().Accounts[wrBiz]; n != 20 || !c.Done {
		t.Errorf("backfill turned on: %d of 20 archived; cursor %+v", n, c)
	}
}

func TestAccountLoginExpiresMidBackfill(t *testing.T) {
	other := art(bizA, 1)
	e := newAccountEnv(t, "sources:\n  urls: [\""+other+"\"]\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 12}\n", 30)
	e.wr.ExpireLoginAfter(2)
	s := e.run()
	if s.Listings != 3 || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "login expired") || !strings.Contains(s.Notes[0], "wxarchive login weread") || s.SourceErrs != 1 {
		t.Fatalf("expired mid-backfill: %s", s)
	}
	if !strings.Contains(s.String(), "\nweread: login expired") {
		t.Errorf("summary does not show the note on its own line: %q", s.String())
	}
	// Other sources are unaffected, and what was listed before is captured.
	if _, ok := e.store.articles[key(bizA, 1)]; !ok || e.archivedOf(wrBiz) != 12 {
		t.Errorf("other source or listed articles not captured: %s", s)
	}
	evs := e.store.logs[EventLog]
	var ev events.Event
	if len(evs) != 1 || json.Unmarshal([]byte(evs[0]), &ev) != nil || ev.Kind != model.EventLoginExpired || ev.ID == "" || !strings.Contains(ev.Reason, "errCode -2012") {
		t.Fatalf("events: %q", evs)
	}
	// The same login is not sent again, and no second event is recorded.
	before := len(e.wr.Listings())
	s = e.run()
	if len(e.wr.Listings()) != before || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "login expired (since") || len(e.store.logs[EventLog]) != 1 {
		t.Fatalf("second pass with the expired login: %d requests, %s, events %d", len(e.wr.Listings())-before, s, len(e.store.logs[EventLog]))
	}
	// A new login resumes the backfill where it stopped.
	e.wr.SetLogin("42", "fresh-"+skeySecret)
	e.login("42", "fresh-"+skeySecret)
	s = e.run()
	l := e.wr.Listings()[before:]
	// (pages of 5 read at 0 and 4 before the expiry at 8: the backfill
	// resumes at 8, its last entry read once more)
	if len(s.Notes) != 0 || len(l) == 0 || l[0].Offset != 0 || len(l) < 2 || l[1].Offset != 8 || e.queue().WeRead.Expired != (time.Time{}) {
		t.Errorf("after a new login: %s, listings %v", s, l)
	}
	// A later expiry of the new login is a new event.
	e.wr.ExpireLoginAfter(0)
	e.run()
	if len(e.store.logs[EventLog]) != 2 {
		t.Errorf("events after the second expiry: %d", len(e.store.logs[EventLog]))
	}
	e.noSecretInLogs()
}

func TestAccountRiskControlMidBackfill(t *testing.T) {
	other := art(bizA, 1)
	e := newAccountEnv(t, "sources:\n  urls: [\""+other+"\"]\n  accounts: [\""+wrBiz+"\"]\n", 30)
	e.wr.RiskControlAfter(1, 100)
	s := e.run()
	if s.Listings != 2 || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "cooling down until") || s.SourceErrs != 0 {
		t.Fatalf("risk control: %s", s)
	}
	if _, ok := e.store.articles[key(bizA, 1)]; !ok {
		t.Error("the other source was not captured")
	}
	cd, ok := e.cool.m[fetcher.WeReadHost]
	if !ok || cd.Backoff != time.Hour || time.Until(cd.Until) < 59*time.Minute {
		t.Fatalf("cool-down not persisted: %+v", e.cool.m)
	}
	// The next run (a new fetcher over the same store) does not ask WeRead.
	e.login("42", skeySecret)
	before := len(e.wr.Listings())
	s = e.run()
	if len(e.wr.Listings()) != before || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "cooling down") || s.Listings != 0 {
		t.Errorf("while cooling down: %d requests (counted %d), %s", len(e.wr.Listings())-before, s.Listings, s)
	}
	if c := e.queue().Accounts[wrBiz]; c.Offset != 5 || c.Done {
		t.Errorf("cursor after risk control: %+v", c)
	}
	e.noSecretInLogs()
}

func TestAccountNewPostsOnly(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts:\n    - {account: \""+wrBiz+"\", backfill: false}\n", 10)
	s := e.run()
	if s.Listings != 1 || s.Discovered != 0 {
		t.Fatalf("baseline: %s", s)
	}
	e.wr.Publish(wrBiz, fakewx.WRArticle{OriginalID: "fresh", Title: "新", Time: e.clk.Now()})
	if s := e.run(); s.Listings != 1 || s.Discovered != 1 || s.Created != 1 {
		t.Errorf("new post: %s", s)
	}
}

func TestAccountSince(t *testing.T) {
	// Pushes on 2024-01-01 … 2024-01-30; since 2024-01-21 keeps the last ten.
	e := newAccountEnv(t, "sources:\n  accounts:\n    - {account: \""+wrBiz+"\", since: 2024-01-21}\nqueue: {max_per_account: 0}\n", 30)
	for range 3 {
		e.run()
	}
	if n := e.archivedOf(wrBiz); n != 20 || !e.queue().Accounts[wrBiz].Done {
		t.Errorf("since: %d archived, want 20; cursor %+v", n, e.queue().Accounts[wrBiz])
	}
}

func TestAccountByName(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [读书会, 没见过的号]\n", 1)
	s := e.run()
	if s.SourceErrs != 2 || s.Listings != 0 {
		t.Fatalf("names unknown: %s", s)
	}
	e.store.articles["x"] = Article{Key: "x", Biz: wrBiz, Account: "读书会"}
	s = e.run()
	if s.SourceErrs != 1 || s.Listings != 2 || e.archivedOf(wrBiz) != 3 {
		t.Errorf("name known: %s", s)
	}
}

// An account with no article yet: its first post is picked up, in both modes.
func TestAccountEmptyThenFirstPost(t *testing.T) {
	for _, backfill := range []string{"true", "false"} {
		t.Run("backfill="+backfill, func(t *testing.T) {
			e := newAccountEnv(t, "sources:\n  accounts:\n    - {account: \""+wrBiz+"\", backfill: "+backfill+"}\n", 0)
			if s := e.run(); s.Listings != 1 || s.Discovered != 0 {
				t.Fatalf("empty account: %s", s)
			}
			e.wr.Publish(wrBiz, fakewx.WRArticle{OriginalID: "first", Title: "第一篇", Time: e.clk.Now()})
			// Nothing known to stop at: it reads on to the (empty) next page.
			if s := e.run(); s.Listings != 2 || s.Created != 1 {
				t.Errorf("first post: %s", s)
			}
			if s := e.run(); s.Listings != 1 || s.Discovered != 0 {
				t.Errorf("after: %s", s)
			}
		})
	}
}

// hostileLister lists one page of articles whose times no encoder takes.
type hostileLister struct{ pages int }

func (h *hostileLister) ListAccount(ctx context.Context, biz string, offset int) (AccountPage, error) {
	h.pages++
	if offset > 0 {
		return AccountPage{}, nil
	}
	return AccountPage{Entries: 3, Articles: []Listed{
		{URL: "https://mp.weixin.qq.com/s/year55000", Entry: 0, Hint: Hint{Title: "a", Published: time.Unix(1767225600000000, 0)}},
		{URL: "https://mp.weixin.qq.com/s/yearminus", Entry: 1, Hint: Hint{Title: "b", Published: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{URL: "https://mp.weixin.qq.com/s/fine", Entry: 2, Hint: Hint{Title: "c\x00\u202e", Published: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}}, nil
}

func (h *hostileLister) Login() string { return "x" }

// TestAccountHostileTimesDoNotStopPasses: a listing time no JSON encoder
// takes (year 55000, year -5) must not make the queue unwritable, which
// would end every pass before it fetched anything.
func TestAccountHostileTimesDoNotStopPasses(t *testing.T) {
	store := newMemStore()
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ing := &accountIngester{store: store, now: clk.Now}
	p := &Pipeline{Config: parseCfg(t, accountsCfg), Store: store, Ingester: ing, Now: clk.Now, Accounts: &hostileLister{}}
	s, err := p.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("pass failed: %v", err)
	}
	if s.Created != 3 {
		t.Errorf("%s", s)
	}
	q, err := loadQueue(store)
	if err != nil {
		t.Fatal(err)
	}
	c := q.Accounts[wrBiz]
	if c == nil || c.LastListed.IsZero() || !c.Oldest.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("cursor not saved or oldest from a hostile time: %+v", c)
	}
}

// TestAccountHintsReachTheArchive: the listing's title and time of each
// article are handed to the ingester with its capture (the archive shows
// them for an article that turns out deleted).
func TestAccountHintsReachTheArchive(t *testing.T) {
	e := newAccountEnv(t, accountsCfg, 2)
	e.run()
	h, ok := e.ing.hints["https://mp.weixin.qq.com/s/h001_x"]
	if !ok || h.Title != "第1期 头条" || h.Published.IsZero() || h.Digest != "摘要" || h.Cover == "" {
		t.Fatalf("hint handed over: %+v (all: %v)", h, e.ing.hints)
	}
	if len(e.ing.hints) != 4 {
		t.Errorf("%d hints for 4 articles", len(e.ing.hints))
	}
}

// TestAccountUnusableLoginSaysWhy: a stored login that cannot be used (a
// file others can read) is named in the summary with its cause, not as
// "no WeRead login"; no listing is counted since none was sent.
func TestAccountUnusableLoginSaysWhy(t *testing.T) {
	e := newAccountEnv(t, accountsCfg, 3)
	cfg := e.srv.FetcherConfig()
	fc, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cause := errors.New("weread: login /home/u/.config/wxarchive/weread-login.json is readable by others (mode 0644): run chmod 600 on it, or log in again")
	e.p.Accounts = WeReadLister(weread.New(fc, weread.Cookie{}, weread.Options{LoginErr: cause}))
	s := e.run()
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "readable by others (mode 0644)") || strings.Contains(s.Notes[0], "no WeRead login") {
		t.Errorf("notes %q", s.Notes)
	}
	if s.Listings != 0 || strings.Contains(s.String(), "listings=") || len(e.wr.Listings()) != 0 {
		t.Errorf("listings counted with no request sent: %s", s)
	}
	// Without any login: the plain note, and still nothing counted.
	e.p.Accounts = WeReadLister(weread.New(fc, weread.Cookie{}, weread.Options{}))
	if s := e.run(); len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "no WeRead login") || s.Listings != 0 {
		t.Errorf("no login: %s", s)
	}
}

// blockedEvents are the blocked events of the log.
func (e *accountEnv) blockedEvents() []events.Event {
	e.t.Helper()
	var out []events.Event
	for _, l := range e.store.logs[EventLog] {
		var ev events.Event
		if err := json.Unmarshal([]byte(strings.TrimSpace(l)), &ev); err != nil {
			e.t.Fatalf("event log line %q: %v", l, err)
		}
		if ev.Kind == model.EventBlocked {
			out = append(out, ev)
		}
	}
	return out
}

// TestAccountBlockEvents: WeRead's risk control and its 429 each make one
// blocked event for weread.qq.com per cool-down, however many passes find
// the host cooling down; our own daily cap makes none.
func TestAccountBlockEvents(t *testing.T) {
	t.Run("risk control", func(t *testing.T) {
		e := newAccountEnv(t, accountsCfg, 30)
		e.wr.RiskControlAfter(1, 100)
		e.run()
		e.login("42", skeySecret) // the next run: a new fetcher, the cool-down from the store
		e.run()
		evs := e.blockedEvents()
		if len(evs) != 1 || evs[0].Subject != "weread.qq.com" || !strings.Contains(evs[0].Reason, "-2041") {
			t.Fatalf("blocked events %+v", evs)
		}
	})
	t.Run("429", func(t *testing.T) {
		e := newAccountEnv(t, accountsCfg, 30)
		e.srv.RateLimit(fakewx.WeReadArticles, "", 1)
		s := e.run()
		e.run()
		evs := e.blockedEvents()
		if len(evs) != 1 || evs[0].Subject != "weread.qq.com" || !strings.Contains(evs[0].Reason, "429") {
			t.Fatalf("blocked events %+v (%s)", evs, s)
		}
	})
	t.Run("daily cap", func(t *testing.T) {
		e := newAccountEnv(t, accountsCfg, 30)
		cfg := e.srv.FetcherConfig()
		cfg.Hosts[fetcher.WeReadHost] = fetcher.Polite{Concurrency: 1, DailyCap: 1}
		fc, err := fetcher.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ck, _ := weread.ParseCookie("wr_vid=42; wr_skey=" + skeySecret)
		e.p.Accounts = WeReadLister(weread.New(fc, ck, weread.Options{}))
		if s := e.run(); s.Listings != 1 || len(s.Notes) != 1 {
			t.Fatalf("%s", s)
		}
		if evs := e.blockedEvents(); len(evs) != 0 {
			t.Errorf("the daily cap made blocked events %+v", evs)
		}
	})
}

// TestNewAccountsStartFewPerPass: five accounts followed at once start two
// a pass (adding accounts quickly brings a day-long block), the others say
// they wait; accounts already started are listed every pass.
func TestNewAccountsStartFewPerPass(t *testing.T) {
	var bizs []string
	for i := range 5 {
		b, err := model.BizOfNumber(fmt.Sprint(3000000001 + i))
		if err != nil {
			t.Fatal(err)
		}
		bizs = append(bizs, b)
	}
	e := newAccountEnv(t, "sources:\n  accounts: [\""+strings.Join(bizs, "\", \"")+"\"]\n", 0)
	for i, b := range bizs {
		e.wr.Publish(b, fakewx.WRArticle{OriginalID: fmt.Sprintf("acc%d", i), Title: "t", Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	books := func(from int) map[string]bool {
		m := map[string]bool{}
		for _, l := range e.wr.Listings()[from:] {
			m[l.BookID] = true
		}
		return m
	}
	for pass, want := range []struct{ listed, waiting int }{{2, 3}, {4, 1}, {5, 0}} {
		before := len(e.wr.Listings())
		s := e.run()
		if got := len(books(before)); got != want.listed {
			t.Errorf("pass %d: %d accounts listed, want %d (%s)", pass+1, got, want.listed, s)
		}
		note := fmt.Sprintf("weread: %d newly followed accounts wait", want.waiting)
		if (want.waiting > 0) != slices.ContainsFunc(s.Notes, func(n string) bool { return strings.HasPrefix(n, note) }) {
			t.Errorf("pass %d: notes %q", pass+1, s.Notes)
		}
	}
	if n := len(e.queue().Accounts); n != 5 {
		t.Errorf("%d accounts started", n)
	}
	// accounts_per_pass raises the limit.
	e2 := newAccountEnv(t, "sources:\n  accounts_per_pass: 5\n  accounts: [\""+strings.Join(bizs, "\", \"")+"\"]\n", 0)
	if s := e2.run(); s.Listings != 5 || len(s.Notes) != 0 {
		t.Errorf("accounts_per_pass 5: %s", s)
	}
}

// TestAccountNewPostsBelowOneArchivedByHand: the user ingests the newest
// post by hand (or another source captures it) before the pass lists the
// account: the new-post check must go on to the newest article it listed
// before, not stop at the first archived one (it lost every other new
// post of the burst).
func TestAccountNewPostsBelowOneArchivedByHand(t *testing.T) {
	e := newAccountEnv(t, accountsCfg, 4)
	e.run()
	if e.archivedOf(wrBiz) != 8 || !e.queue().Accounts[wrBiz].Done {
		t.Fatalf("backfill of 8: %d archived", e.archivedOf(wrBiz))
	}
	off := e.queue().Accounts[wrBiz].Offset
	for i := 100; i < 103; i++ {
		e.publish(i, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour))
	}
	if r := e.ing.Ingest(context.Background(), "https://mp.weixin.qq.com/s/h102_x"); r.Outcome != model.OutcomeCreated {
		t.Fatalf("ingest by hand: %+v", r)
	}
	e.run()
	if n := e.archivedOf(wrBiz); n != 14 {
		t.Errorf("%d of 14 archived after the pass: new posts below the one archived by hand were lost", n)
	}
	if c := e.queue().Accounts[wrBiz]; c.Offset != off+3 || c.Top != "s_h102_x" {
		t.Errorf("cursor %+v, want offset %d and top s_h102_x", c, off+3)
	}
}

// TestAccountLoginExpiresDuringNewPostCheck: the login expires after the
// first page of a burst of new posts; the posts of the pages not read are
// read by the next pass with a new login, not lost.
func TestAccountLoginExpiresDuringNewPostCheck(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 50, max_per_account: 30}\n", 4)
	e.run()
	if e.archivedOf(wrBiz) != 8 || !e.queue().Accounts[wrBiz].Done {
		t.Fatalf("backfill of 8: %d archived", e.archivedOf(wrBiz))
	}
	for i := 100; i < 108; i++ { // 8 pushes: two pages of 5
		e.publish(i, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour))
	}
	e.wr.ExpireLoginAfter(1)
	e.run()
	e.wr.SetLogin("42", "SKEY-new")
	e.login("42", "SKEY-new")
	for range 3 {
		e.run()
	}
	if n := e.archivedOf(wrBiz); n != 24 {
		t.Errorf("%d of 24 archived: posts of the page the expired login did not read were lost; cursor %+v", n, e.queue().Accounts[wrBiz])
	}
}

// TestAccountNewestDeletedDuringBackfill: the account deletes the newest
// article a pass listed (censored), then publishes more, while the
// backfill is under way: the new-post check cannot find that article and
// must stop at the first one published before it (or a sibling of its
// push); counting every entry read as new moved the backfill's offset past
// articles never read.
func TestAccountNewestDeletedDuringBackfill(t *testing.T) {
	for _, wholePush := range []bool{false, true} {
		t.Run(fmt.Sprint("whole push ", wholePush), func(t *testing.T) {
			e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 3}\n", 20)
			e.run()
			if c := e.queue().Accounts[wrBiz]; c.Done || c.Top != "s_h019_x" {
				t.Fatalf("after one pass: %+v", c)
			}
			deleted := map[string]bool{"h019_x": true}
			e.wr.Delete(wrBiz, "h019~x")
			if wholePush {
				e.wr.Delete(wrBiz, "s019")
				deleted["s019"] = true
			}
			for i := 100; i < 102; i++ {
				e.publish(i, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour))
			}
			for range 30 {
				e.run()
			}
			for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 101} {
				for _, tok := range []string{fmt.Sprintf("h%03d_x", i), fmt.Sprintf("s%03d", i)} {
					if _, ok := e.store.articles[longID(tok).Key()]; !ok && !deleted[tok] {
						t.Errorf("listed but never archived: %s; cursor %+v", tok, e.queue().Accounts[wrBiz])
					}
				}
			}
		})
	}
}

// TestAccountForgedCursor: a queue.json edited by hand or damaged (a
// negative offset, a gap below 0, a null cursor) does not stop the
// account: the walk reads from the top instead.
func TestAccountForgedCursor(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 3}\n", 10)
	e.run()
	q := e.queue()
	q.Accounts[wrBiz].Offset = -7
	q.Accounts[wrBiz].Gaps = []Gap{{Offset: -3}}
	q.Accounts["MTIzNDU2"] = nil
	if err := q.save(e.store); err != nil {
		t.Fatal(err)
	}
	for range 15 {
		e.run()
	}
	for _, l := range e.wr.Listings() {
		if l.Offset < 0 || l.Answer == "-2003" {
			t.Fatalf("listing %v sent", l)
		}
	}
	if n := e.archivedOf(wrBiz); n != 20 {
		t.Errorf("%d of 20 archived; cursor %+v", n, e.queue().Accounts[wrBiz])
	}
}

// killIngester dies (as a kill -9 would) on its n-th capture, after the
// article was written.
type killIngester struct {
	*accountIngester
	n int
}

func (p *killIngester) IngestHint(ctx context.Context, u string, hint *Hint) Result {
	r := p.accountIngester.IngestHint(ctx, u, hint)
	if p.n--; p.n == 0 {
		panic("killed")
	}
	return r
}

// TestAccountKilledMidBackfill: the process dies in the middle of passes
// (after the listing, between a capture and the queue's save); the next
// passes lose and duplicate nothing and the cursor stays sane.
func TestAccountKilledMidBackfill(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 25, max_per_account: 5}\n", 30)
	for pass, n := range []int{3, 1, 5} {
		e.p.Ingester = &killIngester{accountIngester: e.ing, n: n}
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Fatalf("pass %d was not killed", pass)
				}
			}()
			e.p.RunOnce(context.Background())
		}()
		e.clk.Add(time.Hour)
		e.p.Ingester = e.ing
		e.run()
	}
	for range 20 {
		e.run()
	}
	seen := map[string]int{}
	for _, c := range e.ing.take() {
		seen[c]++
	}
	c := e.queue().Accounts[wrBiz]
	if n := e.archivedOf(wrBiz); n != 60 || !c.Done || c.Listed != 60 || len(c.Gaps) != 0 {
		t.Errorf("%d of 60 archived; cursor %+v", n, c)
	}
	dups := 0
	for u, n := range seen {
		if n > 1 {
			dups++
			t.Logf("captured %d times: %s", n, u)
		}
	}
	if dups > 0 { // an article archived before the queue was saved is not fetched again
		t.Errorf("%d articles captured more than once", dups)
	}
}

// TestAccountDeletionAboveAnOpenGap: while a burst of new posts is read
// over several passes (a gap), the account deletes a post above the gap's
// offset: the entry that moves up into the gap's start is still read.
func TestAccountDeletionAboveAnOpenGap(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 50, max_per_account: 40}\n", 4)
	e.run()
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := 100; i < 125; i++ {
		e.publish(i, at.Add(time.Duration(i)*time.Hour))
	}
	e.run() // reads 15 of the 25 new pushes: a gap at 15
	if c := e.queue().Accounts[wrBiz]; len(c.Gaps) != 1 || c.Gaps[0].Offset != 15 {
		t.Fatalf("cursor %+v, want a gap at 15", c)
	}
	e.wr.Delete(wrBiz, "h124~x") // the newest push goes: every entry moves up one
	e.wr.Delete(wrBiz, "s124")
	for range 5 {
		e.run()
	}
	for i := 100; i < 124; i++ {
		for _, tok := range []string{fmt.Sprintf("h%03d_x", i), fmt.Sprintf("s%03d", i)} {
			if _, ok := e.store.articles[longID(tok).Key()]; !ok {
				t.Errorf("never archived: %s; cursor %+v", tok, e.queue().Accounts[wrBiz])
			}
		}
	}
}

// TestAccountLegacyGap: a queue written before gaps had a stop (one gap
// offset) closes its gap at the first known article past the entry it
// reads again, not at that entry.
func TestAccountLegacyGap(t *testing.T) {
	e := newAccountEnv(t, "sources:\n  accounts: [\""+wrBiz+"\"]\nqueue: {max_per_run: 50, max_per_account: 40}\n", 4)
	e.run()
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := 100; i < 125; i++ {
		e.publish(i, at.Add(time.Duration(i)*time.Hour))
	}
	e.run()
	q := e.queue()
	c := q.Accounts[wrBiz]
	if len(c.Gaps) != 1 {
		t.Fatalf("cursor %+v", c)
	}
	c.Gap, c.Gaps = c.Gaps[0].Offset, nil
	if err := q.save(e.store); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		e.run()
	}
	if n := e.archivedOf(wrBiz); n != 58 {
		t.Errorf("%d of 58 archived; cursor %+v", n, e.queue().Accounts[wrBiz])
	}
}
