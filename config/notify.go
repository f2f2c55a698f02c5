package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"wxarchive/model"
)

// Notify is where change events go after each pass (package notify).
type Notify struct {
	Webhooks []Webhook `yaml:"webhooks"`
	Exec     []Exec    `yaml:"exec"`
	// MaxPending caps the events kept for one destination that is down;
	// past it the oldest are dropped (with a warning). 0: 1000.
	MaxPending int `yaml:"max_pending"`
}

// Webhook is an HTTP(S) endpoint receiving each event as a JSON POST.
type Webhook struct {
	Name string `yaml:"name"` // shown in logs instead of the host; optional
	URL  string `yaml:"url"`
	// Secret signs each body (HMAC-SHA256, header X-Wxarchive-Signature-256);
	// SecretEnv names an environment variable holding it instead.
	Secret    string   `yaml:"secret"`
	SecretEnv string   `yaml:"secret_env"`
	Events    []string `yaml:"events"`  // kinds to send; empty: all
	Timeout   Duration `yaml:"timeout"` // per request; 0: 10s
	Retries   *int     `yaml:"retries"` // extra attempts within a pass; nil: 2
}

// Exec is a command run once per event, the event's JSON on its stdin.
type Exec struct {
	Name    string   `yaml:"name"`    // shown in logs instead of the program; optional
	Command []string `yaml:"command"` // program and arguments, run without a shell
	Events  []string `yaml:"events"`  // kinds to send; empty: all
	Timeout Duration `yaml:"timeout"` // per run; 0: 30s
	// Env names environment variables passed on to the command besides
	// PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_*, TZ and TMPDIR
	// (nothing else is: not the WeRead login, not the webhooks' secrets).
	Env []string `yaml:"env"`
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validateNotify checks the notify section; bad reports one problem.
func (c *Config) validateNotify(bad func(field, format string, a ...any)) {
	kinds := func(field string, list []string) {
		for i, k := range list {
			if !model.EventKind(k).Valid() {
				var names []string
				for _, v := range model.EventKinds() {
					names = append(names, string(v))
				}
				bad(fmt.Sprintf("%s[%d]", field, i), "unknown event kind %q (known: %s)", k, strings.Join(names, ", "))
			}
		}
	}
	if c.Notify.MaxPending < 0 {
		bad("notify.max_pending", "must not be negative, got %d", c.Notify.MaxPending)
	}
	for i, w := range c.Notify.Webhooks {
		f := fmt.Sprintf("notify.webhooks[%d]", i)
		// The URL is not echoed: it may carry a token.
		u, err := url.Parse(strings.TrimSpace(w.URL))
		switch {
		case strings.TrimSpace(w.URL) == "":
			bad(f+".url", "must not be empty")
		case err != nil:
			bad(f+".url", "not a URL")
		case u.Scheme != "http" && u.Scheme != "https":
			bad(f+".url", "want an http:// or https:// URL, got scheme %q", u.Scheme)
		case u.Host == "":
			bad(f+".url", "the URL names no host")
		case strings.ContainsAny(w.URL, " \t\r\n"):
			bad(f+".url", "the URL contains white space")
		}
		if w.Secret != "" && w.SecretEnv != "" {
			bad(f+".secret_env", "give secret or secret_env, not both")
		}
		if w.SecretEnv != "" && !envName.MatchString(w.SecretEnv) {
			bad(f+".secret_env", "want an environment variable name such as WXARCHIVE_HOOK_SECRET")
		}
		kinds(f+".events", w.Events)
		if w.Timeout < 0 {
			bad(f+".timeout", "must not be negative, got %v", time.Duration(w.Timeout))
		}
		if w.Retries != nil && (*w.Retries < 0 || *w.Retries > 10) {
			bad(f+".retries", "want 0 to 10, got %d", *w.Retries)
		}
	}
	for i, x := range c.Notify.Exec {
		f := fmt.Sprintf("notify.exec[%d]", i)
		if len(x.Command) == 0 || strings.TrimSpace(x.Command[0]) == "" {
			bad(f+".command", "must name a program, as a list: [/usr/local/bin/notify-me, --flag]")
		}
		kinds(f+".events", x.Events)
		for j, name := range x.Env {
			switch {
			case !envName.MatchString(name):
				bad(fmt.Sprintf("%s.env[%d]", f, j), "want an environment variable name such as NTFY_TOKEN")
			case name == "WXARCHIVE_WEREAD_COOKIE":
				bad(fmt.Sprintf("%s.env[%d]", f, j), "the WeRead login is never passed to a hook")
			case slices.ContainsFunc(c.Notify.Webhooks, func(w Webhook) bool { return w.SecretEnv == name }):
				bad(fmt.Sprintf("%s.env[%d]", f, j), "%s is a webhook's secret_env; a webhook's secret is never passed to a hook", name)
			}
		}
		if x.Timeout < 0 {
			bad(f+".timeout", "must not be negative, got %v", time.Duration(x.Timeout))
		}
	}
}
