package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"wxarchive/discover/weread"
)

type loginOptions struct {
	cookieFile, check string
	status, json      bool
	logout            bool
}

func newLoginCmd(e *env) *cobra.Command {
	var o loginOptions
	c := &cobra.Command{
		Use:   "login weread | login --status | login --logout",
		Short: "Store or check the WeRead login used to follow accounts",
		Long: `Followed accounts (sources.accounts) are listed through your WeRead (微信读书) web
login. 'login weread' reads the cookie of weread.qq.com from a logged-in browser (pasted on
stdin, or --cookie-file: the Cookie header, "Copy as cURL", cookies.txt or a JSON export),
checks it with one listing request (the first followed account, or --check), and stores it in
$XDG_CONFIG_HOME/wxarchive/ (else ~/.config/wxarchive/), mode 0600: never in pipeline.yaml,
never in the archive, never in logs. WXARCHIVE_WEREAD_COOKIE, when set, is used instead.

'login --status' says whether the login still works (one listing request).
WeRead web sessions are reported to last about a day to a few days; when it expires, the
next pass says so and records a login_expired event: log in again.`,
		Example: `  wxarchive login weread < cookie.txt
  wxarchive login weread --cookie-file ~/Downloads/weread-cookies.txt --check 'https://mp.weixin.qq.com/s?__biz=…'
  wxarchive login --status
  wxarchive login --logout`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return []cobra.Completion{"weread"}, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: action(func(cmd *cobra.Command, args []string) error {
			if err := loginFlagsAgree(o); err != nil {
				return err
			}
			switch {
			case len(args) == 0 && o.logout:
				return e.runLogout()
			case len(args) == 0 && o.status:
				return e.runLoginStatus(cmd.Context(), o)
			case len(args) == 1 && args[0] == "weread":
				if o.status {
					return e.runLoginStatus(cmd.Context(), o)
				}
				if o.logout {
					return e.runLogout()
				}
				return e.runLogin(cmd.Context(), o)
			case len(args) == 0:
				return usageErrorf("name the service: wxarchive login weread (or --status)")
			}
			return usageErrorf("unknown login %q: only weread", strings.Join(args, " "))
		}),
	}
	f := c.Flags()
	f.StringVar(&o.cookieFile, "cookie-file", "", "read the cookie from `FILE` instead of stdin")
	f.StringVar(&o.check, "check", "", "check the login with this `ACCOUNT` (article link or __biz; default: the first followed account)")
	f.BoolVar(&o.status, "status", false, "say whether the stored login works (one listing request)")
	f.BoolVar(&o.json, "json", false, "with --status: one JSON object (docs/json.md)")
	f.BoolVar(&o.logout, "logout", false, "remove the stored login")
	return c
}

// loginFlagsAgree refuses flags that contradict each other or would be
// ignored: --status and --logout are actions of their own, --json goes
// with --status, --cookie-file only with a new login, --check not with
// --logout.
func loginFlagsAgree(o loginOptions) error {
	switch {
	case o.status && o.logout:
		return usageErrorf("--status and --logout: give one")
	case o.logout && o.cookieFile != "":
		return usageErrorf("--logout takes no --cookie-file")
	case o.logout && o.check != "":
		return usageErrorf("--logout takes no --check")
	case o.status && o.cookieFile != "":
		return usageErrorf("--status checks the stored login: --cookie-file is for 'login weread'")
	case o.json && !o.status:
		return usageErrorf("--json goes with --status")
	}
	return nil
}

// readCookie reads what the user pastes: one line from a terminal (not
// echoed), else the whole input.
func (e *env) readCookie(o loginOptions) (weread.Cookie, error) {
	var text string
	switch {
	case o.cookieFile != "":
		f, err := os.Open(o.cookieFile)
		if err != nil {
			return weread.Cookie{}, err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, 2<<20))
		if err != nil {
			return weread.Cookie{}, err
		}
		text = string(b)
	default:
		if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprint(e.stderr, "Paste the Cookie header of weread.qq.com from a logged-in browser (developer tools, Network, any request), then Enter (not shown):\n")
			b, err := term.ReadPassword(int(f.Fd()))
			if err != nil {
				return weread.Cookie{}, err
			}
			text = string(b)
		} else {
			b, err := io.ReadAll(io.LimitReader(e.stdin, 2<<20))
			if err != nil {
				return weread.Cookie{}, err
			}
			text = string(b)
		}
	}
	return weread.ParseCookie(text)
}

