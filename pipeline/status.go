package pipeline

import (
	"fmt"
	"time"

	"wxarchive/config"
	"wxarchive/discover/weread"
	"wxarchive/model"
)

// AccountStatus is where one followed account stands (`wxarchive accounts`).
type AccountStatus struct {
	Account    string    // as written in sources.accounts
	Name       string    // the account's name, once an article of it is archived
	Biz        string    // "" while a name cannot be resolved
	BookID     string    // WeRead's book id
	Archived   int       // articles of the account in the archive
	Queued     int       // listed, waiting in the queue
	Listed     int       // articles the listing gave so far
	Backfill   string    // "not started", "running", "done", "off"
	Offset     int       // backfill: listing entries read
	Oldest     time.Time // backfill: oldest article listed
	Since      time.Time // backfill bound (sources.accounts since)
	LastListed time.Time
	Error      string // the account's last listing error, or why it cannot be listed
}

// Backfill states.
const (
	BackfillNotStarted = "not started"
	BackfillRunning    = "running"
	BackfillDone       = "done"
	BackfillOff        = "off"
)

// AccountsStatus reports the followed accounts of cfg, from the archive
// and the queue in store, and what passes learnt of the WeRead login.
func AccountsStatus(cfg *config.Config, s Store) ([]AccountStatus, *LoginState, error) {
	q, err := loadQueue(s)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.Articles()
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: list archive: %w", err)
	}
	names := map[string]string{} // name → biz
	nameOf := map[string]string{}
	archived := map[string]int{}
	for _, a := range list {
		if a.Biz == "" {
			continue
		}
		archived[bizKey(a.Biz)]++
		if a.Account != "" {
			names[a.Account] = a.Biz
			nameOf[bizKey(a.Biz)] = a.Account
		}
	}
	queued := map[string]int{}
	for _, it := range q.Items {
		if it.Biz != "" {
			queued[bizKey(it.Biz)]++
		}
	}
	out := make([]AccountStatus, 0, len(cfg.Sources.Accounts))
	for _, a := range cfg.Sources.Accounts {
		st := AccountStatus{Account: a.Account, Since: a.Since, Backfill: BackfillNotStarted}
		if !a.DoBackfill() {
			st.Backfill = BackfillOff
		}
		biz, err := resolveAccount(a, names)
		if err != nil {
			st.Error = err.Error()
			out = append(out, st)
			continue
		}
		st.Biz = biz
		if b, err := weread.BookID(biz); err == nil {
			st.BookID = b
		}
		k := bizKey(biz)
		st.Name, st.Archived, st.Queued = nameOf[k], archived[k], queued[k]
		if c := q.Accounts[biz]; c != nil {
			st.Listed, st.Offset, st.Oldest, st.LastListed, st.Error = c.Listed, c.Offset, c.Oldest, c.LastListed, c.LastError
			switch {
			case !a.DoBackfill():
			case c.Done:
				st.Backfill = BackfillDone
			case !c.LastListed.IsZero():
				st.Backfill = BackfillRunning
			}
		}
		out = append(out, st)
	}
	return out, q.WeRead, nil
}

// bizKey compares __biz values written with or without padding.
func bizKey(biz string) string {
	if n, err := model.BizNumber(biz); err == nil {
		return n
	}
	return biz
}
