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
	// Exec hooks inherit the environment, but not the webhooks' secrets.
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(c.Webhooks, func(w config.Webhook) bool { return w.SecretEnv != "" && w.SecretEnv == name }) {
			env = append(env, kv)
		}
	}
	for i, x := range c.Exec {
		hook, err := NewExec(x.Command, ExecOptions{Name: x.Name, Events: x.Events, Timeout: time.Duration(x.Timeout), Env: env})
		if err != nil {
			return nil, fmt.Errorf("notify: notify.exec[%d]: %w", i, err)
		}
		n.Dests = append(n.Dests, hook)
	}
	return n, nil
}
