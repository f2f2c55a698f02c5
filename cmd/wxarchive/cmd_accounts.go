package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"wxarchive/pipeline"
)

type accountsOptions struct{ json bool }

func newAccountsCmd(e *env) *cobra.Command {
	var o accountsOptions
	c := &cobra.Command{
		Use:   "accounts",
		Short: "Show the followed accounts: articles archived, backfill, WeRead login",
		Long: `Show each account of sources.accounts: its name (once an article of it is archived),
articles archived and known (archived + queued), how far the backfill has gone, when it was last
listed, and the state of the WeRead login as the last passes found it ('login --status' checks it
now). Newly followed accounts start a few per pass (sources.accounts_per_pass, default 2): adding
accounts quickly gets a WeRead login blocked for a day.`,
		Example: `  wxarchive accounts
  wxarchive accounts --json`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runAccounts(o) }),
	}
	c.Flags().BoolVar(&o.json, "json", false, "one JSON object per account (docs/json.md)")
	return c
}

// accountJSON is one followed account (accounts --json).
type accountJSON struct {
	Account    string    `json:"account"`
	Name       string    `json:"name,omitempty"`
	Biz        string    `json:"biz,omitempty"`
	BookID     string    `json:"book_id,omitempty"`
	Archived   int       `json:"archived"`
	Known      int       `json:"known"`
	Listed     int       `json:"listed"`
	Backfill   string    `json:"backfill"`
	Offset     int       `json:"offset"`
	Oldest     time.Time `json:"oldest,omitzero"`
	Since      time.Time `json:"since,omitzero"`
	LastListed time.Time `json:"last_listed,omitzero"`
	Login      string    `json:"login"`
	Error      string    `json:"error,omitempty"`
}

func (e *env) runAccounts(o accountsOptions) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if len(cfg.Sources.Accounts) == 0 {
		fmt.Fprintln(e.stderr, "no followed accounts: list them under sources.accounts in pipeline.yaml")
		return nil
	}
	var list []pipeline.AccountStatus
	var state *pipeline.LoginState
	if dir := e.archiveDir(cfg); dirExists(dir) {
		a, err := e.openArchive()
		if err != nil {
			return err
		}
		if list, state, err = pipeline.AccountsStatus(cfg, runStore{a}); err != nil {
			return err
		}
	} else if list, state, err = pipeline.AccountsStatus(cfg, emptyStore{}); err != nil {
		return err
	}
	login, loginLine := e.loginSummary(state)
	if o.json {
		for _, s := range list {
			b, err := json.Marshal(accountJSON{Account: s.Account, Name: s.Name, Biz: s.Biz, BookID: s.BookID, Archived: s.Archived,
				Known: s.Archived + s.Queued, Listed: s.Listed, Backfill: s.Backfill, Offset: s.Offset, Oldest: s.Oldest, Since: s.Since,
				LastListed: s.LastListed, Login: login, Error: s.Error})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n", b)
		}
		return nil
	}
	fmt.Fprintln(e.stdout, loginLine)
	rows := [][]string{{"ACCOUNT", "ARCHIVED", "KNOWN", "BACKFILL", "LAST LISTED"}}
	waiting := 0
	for _, s := range list {
		name := s.Account
		if s.Name != "" && s.Name != s.Account {
			name = s.Name + " (" + s.BookID + ")"
		} else if s.BookID != "" && s.Name == "" {
			name = s.BookID
		}
		if s.Biz != "" && s.LastListed.IsZero() {
			waiting++
		}
		rows = append(rows, []string{oneLine(name), fmt.Sprint(s.Archived), fmt.Sprint(s.Archived + s.Queued), backfillText(s), showTime(s.LastListed)})
	}
	printTable(e.stdout, rows)
	for _, s := range list {
		if s.Error != "" {
			fmt.Fprintf(e.stdout, "%s: %s\n", oneLine(s.Account), oneLine(s.Error))
		}
	}
	if waiting > 0 {
		fmt.Fprintf(e.stdout, "%s not listed yet: at most %d new accounts start per pass (sources.accounts_per_pass), so that WeRead does not block the login\n",
			plural(waiting, "account"), cfg.Sources.NewAccountsPerPass())
	}
	return nil
}

// printTable writes rows in columns padded by display width (a Chinese
// character takes two cells, which tabwriter does not know), two spaces
// apart.
func printTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(runewidth.FillRight(c, widths[i]))
			b.WriteString("  ")
		}
		fmt.Fprintln(w, b.String())
	}
}

func backfillText(s pipeline.AccountStatus) string {
	switch s.Backfill {
	case pipeline.BackfillRunning:
		t := fmt.Sprintf("running, %d listed", s.Listed)
		if !s.Oldest.IsZero() {
			t += ", back to " + s.Oldest.Local().Format("2006-01-02")
		}
		return t
	case pipeline.BackfillDone:
		if !s.Since.IsZero() {
			return "done (since " + s.Since.Format("2006-01-02") + ")"
		}
		return "done"
	}
	return s.Backfill
}

// loginSummary is the login's state for accounts: a word and a line.
func (e *env) loginSummary(st *pipeline.LoginState) (string, string) {
	store, l, err := e.wereadLogin()
	switch {
	case err != nil:
		return "unusable", "WeRead login: unusable: " + err.Error()
	case l.Cookie.IsZero():
		return "missing", "WeRead login: none; run 'wxarchive login weread'"
	case st != nil && !st.Expired.IsZero() && st.Login == l.Cookie.Fingerprint(e.wereadIDKey(store)):
		return "expired", "WeRead login: expired (refused " + showTime(st.Expired) + "); run 'wxarchive login weread'"
	case st != nil && !st.LastOK.IsZero():
		return "ok", fmt.Sprintf("WeRead login: user %s, last worked %s ('wxarchive login --status' checks it now)", l.Cookie.VID(), showTime(st.LastOK))
	}
	return "unchecked", fmt.Sprintf("WeRead login: user %s, not used yet ('wxarchive login --status' checks it)", l.Cookie.VID())
}

// emptyStore is a pipeline.Store of an archive not created yet.
type emptyStore struct{}

func (emptyStore) Articles() ([]pipeline.Article, error) { return nil, nil }
func (emptyStore) ReadState(string) ([]byte, error)      { return nil, errNotExist }
func (emptyStore) WriteState(string, []byte) error       { return errReadOnly }
func (emptyStore) AppendLog(string, []byte) error        { return errReadOnly }
func (emptyStore) ReadLog(string) ([]byte, error)        { return nil, errNotExist }
