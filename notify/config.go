package notify

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"wxarchive/config"
)

// New builds the notifier of pipeline.yaml's notify section, its outbox in
// st. getenv reads secret_env variables. A configuration with no
// destination gives a notifier with none (events are kept, not sent).
func New(c config.Notify, st StateStore, getenv func(string) string, log *slog.Logger) (*Notifier, error) {
	n := &Notifier{Store: st, MaxPending: c.MaxPending, Log: log}
	for i, w := range c.Webhooks {
		secret := w.Secret
		if w.SecretEnv != "" {
			if secret = getenv(w.SecretEnv); secret == "" {
				return nil, fmt.Errorf("notify: notify.webhooks[%d]: secret_env %s is not set", i, w.SecretEnv)
			}
		}
		retries := 2
		if w.Retries != nil {
			retries = *w.Retries
		}
		hook, err := NewWebhook(w.URL, WebhookOptions{Name: w.Name, Secret: secret, Events: w.Events,
			Timeout: time.Duration(w.Timeout), Retries: retries})
		if err != nil {
			return nil, fmt.Errorf("notify: notify.webhooks[%d]: %w", i, err)
		}
		n.Dests = append(n.Dests, hook)
		n.Redact = append(n.Redact, secret, w.URL)
		if u, err := url.Parse(w.URL); err == nil {
			n.Redact = append(n.Redact, u.RawQuery, u.User.String())
			if u.Path != "/" {
				n.Redact = append(n.Redact, u.Path)
			}
		}
	}
	for i, x := range c.Exec {
		hook, err := NewExec(x.Command, ExecOptions{Name: x.Name, Events: x.Events, Timeout: time.Duration(x.Timeout),
			Env: ExecEnv(os.Environ(), x.Env)})
		if err != nil {
			return nil, fmt.Errorf("notify: notify.exec[%d]: %w", i, err)
		}
		n.Dests = append(n.Dests, hook)
	}
	return n, nil
}

// execBaseEnv are the variables every exec hook gets, when set: what a
// program needs to run and to speak the user's language, nothing that
// could hold a secret.
var execBaseEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR"}

// ExecEnv is the environment of an exec hook: from environ, only the
// variables of execBaseEnv, LC_*, and those the hook's configuration names
// (env:). Nothing else reaches the hook — not WXARCHIVE_WEREAD_COOKIE, not
// a webhook's secret_env, not a proxy URL with its password — unless
// named.
func ExecEnv(environ []string, named []string) []string {
	var env []string
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue
		}
		if slices.Contains(execBaseEnv, name) || strings.HasPrefix(name, "LC_") || slices.Contains(named, name) {
			env = append(env, kv)
		}
	}
	return env
}
