package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad duration", "fetch:\n  hosts:\n    default:\n      interval: 3x\n", `line 4: fetch.hosts.default.interval: bad duration "3x"`},
		{"unknown key", "archive:\n  dir: a\n  colour: red\n", `line 3: archive.colour: unknown key`},
		{"unknown top key", "sourcez: []\n", `line 1: sourcez: unknown key`},
		{"not a number", "follow:\n  depth: deep\n", `line 2: follow.depth: want a whole number, got "deep"`},
		{"not a bool", "archive:\n  images: maybe\n", `line 2: archive.images: want a true or false, got "maybe"`},
		{"list expected", "sources:\n  urls: https://mp.weixin.qq.com/s/abc\n", `line 2: sources.urls: want a list`},
		{"bad cron", "schedule:\n  cron: \"* * *\"\n", `line 2: schedule.cron: bad cron expression "* * *"`},
		{"empty cron", "schedule:\n  cron: \"\"\n", `line 2: schedule.cron: must not be empty`},
		{"bad zone", "schedule:\n  timezone: Mars/Olympus\n", `line 2: schedule.timezone: unknown time zone "Mars/Olympus"`},
		{"negative delay", "schedule:\n  start_delay: -5m\n", `line 2: schedule.start_delay: must not be negative, got -5m0s`},
		{"fraction for a number", "fetch:\n  max_body: 1.5\n", `line 2: fetch.max_body: want a whole number, got "1.5"`},
		{"exponent for a number", "queue:\n  max_per_run: 1e3\n", `line 2: queue.max_per_run: want a whole number, got "1e3"`},
		{"list for a number", "follow:\n  depth: [1]\n", `line 2: follow.depth: want a whole number, got a list`},
		{"mapping for a duration", "fetch:\n  timeout: {a: 1}\n", `line 2: fetch.timeout:`},
		{"negative retries", "fetch:\n  hosts:\n    default:\n      retries: -1\n", `line 4: fetch.hosts.default.retries: must not be negative`},
		{"negative max body", "fetch:\n  max_body: -1\n", `line 2: fetch.max_body: must not be negative`},
		{"max body over the page limit", "fetch:\n  max_body: 67108865\n", `line 2: fetch.max_body: at most 67108864 (64 MiB, the page size limit)`},
		{"bad host", "fetch:\n  hosts:\n    https://x/:\n      interval: 1s\n", `fetch.hosts.https://x/: want a host name`},
		{"not wechat", "sources:\n  urls:\n    - https://example.com/s?x=1\n", `line 3: sources.urls[0]: not a WeChat article link`},
		{"album in urls", "sources:\n  urls:\n    - https://mp.weixin.qq.com/mp/appmsgalbum?__biz=QQ==&album_id=1\n", `sources.urls[0]: "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=QQ==&album_id=1" is an album`},
		{"temp link", "sources:\n  urls:\n    - https://mp.weixin.qq.com/s?src=11&timestamp=1&signature=x\n", `temporary search link`},
		{"bad album", "sources:\n  albums:\n    - https://mp.weixin.qq.com/s/abc\n", `line 3: sources.albums[0]: not an album link`},
		{"bad feed", "sources:\n  feeds:\n    - ftp://x/feed\n", `line 3: sources.feeds[0]: want an http(s) URL`},
		{"negative depth", "follow:\n  depth: -1\n", `line 2: follow.depth: must not be negative`},
		{"recheck order", "recheck:\n  after: [1d, 1h]\n", `line 2: recheck.after[1]: must be longer than the one before`},
		{"recheck zero", "recheck:\n  after: [0s]\n", `recheck.after[0]: must be positive`},
		{"syntax", "archive:\n  dir: [\n", `line 2: did not find expected node content`},
		{"empty dir", "archive:\n  dir: \"\"\n", `line 2: archive.dir: must not be empty`},
		{"negative per account", "queue:\n  max_per_account: -1\n", `line 2: queue.max_per_account: must not be negative`},
		{"negative attempts", "queue:\n  max_attempts: -2\n", `line 2: queue.max_attempts: must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse: no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

func TestLoadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipeline.yaml")
	if err := os.WriteFile(p, []byte("archive:\n  dir: a\nfetch:\n  timeout: 3x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	want := p + `:4: fetch.timeout: bad duration "3x"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Load error = %v, want prefix %q", err, want)
	}
}

