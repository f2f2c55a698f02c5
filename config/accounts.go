package config

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// Account is one entry of sources.accounts: an account followed through the
// user's WeRead login. It is written as a string naming the account — any
// article link of it (long form, with __biz), its __biz, its WeRead book id
// (MP_WXS_…), or its name once an article of it is archived — or as a
// mapping with that string under "account" and these options:
//
//	accounts:
//	  - account: https://mp.weixin.qq.com/s?__biz=…&mid=…&idx=…
//	    since: 2024-01-01   # backfill no further back than this day
//	    backfill: false     # new posts only, nothing older than the first listing
type Account struct {
	Account  string    `yaml:"account"`
	Since    time.Time `yaml:"since"`    // zero: the whole history
	Backfill *bool     `yaml:"backfill"` // nil: true
}

// DoBackfill reports whether older posts are read (backfill: true, the default).
func (a Account) DoBackfill() bool { return a.Backfill == nil || *a.Backfill }

var accountKeys = []string{"account", "since", "backfill"}

// UnmarshalYAML reads the string or the mapping form.
func (a *Account) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*a = Account{Account: strings.TrimSpace(n.Value)}
		return nil
	case yaml.MappingNode:
	default:
		return fmt.Errorf("want an account (link, __biz or name) or a mapping with account, since, backfill")
	}
	var out Account
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: want a single value", k.Value)
		}
		switch k.Value {
		case "account":
			out.Account = strings.TrimSpace(v.Value)
		case "since":
			t, err := ParseDay(v.Value)
			if err != nil {
				return fmt.Errorf("since: %w", err)
			}
			out.Since = t
		case "backfill":
			var b bool
			if err := v.Decode(&b); err != nil || v.ShortTag() != "!!bool" {
				return fmt.Errorf("backfill: want true or false, got %q", v.Value)
			}
			out.Backfill = &b
		default:
			return fmt.Errorf("unknown key %q (known: %s)", k.Value, strings.Join(accountKeys, ", "))
		}
	}
	*a = out
	return nil
}

// ParseDay reads a day (2024-01-01, China time) or an RFC 3339 time.
func ParseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, model.ChinaTime); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("bad date %q (want e.g. 2024-01-01)", s)
}

// AccountRef is what an accounts entry names: the account's __biz, or only
// its name (resolved against the archive when the pipeline runs).
type AccountRef struct {
	Biz  string
	Name string
}

// Ref reads what the entry names. Errors say why it names no account.
func (a Account) Ref() (AccountRef, error) {
	s := strings.TrimSpace(a.Account)
	switch {
	case s == "":
		return AccountRef{}, fmt.Errorf("names no account: want an article link, a __biz or the account's name")
	case strings.Contains(s, "://") || strings.HasPrefix(strings.ToLower(s), model.Host):
		l, err := model.ParseLink(s)
		if err != nil {
			return AccountRef{}, fmt.Errorf("not a WeChat link: %q", s)
		}
		if l.Kind == model.KindShort || l.ID.Biz == "" {
			return AccountRef{}, fmt.Errorf("%q names no account (a short link carries no __biz): use a long link (…/s?__biz=…) or the __biz", s)
		}
		if _, err := model.BizNumber(l.ID.Biz); err != nil {
			return AccountRef{}, fmt.Errorf("%q: its __biz is not an account id", s)
		}
		return AccountRef{Biz: l.ID.Biz}, nil
	case strings.HasPrefix(s, "MP_WXS_"):
		biz, err := model.BizOfNumber(strings.TrimPrefix(s, "MP_WXS_"))
		if err != nil {
			return AccountRef{}, fmt.Errorf("%q is not a WeRead account book id (MP_WXS_ and a number)", s)
		}
		return AccountRef{Biz: biz}, nil
	}
	if _, err := model.BizNumber(s); err == nil {
		return AccountRef{Biz: s}, nil
	}
	if strings.ContainsAny(s, "\n\r\t") || len(s) > 200 {
		return AccountRef{}, fmt.Errorf("%q is not an account name", s)
	}
	return AccountRef{Name: s}, nil
}

// Key is how two entries are compared: the __biz, else the name.
func (r AccountRef) Key() string {
	if r.Biz != "" {
		if n, err := model.BizNumber(r.Biz); err == nil {
			return "biz:" + n
		}
		return "biz:" + r.Biz
	}
	return "name:" + r.Name
}

func (c *Config) validateAccounts() []error {
	var errs []error
	if n := c.Sources.AccountsPerPass; n < 0 || n > 20 {
		f := "sources.accounts_per_pass"
		errs = append(errs, &Error{Line: c.lines[f], Field: f, Msg: fmt.Sprintf("want 1 to 20 new accounts a pass, got %d (adding accounts quickly gets a WeRead login blocked for a day)", n)})
	}
	seen := map[string]int{}
	for i, a := range c.Sources.Accounts {
		f := fmt.Sprintf("sources.accounts[%d]", i)
		r, err := a.Ref()
		if err != nil {
			errs = append(errs, &Error{Line: c.lines[f], Field: f, Msg: err.Error()})
			continue
		}
		if j, dup := seen[r.Key()]; dup {
			errs = append(errs, &Error{Line: c.lines[f], Field: f, Msg: fmt.Sprintf("the same account as sources.accounts[%d]", j)})
			continue
		}
		seen[r.Key()] = i
		if !a.Since.IsZero() && !a.DoBackfill() {
			errs = append(errs, &Error{Line: c.lines[f], Field: f, Msg: "since and backfill: false together: since bounds a backfill, which is off"})
		}
	}
	return errs
}
