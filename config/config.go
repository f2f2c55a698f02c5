package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
	_ "time/tzdata" // time zones also on hosts without a zoneinfo database

	"go.yaml.in/yaml/v3"
)

// DefaultPath is where commands look for the configuration.
const DefaultPath = "pipeline.yaml"

// Config is pipeline.yaml.
type Config struct {
	Archive  Archive  `yaml:"archive"`
	Schedule Schedule `yaml:"schedule"`
	Fetch    Fetch    `yaml:"fetch"`
	Sources  Sources  `yaml:"sources"`
	Follow   Follow   `yaml:"follow"`
	Recheck  Recheck  `yaml:"recheck"`
	Queue    Queue    `yaml:"queue"`
	Strip    Strip    `yaml:"strip"`
	Notify   Notify   `yaml:"notify"`

	path  string         // the file it was read from, "" for defaults
	lines map[string]int // field path -> line, for validation messages
}

// Archive says where the archive lives.
type Archive struct {
	Dir    string `yaml:"dir"`
	Images *bool  `yaml:"images"` // download body images; default true
}

// Schedule is when `wxarchive run` runs without --once.
type Schedule struct {
	Cron       string   `yaml:"cron"`
	TimeZone   string   `yaml:"timezone"`
	StartDelay Duration `yaml:"start_delay"` // random delay before each run, up to this
}

// Fetch is politeness and identity of the HTTP client.
type Fetch struct {
	UserAgent string            `yaml:"user_agent"`
	Timeout   Duration          `yaml:"timeout"`
	MaxBody   int64             `yaml:"max_body"` // bytes; 0: the page size limit, model.MaxPageSize (also the most)
	Hosts     map[string]Polite `yaml:"hosts"`    // per host; "default" applies to the rest
}

// Polite is the politeness rule for one host. Fields left out (zero) take
// the value of the built-in rule for that host, else of the "default" entry.
// A field left out (nil) takes the built-in value for the host; a field
// written as 0 means 0 (no wait, no retry).
type Polite struct {
	Interval    *Duration `yaml:"interval"` // least time between two requests
	Jitter      *Duration `yaml:"jitter"`   // random extra wait, up to this
	Concurrency *int      `yaml:"concurrency"`
	Retries     *int      `yaml:"retries"`
	DailyCap    *int      `yaml:"daily_cap"` // requests a day (China time); 0 = no cap
}

// Sources is what the scheduled job discovers articles from.
type Sources struct {
	URLs     []string `yaml:"urls"`
	URLFiles []string `yaml:"url_files"`
	Feeds    []string `yaml:"feeds"`
	Albums   []string `yaml:"albums"`
	// Saved are inbox folders of pages saved from a browser, ingested
	// each pass (see pipeline's inbox).
	Saved []string `yaml:"saved"`
	// Accounts are followed through the user's WeRead login: backfilled
	// and checked for new posts (see Account).
	Accounts []Account `yaml:"accounts"`
	// AccountsPerPass is how many newly followed accounts start in one
	// pass (the others wait for the next passes): adding accounts quickly
	// gets a WeRead login blocked for a day. 0: DefaultAccountsPerPass.
	AccountsPerPass int `yaml:"accounts_per_pass"`
}

// DefaultAccountsPerPass is how many newly followed accounts start in one
// pass unless sources.accounts_per_pass says otherwise.
const DefaultAccountsPerPass = 2

// NewAccountsPerPass is sources.accounts_per_pass, or its default.
func (s Sources) NewAccountsPerPass() int {
	if s.AccountsPerPass > 0 {
		return s.AccountsPerPass
	}
	return DefaultAccountsPerPass
}

// Follow is following linked posts (related) of archived articles.
type Follow struct {
	Depth       int  `yaml:"depth"`
	SameAccount bool `yaml:"same_account"`
	MaxPerRun   int  `yaml:"max_per_run"`
}

// Recheck is revisiting archived articles to catch edits and deletions.
type Recheck struct {
	After     []Duration `yaml:"after"` // ages after publication at which to recheck
	Every     Duration   `yaml:"every"` // then this often
	MaxPerRun int        `yaml:"max_per_run"`
}

// Queue is how the persistent queue of discovered articles is worked off.
type Queue struct {
	MaxAttempts int `yaml:"max_attempts"` // drop an item after this many failed fetches; 0 = 3
	MaxPerRun   int `yaml:"max_per_run"`  // queued articles fetched per run; 0 = no cap
	// MaxPerAccount caps the pages of one account (__biz) fetched in a
	// run, queued and rechecked together; 0 = no cap.
	MaxPerAccount int `yaml:"max_per_account"`
}

