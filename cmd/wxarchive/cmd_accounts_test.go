package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"wxarchive/discover/weread"
	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
	"wxarchive/pipeline"
)

const wrSkey = "SKEY-cli-7f3a9c"

func runIn(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// accountSetup follows runBiz through the fake WeRead, which lists n
// articles (one a push, tokens with '~'); each is served at its short link
// with '_'. It returns the fake, its WeRead and the configuration path.
func accountSetup(t *testing.T, n int) (*fakewx.Server, *fakewx.WeRead, string) {
	t.Helper()
	srv := fakewx.New(t)
	srv.Setenv(t)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	t.Setenv("WXARCHIVE_WEREAD_COOKIE", "")
	t.Setenv("WXARCHIVE_LOG", "debug")
	wr := srv.WeRead("77", wrSkey)
	wr.SetPageSize(3)
	for i := range n {
		mid := fmt.Sprint(2650000100 + i)
		wr.Publish(runBiz, fakewx.WRArticle{OriginalID: fmt.Sprintf("tok%d~%d", i, i), Title: "文章" + mid,
			Time: time.Date(2025, 1, 1+i, 8, 0, 0, 0, time.UTC)})
		srv.Page(fmt.Sprintf("/s/tok%d_%d", i, i), runPage(mid, "文章"+mid))
	}
	dir := t.TempDir()
	cfg := `archive: {dir: arch, images: false}
fetch:
  hosts:
    mp.weixin.qq.com: {interval: 0s, jitter: 0s, retries: 0}
    weread.qq.com: {interval: 0s, jitter: 0s, daily_cap: 50}
sources:
  accounts:
    - "https://mp.weixin.qq.com/s?__biz=` + runBiz + `&mid=1&idx=1"
queue: {max_per_run: 25, max_per_account: 4}
`
	p := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, wr, p
}

func TestFollowAccountEndToEnd(t *testing.T) {
	srv, wr, cfg := accountSetup(t, 6)
	var logs strings.Builder
	check := func(what, out, errs string) {
		logs.WriteString(out + errs)
		if strings.Contains(out+errs, wrSkey) {
			t.Fatalf("%s printed the cookie:\n%s\n%s", what, out, errs)
		}
	}

	// A bad cookie is refused and nothing is stored.
	code, out, errs := runIn("wr_vid=77; wr_skey=wrong", "login", "weread", "--config", cfg)
	check("login (wrong)", out, errs)
	if code != exitFail || !strings.Contains(errs, "WeRead refused this login, nothing stored") {
		t.Fatalf("wrong cookie: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runIn("", "login", "--status", "--config", cfg); code != exitFail || !strings.Contains(out, "No WeRead login") {
		t.Fatalf("status without login: %d %s", code, out)
	}

	code, out, errs = runIn("Cookie: wr_vid=77; wr_skey="+wrSkey+"; wr_rt=rt\n", "login", "weread", "--config", cfg)
	check("login", out, errs)
	if code != exitOK || !strings.Contains(out, "works") {
		t.Fatalf("login: exit %d\n%s%s", code, out, errs)
	}
	file := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "wxarchive", "weread-login.json")
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("login file: %v %v", st, err)
	}
	if data, _ := os.ReadFile(cfg); strings.Contains(string(data), wrSkey) {
		t.Fatal("the cookie went into pipeline.yaml")
	}

	// Passes: 6 articles, at most 4 of the account a pass.
	code, out, errs = runIn("", "run", "--once", "--config", cfg)
	check("run 1", out, errs)
	if code != exitOK || !strings.Contains(out, "discovered=6 fetched=4 created=4") || !strings.Contains(out, "listings=3") {
		t.Fatalf("run 1: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runIn("", "run", "--once", "--config", cfg)
	check("run 2", out, errs)
	if code != exitOK || !strings.Contains(out, "fetched=2 created=2") {
		t.Fatalf("run 2: exit %d\n%s%s", code, out, errs)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.URI, "~") {
			t.Errorf("requested %s", r.URI)
		}
	}

	code, out, errs = runIn("", "accounts", "--config", cfg)
	check("accounts", out, errs)
	if code != exitOK || !strings.Contains(out, "测试公众号 (MP_WXS_3070376195)") || !strings.Contains(out, "WeRead login: user 77, last worked") {
		t.Fatalf("accounts: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runIn("", "accounts", "--json", "--config", cfg)
	var acc accountJSON
	if code != exitOK || json.Unmarshal([]byte(out), &acc) != nil || acc.Archived != 6 || acc.Known != 6 || acc.Backfill != "done" || acc.Login != "ok" || acc.BookID != "MP_WXS_3070376195" {
		t.Fatalf("accounts --json: %d %s", code, out)
	}
	code, out, errs = runIn("", "login", "--status", "--config", cfg)
	check("status", out, errs)
	if code != exitOK || !strings.Contains(out, "works") || !strings.Contains(out, "expires:  likely between") {
		t.Fatalf("status: %d\n%s%s", code, out, errs)
	}

	// A new post costs one listing request; then the login expires.
	wr.Publish(runBiz, fakewx.WRArticle{OriginalID: "fresh", Title: "新", Time: time.Now()})
	srv.Page("/s/fresh", runPage("2650000999", "新"))
	before := len(wr.Listings())
	code, out, errs = runIn("", "run", "--once", "--config", cfg)
	check("run 3", out, errs)
	if code != exitOK || len(wr.Listings()) != before+1 || !strings.Contains(out, "discovered=1 fetched=1 created=1") {
		t.Fatalf("new post: %d listings, exit %d\n%s%s", len(wr.Listings())-before, code, out, errs)
	}
	wr.ExpireLoginAfter(0)
	code, out, errs = runIn("", "run", "--once", "--config", cfg)
	check("run 4", out, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitFail || len(lines) != 2 || !strings.HasPrefix(lines[1], "weread: login expired") {
		t.Fatalf("expired: exit %d\n%s%s", code, out, errs)
	}
	events, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "arch", ".wxarchive", "logs", "events.jsonl"))
	if err != nil || strings.Count(string(events), `"kind":"login_expired"`) != 1 || strings.Contains(string(events), wrSkey) {
		t.Fatalf("events: %s %v", events, err)
	}
	code, out, _ = runIn("", "accounts", "--json", "--config", cfg)
	if code != exitOK || !strings.Contains(out, `"login":"expired"`) {
		t.Errorf("accounts after expiry: %s", out)
	}
	if code, out, _ := runIn("", "login", "--status", "--json", "--config", cfg); code != exitFail || !strings.Contains(out, `"state":"expired"`) {
		t.Errorf("status after expiry: %d %s", code, out)
	}
	if !strings.Contains(logs.String(), "level=DEBUG") {
		t.Fatal("no debug logs captured: the cookie check means little")
	}
	// --json prints only documented fields.
	doc := docFields(t)
	for _, c := range []struct {
		cmd  string
		args []string
	}{
		{"accounts", []string{"accounts", "--json", "--config", cfg}},
		{"login", []string{"login", "--status", "--json", "--config", cfg}},
		{"run", []string{"run", "--once", "--json", "--config", cfg}},
	} {
		_, out, _ := runIn("", c.args...)
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Errorf("%s: %q", c.cmd, out)
		}
		for k := range m {
			if !slices.Contains(doc[c.cmd], k) {
				t.Errorf("%s prints %q, which docs/json.md does not document", c.cmd, k)
			}
		}
	}
}

// A daemon uses a login stored after it started, without a restart.
func TestLiveListerReadsNewLogin(t *testing.T) {
	srv, _, cfgPath := accountSetup(t, 2)
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: os.Getenv, config: cfgPath,
		log: slog.New(slog.NewTextHandler(&errb, nil))}
	fcfg := srv.FetcherConfig()
	fc, err := fetcher.New(fcfg)
	if err != nil {
		t.Fatal(err)
	}
	l := &pipeline.LiveLister{New: func() *weread.Client { return e.wereadClient(fc) }, Every: time.Nanosecond}
	if _, err := l.ListAccount(context.Background(), runBiz, 0); weread.KindOf(err) != weread.KindNoLogin || l.Login() != "" {
		t.Fatalf("before login: %v", err)
	}
	if code, o, es := runIn("wr_vid=77; wr_skey="+wrSkey, "login", "weread", "--config", cfgPath); code != exitOK {
		t.Fatalf("login: %s %s", o, es)
	}
	time.Sleep(time.Millisecond)
	if p, err := l.ListAccount(context.Background(), runBiz, 0); err != nil || len(p.Articles) != 2 || l.Login() == "" {
		t.Fatalf("after login: %+v %v", p, err)
	}
}

