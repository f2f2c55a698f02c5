package config

import (
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

func TestAccounts(t *testing.T) {
	c, err := Parse([]byte(`sources:
  accounts:
    - https://mp.weixin.qq.com/s?__biz=Mzg5NTc4ODkzOA==&mid=1&idx=1&sn=x
    - MzA3MDM3NjE5NQ==
    - MP_WXS_3528995129
    - 某某读书会
    - account: 另一个号
      since: 2024-03-01
    - {account: MzI0NjA2NzY5MA==, backfill: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []AccountRef{{Biz: "Mzg5NTc4ODkzOA=="}, {Biz: "MzA3MDM3NjE5NQ=="}, {Biz: "MzUyODk5NTEyOQ=="}, {Name: "某某读书会"}, {Name: "另一个号"}, {Biz: "MzI0NjA2NzY5MA=="}}
	if len(c.Sources.Accounts) != len(want) {
		t.Fatalf("%d accounts", len(c.Sources.Accounts))
	}
	for i, a := range c.Sources.Accounts {
		r, err := a.Ref()
		if err != nil || r != want[i] {
			t.Errorf("[%d] %+v → %+v %v, want %+v", i, a, r, err, want[i])
		}
	}
	if s := c.Sources.Accounts[4].Since; !s.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, model.ChinaTime)) {
		t.Errorf("since = %v", s)
	}
	if c.Sources.Accounts[5].DoBackfill() || !c.Sources.Accounts[0].DoBackfill() {
		t.Error("backfill flags wrong")
	}
}

func TestAccountErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"short link", "sources:\n  accounts:\n    - https://mp.weixin.qq.com/s/AbC_d-9\n", `line 3: sources.accounts[0]: "https://mp.weixin.qq.com/s/AbC_d-9" names no account (a short link`},
		{"other site", "sources:\n  accounts:\n    - https://example.com/x\n", `sources.accounts[0]: not a WeChat link`},
		{"empty", "sources:\n  accounts:\n    - \"\"\n", `sources.accounts[0]: names no account`},
		{"unknown key", "sources:\n  accounts:\n    - {account: x, sinse: 2024-01-01}\n", `line 3: sources.accounts[0]: unknown key "sinse"`},
		{"bad since", "sources:\n  accounts:\n    - {account: x, since: yesterday}\n", `sources.accounts[0]: since: bad date "yesterday"`},
		{"bad backfill", "sources:\n  accounts:\n    - {account: x, backfill: maybe}\n", `backfill: want true or false`},
		{"list", "sources:\n  accounts:\n    - [a, b]\n", `sources.accounts[0]: want an account`},
		{"duplicate", "sources:\n  accounts:\n    - Mzg5NTc4ODkzOA==\n    - https://mp.weixin.qq.com/s?__biz=Mzg5NTc4ODkzOA&mid=1&idx=1\n", `line 4: sources.accounts[1]: the same account as sources.accounts[0]`},
		{"bad book", "sources:\n  accounts:\n    - MP_WXS_abc\n", `not a WeRead account book id`},
		{"since without backfill", "sources:\n  accounts:\n    - {account: x, since: 2024-01-01, backfill: false}\n", `backfill, which is off`},
		{"daily cap", "fetch:\n  hosts:\n    weread.qq.com: {daily_cap: -1}\n", `fetch.hosts.weread.qq.com.daily_cap: must not be negative`},
		{"accounts per pass", "sources:\n  accounts_per_pass: 50\n", `line 2: sources.accounts_per_pass: want 1 to 20`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}