// Strip extends or switches off promotional-block rules.
type Strip struct {
	Disable []string    `yaml:"disable"`
	Rules   []StripRule `yaml:"rules"`
}

// StripRule is a user-defined promotional-block rule; see extractor.Rule.
// With a selector it removes matching elements (whose text matches pattern,
// when set); with a pattern only it removes short blocks whose text matches.
// Position "tail" (pattern rules only) limits it to the second half of the
// body and then removes the block and everything after it.
type StripRule struct {
	Name     string `yaml:"name"`
	Selector string `yaml:"selector,omitempty"`  // CSS selector
	Pattern  string `yaml:"pattern,omitempty"`   // Go regular expression on the block text
	Position string `yaml:"position,omitempty"`  // anywhere (default) or tail
	MaxRunes int    `yaml:"max_runes,omitempty"` // longest block text to match; default 60
}

// Duration is a time.Duration written as "90s", "15m", "1d" or "2w".
type Duration time.Duration

// UnmarshalYAML parses Go durations plus d (days) and w (weeks).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration parses a Go duration, or a whole number of days ("7d") or
// weeks ("2w").
func ParseDuration(s string) (time.Duration, error) {
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		var k int
		if _, err := fmt.Sscanf(s[:n-1], "%d", &k); err == nil && fmt.Sprint(k) == s[:n-1] {
			unit := 24 * time.Hour
			if s[n-1] == 'w' {
				unit *= 7
			}
			return time.Duration(k) * unit, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want e.g. 90s, 15m, 6h, 7d)", s)
	}
	return v, nil
}

// Path is the file the configuration was read from.
func (c *Config) Path() string { return c.path }

// Dir is the folder relative paths in the configuration (url_files, local
// feeds) are resolved against: the configuration file's folder, else ".".
func (c *Config) Dir() string {
	if c.path == "" {
		return "."
	}
	return filepath.Dir(c.path)
}

// Resolve is the path p of the configuration names: "~" or "~/…" in the
// user's home, a relative path in the configuration file's folder (else
// the working folder), an absolute one as it is.
func (c *Config) Resolve(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir(), p)
}

// Load reads and validates a configuration file. Errors name the file, the
// line and the field: "pipeline.yaml:12: fetch.hosts.default.interval: bad
// duration ...".
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, withFile(err, path)
	}
	c.path = path
	return c, nil
}

// Parse decodes and validates configuration bytes. Errors are *Error values
// (several are joined with errors.Join).
func Parse(data []byte) (*Config, error) {
	c := Default()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(err)
	}
	if len(doc.Content) == 0 { // empty file: defaults
		return c, c.Validate()
	}
	c.lines = map[string]int{}
	if errs := check(doc.Content[0], reflect.TypeOf(c).Elem(), "", c.lines); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := doc.Content[0].Decode(c); err != nil {
		return nil, syntaxError(err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// MaxFetchesPerDay is the most article pages the scheduled job should fetch
// in a day: users report WeChat banning an IP after about 300. The per-run
// caps of Default (and of the shipped pipeline.yaml) stay under it at their
// schedule.
const MaxFetchesPerDay = 300

// MaxFetchesPerAccountPerDay is the same for the articles of one account:
// users report about 50.
const MaxFetchesPerAccountPerDay = 50

// Default is the configuration used when there is no pipeline.yaml. Fields
// a pipeline.yaml leaves out keep these values; the per-run caps keep four
// passes a day at 160 article fetches, well under MaxFetchesPerDay, and 48
// from one account.
func Default() *Config {
	return &Config{
		Archive:  Archive{Dir: "archive"},
		Schedule: Schedule{Cron: "0 */6 * * *", TimeZone: "Asia/Shanghai"},
		Recheck:  Recheck{MaxPerRun: 15},
		Queue:    Queue{MaxAttempts: 3, MaxPerRun: 25, MaxPerAccount: MaxFetchesPerAccountPerDay / 4},
	}
}

// ImagesEnabled reports whether body images are downloaded (default true).
func (c *Config) ImagesEnabled() bool { return c.Archive.Images == nil || *c.Archive.Images }

// Location is the schedule's time zone (validated on load).
func (c *Config) Location() *time.Location {
	tz := c.Schedule.TimeZone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}
