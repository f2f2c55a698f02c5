package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// Error is one configuration problem, located by file, line and field.
type Error struct {
	File  string // "" when parsed from bytes
	Line  int    // 0 when unknown
	Field string // dotted path, e.g. "fetch.hosts.default.interval"
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// withFile sets the file name on every *Error in err.
func withFile(err error, file string) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		var ce *Error
		if errors.As(e, &ce) {
			c := *ce
			c.File = file
			out = append(out, &c)
		} else {
			out = append(out, &Error{File: file, Msg: e.Error()})
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// syntaxError turns a YAML parser error into an *Error with its line.
func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &Error{Line: n, Msg: m[2]}
	}
	return &Error{Msg: msg}
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// check walks the YAML tree against the Go type t: unknown keys, wrong
// shapes and values that do not decode are errors naming line and field. It
// records the line of every field it sees in lines.
func check(n *yaml.Node, t reflect.Type, path string, lines map[string]int) []error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if path != "" {
		lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	bad := func(format string, a ...any) []error {
		return []error{&Error{Line: n.Line, Field: path, Msg: fmt.Sprintf(format, a...)}}
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return bad("%s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return check(n, t.Elem(), path, lines)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad("want a mapping of keys, got %s", describe(n))
		}
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fieldByTag(t, k.Value)
			p := join(path, k.Value)
			if !ok {
				errs = append(errs, &Error{Line: k.Line, Field: p, Msg: "unknown key (known: " + strings.Join(tags(t), ", ") + ")"})
				continue
			}
			errs = append(errs, check(v, f.Type, p, lines)...)
		}
		return errs
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return bad("want a mapping, got %s", describe(n))
		}
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			errs = append(errs, check(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), lines)...)
		}
		return errs
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("want a list, got %s", describe(n))
		}
		var errs []error
		for i, c := range n.Content {
			errs = append(errs, check(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), lines)...)
		}
		return errs
	}
	isInt := t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64
	what := t.Kind().String()
	switch {
	case isInt:
		what = "whole number"
	case t.Kind() == reflect.Bool:
		what = "true or false"
	}
	if n.Kind != yaml.ScalarNode {
		return bad("want a %s, got %s", what, describe(n))
	}
	// yaml decodes 1.5 or 1e3 into an int by truncating: refuse it.
	if err := n.Decode(reflect.New(t).Interface()); err != nil || (isInt && n.ShortTag() != "!!int") {
		return bad("want a %s, got %q", what, n.Value)
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	if i := strings.IndexByte(tag, ','); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && yamlName(f) == name && name != "" && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			if n := yamlName(f); n != "" && n != "-" {
				out = append(out, n)
			}
		}
	}
	return out
}