// TestRunSaysWhyTheLoginIsUnusable: a login file others can read is
// refused; run's summary says so (not "no WeRead login") and counts no
// listing.
func TestRunSaysWhyTheLoginIsUnusable(t *testing.T) {
	_, wr, cfg := accountSetup(t, 2)
	if code, out, errs := runIn("wr_vid=77; wr_skey="+wrSkey, "login", "weread", "--config", cfg); code != exitOK {
		t.Fatalf("login: %d %s%s", code, out, errs)
	}
	file := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "wxarchive", "weread-login.json")
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(wr.Listings())
	code, out, errs := runIn("", "run", "--once", "--config", cfg)
	if code != exitFail || !strings.Contains(out, "readable by others (mode 0644)") || strings.Contains(out, "no WeRead login") || strings.Contains(out, "listings=") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if len(wr.Listings()) != before {
		t.Error("a listing was sent")
	}
}

// TestAccountsOutput: the table's columns line up by display width with
// Chinese names, times carry their zone, listed counts distinct articles,
// and accounts waiting to start say why.
func TestAccountsOutput(t *testing.T) {
	var b strings.Builder
	printTable(&b, [][]string{{"ACCOUNT", "ARCHIVED", "LAST"}, {"测试公众号 (MP_WXS_1)", "6", "x"}, {"abc", "12", "y"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := -1
	for _, l := range lines {
		i := strings.Index(l, "  ")
		for i < len(l) && l[i] == ' ' {
			i++
		}
		if w := runewidth.StringWidth(l[:i]); col < 0 {
			col = w
		} else if w != col {
			t.Errorf("second column at %d, want %d:\n%s", w, col, b.String())
		}
	}

	_, _, cfg := accountSetup(t, 6)
	if code, out, errs := runIn("wr_vid=77; wr_skey="+wrSkey, "login", "weread", "--config", cfg); code != exitOK {
		t.Fatalf("login: %d %s%s", code, out, errs)
	}
	zoned := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d`)
	if code, out, _ := runIn("", "login", "--status", "--config", cfg); code != exitOK || !zoned.MatchString(out) {
		t.Errorf("login --status times without zone:\n%s", out)
	}
	for range 4 {
		runIn("", "run", "--once", "--config", cfg)
	}
	code, out, errs := runIn("", "accounts", "--config", cfg)
	if code != exitOK || !zoned.MatchString(out) {
		t.Fatalf("accounts: %d\n%s%s", code, out, errs)
	}
	tl := strings.Split(out, "\n")
	if len(tl) < 3 || runewidth.StringWidth(tl[1][:strings.Index(tl[1], "ARCHIVED")]) != runewidth.StringWidth(tl[2][:strings.Index(tl[2], "  ")+2]) {
		t.Errorf("accounts table misaligned:\n%s", out)
	}
	code, out, _ = runIn("", "accounts", "--json", "--config", cfg)
	var acc accountJSON
	if code != exitOK || json.Unmarshal([]byte(out), &acc) != nil || acc.Listed != 6 {
		t.Errorf("listed %d for 6 articles after 4 passes: %s", acc.Listed, out)
	}
}
