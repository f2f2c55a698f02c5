package config

import (
	"strings"
	"testing"
	"time"
)

func TestNotifyParses(t *testing.T) {
	c, err := Parse([]byte(`
notify:
  max_pending: 50
  webhooks:
    - url: https://hooks.example.org/wx
      secret_env: WX_HOOK_SECRET
      events: [edited, deleted, violation]
      timeout: 5s
      retries: 0
    - url: http://127.0.0.1:9000/
  exec:
    - command: [/usr/local/bin/ntfy-wx, --topic, wx]
      events: [login_expired]
`))
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if n.MaxPending != 50 || len(n.Webhooks) != 2 || len(n.Exec) != 1 {
		t.Fatalf("%+v", n)
	}
	w := n.Webhooks[0]
	if w.SecretEnv != "WX_HOOK_SECRET" || len(w.Events) != 3 || time.Duration(w.Timeout) != 5*time.Second || w.Retries == nil || *w.Retries != 0 {
		t.Errorf("%+v", w)
	}
	if n.Webhooks[1].Retries != nil {
		t.Error("retries left out should stay nil (default)")
	}
	if got := n.Exec[0].Command; len(got) != 3 || got[0] != "/usr/local/bin/ntfy-wx" {
		t.Errorf("%v", got)
	}
}

func TestNotifyErrors(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"scheme", "notify:\n  webhooks:\n    - url: file:///etc/passwd\n", `line 3: notify.webhooks[0].url: want an http:// or https:// URL, got scheme "file"`},
		{"no host", "notify:\n  webhooks:\n    - url: https:///x\n", `notify.webhooks[0].url: the URL names no host`},
		{"empty url", "notify:\n  webhooks:\n    - secret: s\n", `notify.webhooks[0].url: must not be empty`},
		{"both secrets", "notify:\n  webhooks:\n    - url: https://h/x\n      secret: s\n      secret_env: S\n", `notify.webhooks[0].secret_env: give secret or secret_env, not both`},
		{"bad env", "notify:\n  webhooks:\n    - url: https://h/x\n      secret_env: \"A-B\"\n", `want an environment variable name`},
		{"bad exec env", "notify:\n  exec:\n    - command: [x]\n      env: [\"NTFY TOKEN\"]\n", `notify.exec[0].env[0]: want an environment variable name`},
		{"exec gets the login", "notify:\n  exec:\n    - command: [x]\n      env: [HOME2, WXARCHIVE_WEREAD_COOKIE]\n", `notify.exec[0].env[1]: the WeRead login is never passed to a hook`},
		{"exec gets a secret", "notify:\n  webhooks:\n    - url: https://h/x\n      secret_env: S\n  exec:\n    - command: [x]\n      env: [S]\n", `notify.exec[0].env[0]: S is a webhook's secret_env`},
		{"bad kind", "notify:\n  webhooks:\n    - url: https://h/x\n      events: [edit]\n", `line 4: notify.webhooks[0].events[0]: unknown event kind "edit" (known: new, edited,`},
		{"retries", "notify:\n  webhooks:\n    - url: https://h/x\n      retries: 99\n", `notify.webhooks[0].retries: want 0 to 10`},
		{"command string", "notify:\n  exec:\n    - command: /bin/notify\n", `line 3: notify.exec[0].command: want a list`},
		{"empty command", "notify:\n  exec:\n    - command: []\n", `notify.exec[0].command: must name a program`},
		{"exec kind", "notify:\n  exec:\n    - command: [x]\n      events: [nope]\n", `notify.exec[0].events[0]: unknown event kind`},
		{"negative timeout", "notify:\n  exec:\n    - command: [x]\n      timeout: -1s\n", `notify.exec[0].timeout: must not be negative`},
		{"unknown key", "notify:\n  webhook:\n    - url: https://h/x\n", `notify.webhook: unknown key (known: webhooks, exec, max_pending)`},
		{"negative pending", "notify:\n  max_pending: -1\n", `notify.max_pending: must not be negative`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// TestNotifyErrorsHideTheURL: a webhook URL may carry a token; a
// configuration error about it does not print it.
func TestNotifyErrorsHideTheURL(t *testing.T) {
	_, err := Parse([]byte("notify:\n  webhooks:\n    - url: ftp://user:tok3n@h/path-s3cret\n"))
	if err == nil || strings.Contains(err.Error(), "tok3n") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("%v", err)
	}
}