// Validate checks values that YAML typing cannot. Errors are *Error values
// (joined when several), with lines when the configuration came from YAML.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, &Error{Line: c.lines[field], Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	nonNeg := func(field string, v int64) {
		if v < 0 {
			bad(field, "must not be negative, got %d", v)
		}
	}
	nonNegDur := func(field string, d Duration) {
		if d < 0 {
			bad(field, "must not be negative, got %v", time.Duration(d))
		}
	}
	if strings.TrimSpace(c.Archive.Dir) == "" {
		bad("archive.dir", "must not be empty")
	}

	if strings.TrimSpace(c.Schedule.Cron) == "" {
		bad("schedule.cron", "must not be empty")
	} else if _, err := cron.ParseStandard(c.Schedule.Cron); err != nil {
		bad("schedule.cron", "bad cron expression %q: %v", c.Schedule.Cron, err)
	}
	if c.Schedule.TimeZone != "" {
		if _, err := time.LoadLocation(c.Schedule.TimeZone); err != nil {
			bad("schedule.timezone", "unknown time zone %q", c.Schedule.TimeZone)
		}
	}
	nonNegDur("schedule.start_delay", c.Schedule.StartDelay)

	nonNegDur("fetch.timeout", c.Fetch.Timeout)
	nonNeg("fetch.max_body", c.Fetch.MaxBody)
	if c.Fetch.MaxBody > model.MaxPageSize {
		bad("fetch.max_body", "at most %d (%d MiB, the page size limit), got %d", model.MaxPageSize, model.MaxPageSize>>20, c.Fetch.MaxBody)
	}
	hosts := make([]string, 0, len(c.Fetch.Hosts))
	for h := range c.Fetch.Hosts {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		p := c.Fetch.Hosts[h]
		f := "fetch.hosts." + h
		if h != "default" && (h == "" || strings.ContainsAny(h, "/:@ ?#")) {
			bad(f, "want a host name such as mp.weixin.qq.com or \"default\"")
		}
		if p.Interval != nil {
			nonNegDur(f+".interval", *p.Interval)
		}
		if p.Jitter != nil {
			nonNegDur(f+".jitter", *p.Jitter)
		}
		if p.Concurrency != nil {
			nonNeg(f+".concurrency", int64(*p.Concurrency))
		}
		if p.Retries != nil {
			nonNeg(f+".retries", int64(*p.Retries))
		}
		if p.DailyCap != nil {
			nonNeg(f+".daily_cap", int64(*p.DailyCap))
		}
	}

	for i, u := range c.Sources.URLs {
		f := fmt.Sprintf("sources.urls[%d]", i)
		l, err := model.ParseLink(u)
		switch {
		case err != nil:
			bad(f, "not a WeChat article link: %q", u)
		case l.Kind == model.KindAlbum:
			bad(f, "%q is an album: list it under sources.albums", u)
		case l.Kind == model.KindTemp:
			bad(f, "%q is a temporary search link that expires: use the article's own link", u)
		}
	}
	for i, p := range c.Sources.URLFiles {
		if strings.TrimSpace(p) == "" {
			bad(fmt.Sprintf("sources.url_files[%d]", i), "must not be empty")
		}
	}
	for i, d := range c.Sources.Saved {
		if strings.TrimSpace(d) == "" {
			bad(fmt.Sprintf("sources.saved[%d]", i), "must not be empty")
		}
	}
	for i, fd := range c.Sources.Feeds {
		f := fmt.Sprintf("sources.feeds[%d]", i)
		if strings.TrimSpace(fd) == "" {
			bad(f, "must not be empty")
			continue
		}
		if strings.Contains(fd, "://") {
			u, err := url.Parse(fd)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(f, "want an http(s) URL or a local file, got %q", fd)
			}
		}
	}
	for i, a := range c.Sources.Albums {
		if l, err := model.ParseLink(a); err != nil || l.Kind != model.KindAlbum {
			bad(fmt.Sprintf("sources.albums[%d]", i), "not an album link (https://mp.weixin.qq.com/mp/appmsgalbum?__biz=…&album_id=…): %q", a)
		}
	}

	errs = append(errs, c.validateAccounts()...)

	nonNeg("follow.depth", int64(c.Follow.Depth))
	nonNeg("follow.max_per_run", int64(c.Follow.MaxPerRun))

	var prev Duration
	for i, d := range c.Recheck.After {
		f := fmt.Sprintf("recheck.after[%d]", i)
		if d <= 0 {
			bad(f, "must be positive")
		} else if d <= prev {
			bad(f, "must be longer than the one before (%v)", time.Duration(prev))
		}
		prev = d
	}
	nonNegDur("recheck.every", c.Recheck.Every)
	nonNeg("recheck.max_per_run", int64(c.Recheck.MaxPerRun))

	nonNeg("queue.max_attempts", int64(c.Queue.MaxAttempts))
	nonNeg("queue.max_per_run", int64(c.Queue.MaxPerRun))
	nonNeg("queue.max_per_account", int64(c.Queue.MaxPerAccount))
	c.validateNotify(bad)

	sort.SliceStable(errs, func(i, j int) bool { return errs[i].(*Error).Line < errs[j].(*Error).Line })
	return errors.Join(errs...)
}