func TestParseValid(t *testing.T) {
	c, err := Parse([]byte(`
archive: {dir: ./a, images: false}
schedule: {cron: "15 3 * * *", timezone: Europe/Paris, start_delay: 10m}
fetch:
  user_agent: test
  timeout: 30s
  max_body: 1000
  hosts:
    default: {interval: 1s}
    mp.weixin.qq.com: {interval: 20s, jitter: 10s, concurrency: 1, retries: 2}
sources:
  urls: ["https://mp.weixin.qq.com/s/abc", "http://mp.weixin.qq.com/s?__biz=QQ==&amp;mid=1&amp;idx=2&amp;sn=x"]
  url_files: [links.md]
  feeds: [https://rsshub.example/feed, feed.xml]
  albums: ["https://mp.weixin.qq.com/mp/appmsgalbum?__biz=QQ==&album_id=42"]
follow: {depth: 2, same_account: true, max_per_run: 5}
recheck: {after: [1h, 1d, 7d], every: 30d, max_per_run: 20}
queue: {max_attempts: 4}
strip: {disable: []}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ImagesEnabled() || c.Schedule.StartDelay != Duration(10*time.Minute) || c.Recheck.Every != Duration(30*24*time.Hour) ||
		*c.Fetch.Hosts["mp.weixin.qq.com"].Retries != 2 || c.Location().String() != "Europe/Paris" || !c.Follow.SameAccount {
		t.Errorf("unexpected config %+v", c)
	}
}

func TestRepoPipelineYAML(t *testing.T) {
	c, err := Load("../pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Archive.Dir == "" || c.Location().String() != "Asia/Shanghai" {
		t.Errorf("repo pipeline.yaml: %+v", c)
	}
}

// TestDefaultsStayUnderDailyBudget checks that the built-in defaults and the
// shipped pipeline.yaml cap article fetches per day under MaxFetchesPerDay.
func TestDefaultsStayUnderDailyBudget(t *testing.T) {
	repo, err := Load("../pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Config{"Default()": Default(), "pipeline.yaml": repo} {
		if c.Queue.MaxPerRun <= 0 || c.Recheck.MaxPerRun <= 0 {
			t.Errorf("%s: queue.max_per_run %d, recheck.max_per_run %d: want caps", name, c.Queue.MaxPerRun, c.Recheck.MaxPerRun)
			continue
		}
		sched, err := cron.ParseStandard(c.Schedule.Cron)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, c.Location())
		passes := 0
		for at := sched.Next(start.Add(-time.Second)); at.Before(start.Add(24 * time.Hour)); at = sched.Next(at) {
			passes++
		}
		perDay := passes * (c.Queue.MaxPerRun + c.Recheck.MaxPerRun + len(c.Sources.Albums))
		if c.Queue.MaxPerAccount <= 0 || passes*c.Queue.MaxPerAccount > MaxFetchesPerAccountPerDay {
			t.Errorf("%s: %d passes a day × queue.max_per_account %d, over %d", name, passes, c.Queue.MaxPerAccount, MaxFetchesPerAccountPerDay)
		}
		if perDay > MaxFetchesPerDay {
			t.Errorf("%s: %d passes a day × caps = %d page fetches, over %d", name, passes, perDay, MaxFetchesPerDay)
		}
	}
}

// A politeness field written as 0 means 0; a field left out stays unset so
// the fetcher's built-in value applies.
func TestPoliteZeroIsNotUnset(t *testing.T) {
	c, err := Parse([]byte("fetch:\n  hosts:\n    mp.weixin.qq.com: {interval: 0s, retries: 0}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Fetch.Hosts["mp.weixin.qq.com"]
	if p.Interval == nil || *p.Interval != 0 || p.Retries == nil || *p.Retries != 0 {
		t.Errorf("explicit zeros lost: %+v", p)
	}
	if p.Jitter != nil || p.Concurrency != nil {
		t.Errorf("fields left out are set: %+v", p)
	}
}

// TestTemplate: what `wxarchive init` writes is a valid configuration
// with an inbox.
func TestTemplate(t *testing.T) {
	c, err := Parse(Template())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources.Saved) != 1 || c.Sources.Saved[0] != TemplateInbox || c.Archive.Dir != "./archive" || len(c.Sources.URLs) != 0 {
		t.Errorf("%+v", c.Sources)
	}
}

// TestResolvePath: a path in pipeline.yaml is relative to the file's
// folder, and "~/" is the user's home, as the comments of pipeline.yaml
// suggest ("- ~/wechat-inbox").
func TestResolvePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := t.TempDir()
	p := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte("archive: {dir: ~/wx}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"~/wechat-inbox", filepath.Join(home, "wechat-inbox")},
		{"~", home},
		{"inbox", filepath.Join(dir, "inbox")},
		{"/abs/inbox", "/abs/inbox"},
		{"~user/x", filepath.Join(dir, "~user/x")}, // another user's home is not guessed
	} {
		if got := c.Resolve(tc.in); got != tc.want {
			t.Errorf("Resolve(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Default().Resolve("~/x"); got != filepath.Join(home, "x") {
		t.Errorf("default config: %q", got)
	}
}