func (e *env) runLogin(ctx context.Context, o loginOptions) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	biz, err := checkAccount(cfg, o.check)
	if err != nil {
		return err
	}
	cookie, err := e.readCookie(o)
	if err != nil {
		return usageError(err)
	}
	store, err := weread.DefaultStore(e.getenv)
	if err != nil {
		return err
	}
	fc, err := e.wereadFetcher(cfg)
	if err != nil {
		return err
	}
	now := time.Now()
	l := weread.Login{Cookie: cookie, Saved: now}
	c := weread.New(fc, cookie, weread.Options{Log: e.log})
	p, err := c.List(ctx, biz, 0)
	switch until, blocked := blockedUntil(err); {
	case err == nil:
		l.Cookie, l.Checked = c.Cookie(), now
		if err := store.Save(l); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "WeRead login of user %s works (%s lists %s on its first page); stored in %s\n",
			cookie.VID(), bookOf(biz), plural(len(p.Articles), "article"), store.Path())
	case blocked:
		if err := store.Save(l); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "WeRead login of user %s stored in %s, not checked: WeRead is left alone until %s (%v)\n",
			cookie.VID(), store.Path(), showTime(until), err)
	case weread.KindOf(err) == weread.KindLogin:
		return fmt.Errorf("WeRead refused this login, nothing stored: %w; copy the cookie again from a browser logged in to weread.qq.com", err)
	default:
		return fmt.Errorf("could not check the login, nothing stored: %w", err)
	}
	if e.getenv(weread.EnvCookie) != "" {
		fmt.Fprintf(e.stderr, "note: %s is set and is used instead of the stored login\n", weread.EnvCookie)
	}
	from, to := l.LikelyExpiry()
	fmt.Fprintf(e.stdout, "WeRead sessions are reported to last a day to a few days: expect to log in again between %s and %s.\n", showTime(from), showTime(to))
	return nil
}

func (e *env) runLogout() error {
	store, err := weread.DefaultStore(e.getenv)
	if err != nil {
		return err
	}
	if err := store.Remove(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "WeRead login removed from %s\n", store.Path())
	return nil
}

// blockedUntil reports whether err means WeRead was not asked (or refused
// for now) because of a block or cool-down.
func blockedUntil(err error) (time.Time, bool) {
	var b interface{ Blocked() (time.Time, bool) }
	if errors.As(err, &b) {
		return b.Blocked()
	}
	return time.Time{}, false
}

// loginStatusJSON is `login --status --json`.
type loginStatusJSON struct {
	Service       string    `json:"service"`
	State         string    `json:"state"` // ok, expired, missing, unchecked, failed
	Source        string    `json:"source,omitempty"`
	User          string    `json:"user,omitempty"`
	Saved         time.Time `json:"saved,omitzero"`
	Checked       time.Time `json:"checked,omitzero"`
	ExpiresAfter  time.Time `json:"likely_expires_after,omitzero"`
	ExpiresBefore time.Time `json:"likely_expires_before,omitzero"`
	Account       string    `json:"account,omitempty"`
	Error         string    `json:"error,omitempty"`
}

func (e *env) runLoginStatus(ctx context.Context, o loginOptions) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st := loginStatusJSON{Service: "weread", State: "missing"}
	store, l, lerr := e.wereadLogin()
	switch {
	case lerr != nil:
		st.State, st.Error = "failed", lerr.Error()
	case l.Cookie.IsZero():
		st.Error = "no login stored: run wxarchive login weread"
	default:
		st.Source, st.User, st.Saved, st.Checked = l.Source, l.Cookie.VID(), l.Saved, l.Checked
		if !l.Saved.IsZero() {
			st.ExpiresAfter, st.ExpiresBefore = l.LikelyExpiry()
		}
		st.State = "unchecked"
		biz, err := checkAccount(cfg, o.check)
		if err != nil {
			st.Error = err.Error()
			break
		}
		st.Account = bookOf(biz)
		fc, err := e.wereadFetcher(cfg)
		if err != nil {
			return err
		}
		c := weread.New(fc, l.Cookie, weread.Options{Log: e.log})
		_, err = c.List(ctx, biz, 0)
		_, blocked := blockedUntil(err)
		switch {
		case err == nil:
			st.State, st.Checked = "ok", time.Now()
			if l.Source != weread.EnvCookie {
				l.Cookie, l.Checked = c.Cookie(), st.Checked
				if err := store.Save(l); err != nil {
					e.log.Warn("could not note the check in the login file", "err", err)
				}
			}
		case blocked:
			st.Error = err.Error()
		case weread.KindOf(err) == weread.KindLogin:
			st.State, st.Error = "expired", err.Error()
		default:
			st.State, st.Error = "failed", err.Error()
		}
	}
	if o.json {
		b, _ := json.Marshal(st)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		e.printLoginStatus(st)
	}
	if st.State != "ok" {
		return exitCode(exitFail)
	}
	return nil
}

func (e *env) printLoginStatus(st loginStatusJSON) {
	w := e.stdout
	switch st.State {
	case "ok":
		fmt.Fprintf(w, "WeRead login of user %s works (checked on %s).\n", st.User, st.Account)
	case "expired":
		fmt.Fprintf(w, "WeRead login of user %s no longer works: log in again with 'wxarchive login weread'.\n", st.User)
	case "missing":
		fmt.Fprintln(w, "No WeRead login: run 'wxarchive login weread'.")
	case "unchecked":
		fmt.Fprintf(w, "WeRead login of user %s not checked now.\n", st.User)
	default:
		fmt.Fprintln(w, "WeRead login could not be checked.")
	}
	if st.Source != "" {
		fmt.Fprintf(w, "  from:     %s\n", st.Source)
	}
	if !st.Saved.IsZero() {
		fmt.Fprintf(w, "  stored:   %s\n", showTime(st.Saved))
		fmt.Fprintf(w, "  expires:  likely between %s and %s (sessions are reported to last a day to a few days)\n", showTime(st.ExpiresAfter), showTime(st.ExpiresBefore))
	}
	if !st.Checked.IsZero() {
		fmt.Fprintf(w, "  worked:   %s\n", showTime(st.Checked))
	}
	if st.Error != "" {
		fmt.Fprintf(w, "  problem:  %s\n", st.Error)
	}
}
