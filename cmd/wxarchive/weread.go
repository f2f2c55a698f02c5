package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"time"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/discover/weread"
	"wxarchive/fetcher"
	"wxarchive/ingest"
	"wxarchive/model"
	"wxarchive/pipeline"
)

// wereadLogin is the WeRead login to use (WXARCHIVE_WEREAD_COOKIE, else the
// stored one) and its store. A missing login is no error: the zero Login.
func (e *env) wereadLogin() (weread.Store, weread.Login, error) {
	store, err := weread.DefaultStore(e.getenv)
	if err != nil {
		return weread.Store{}, weread.Login{}, err
	}
	l, err := weread.Current(store, e.getenv)
	if errors.Is(err, weread.ErrNoLogin) {
		return store, weread.Login{}, nil
	}
	return store, l, err
}

// wereadClient is a WeRead client over fc with the login as stored now,
// storing cookies the server renews. A login that cannot be read is logged
// and treated as none (the pass then says so).
func (e *env) wereadClient(fc *fetcher.Client) *weread.Client {
	store, l, err := e.wereadLogin()
	if err != nil {
		e.log.Error("weread login unusable", "err", err)
		l = weread.Login{}
	}
	report := func(err error) { e.log.Error("store renewed weread login", "err", err) }
	return weread.New(fc, l.Cookie, weread.Options{Log: e.log, Renewed: store.Renewer(l, time.Now, report)})
}

// liveLister is the pipeline's account lister for a long-running daemon:
// it reads the login again before each pass's listings, so a new
// `login weread` is used without a restart.
type liveLister struct {
	e     *env
	fc    *fetcher.Client
	every time.Duration // how often the login is read again; 0: 10s

	mu   sync.Mutex
	c    *weread.Client
	last time.Time
}

var _ pipeline.AccountLister = (*liveLister)(nil)

// client is the client of the login stored now (read at most every few
// seconds: a pass lists several pages in a row).
func (l *liveLister) client() *weread.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	every := l.every
	if every <= 0 {
		every = 10 * time.Second
	}
	if l.c != nil && time.Since(l.last) < every {
		return l.c
	}
	next := l.e.wereadClient(l.fc)
	if l.c == nil || next.Cookie().Fingerprint() != l.c.Cookie().Fingerprint() || next.Cookie().IsZero() != l.c.Cookie().IsZero() {
		l.c = next
	}
	l.last = time.Now()
	return l.c
}

func (l *liveLister) ListAccount(ctx context.Context, biz string, offset int) (pipeline.AccountPage, error) {
	return pipeline.WeReadLister(l.client()).ListAccount(ctx, biz, offset)
}

func (l *liveLister) Login() string { return pipeline.WeReadLister(l.client()).Login() }

// wereadFetcher is the fetcher for login checks: with the archive's
// cool-downs and daily counts when the archive exists, so a check obeys a
// risk-control cool-down a pass started.
func (e *env) wereadFetcher(cfg *config.Config) (*fetcher.Client, error) {
	var a *archive.Archive
	if dir := e.archiveDir(cfg); dirExists(dir) {
		var err error
		if a, err = archive.Open(dir); err != nil {
			return nil, err
		}
		a.SetLogger(e.log)
	}
	return ingest.NewFetcher(cfg.Fetch, a, e.log)
}

func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// checkAccount is the __biz a login check lists: --check, else the first
// followed account of the configuration that names its __biz.
func checkAccount(cfg *config.Config, flag string) (string, error) {
	if flag != "" {
		r, err := config.Account{Account: flag}.Ref()
		if err != nil {
			return "", usageErrorf("--check: %v", err)
		}
		if r.Biz == "" {
			return "", usageErrorf("--check %q: name the account by an article link or its __biz", flag)
		}
		return r.Biz, nil
	}
	for _, a := range cfg.Sources.Accounts {
		if r, err := a.Ref(); err == nil && r.Biz != "" {
			return r.Biz, nil
		}
	}
	return "", usageErrorf("no followed account with a __biz in the configuration to check the login with: add --check LINK|__biz")
}

// bookOf names an account for messages.
func bookOf(biz string) string {
	if n, err := model.BizNumber(biz); err == nil {
		return "MP_WXS_" + n
	}
	return biz
}

func showDay(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

var (
	errNotExist = fs.ErrNotExist
	errReadOnly = errors.New("no archive")
)
