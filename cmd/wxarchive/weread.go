package main

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/discover/weread"
	"wxarchive/fetcher"
	"wxarchive/ingest"
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
	// The load error goes with the client: the pass's summary says why.
	return weread.New(fc, l.Cookie, weread.Options{Log: e.log, Renewed: store.Renewer(l, time.Now, report), LoginErr: err,
		IDKey: e.wereadIDKey(store)})
}

// wereadIDKey is the key naming logins in the archive (weread.Store.IDKey);
// nil, with a warning, when it cannot be kept.
func (e *env) wereadIDKey(store weread.Store) []byte {
	if store.Dir == "" {
		return nil
	}
	k, err := store.IDKey()
	if err != nil {
		e.log.Warn("weread: no login id key: a refused login is recognised only within this run", "err", err)
		return nil
	}
	return k
}

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

// bookOf names an account for messages: its WeRead book id.
func bookOf(biz string) string {
	if b, err := weread.BookID(biz); err == nil {
		return b
	}
	return biz
}

var (
	errNotExist = fs.ErrNotExist
	errReadOnly = errors.New("no archive")
)
