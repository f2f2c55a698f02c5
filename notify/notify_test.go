package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wxarchive/config"
	"wxarchive/events"
	"wxarchive/internal/eventtest"
	"wxarchive/model"
)

// receiver is a webhook endpoint that can be down.
type receiver struct {
	mu     sync.Mutex
	mode   string // "up", "503", "drop" (connection closed), "400"
	got    []events.Event
	ids    []string // X-Wxarchive-Event-Id of every request delivered
	secret []byte
	bad    []string // problems seen
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{mode: "up", secret: []byte(secret)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) set(mode string) { r.mu.Lock(); r.mode = mode; r.mu.Unlock() }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch r.mode {
	case "503":
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	case "drop":
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
		return
	case "400":
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(req.Body)
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
		r.bad = append(r.bad, "method or content type: "+req.Method+" "+req.Header.Get("Content-Type"))
	}
	if len(r.secret) > 0 && !Verify(r.secret, body, req.Header.Get(HeaderSignature)) {
		r.bad = append(r.bad, "signature does not verify: "+req.Header.Get(HeaderSignature))
	}
	var ev events.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		r.bad = append(r.bad, "body: "+err.Error())
	}
	if ev.ID != req.Header.Get(HeaderEventID) || string(ev.Kind) != req.Header.Get(HeaderEvent) {
		r.bad = append(r.bad, "headers do not match the body")
	}
	r.got = append(r.got, ev)
	r.ids = append(r.ids, ev.ID)
}

func (r *receiver) events() ([]events.Event, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got), slices.Clone(r.bad)
}

func noSleep(context.Context, time.Duration) error { return nil }

func kindsOf(evs []events.Event) []model.EventKind {
	var out []model.EventKind
	for _, ev := range evs {
		out = append(out, ev.Kind)
	}
	return out
}

// TestWebhookDownForTwoPasses: the receiver is down for two passes (503,
// then connections dropped); on the third it gets every event once, in
// order, signed; the outbox is then empty.
func TestWebhookDownForTwoPasses(t *testing.T) {
	a := eventtest.New(t)
	rc := newReceiver(t, "s3cret-key")
	var logs bytes.Buffer
	hookURL := rc.srv.URL + "/hooks/tok3n-in-path?token=qu3ry-tok3n"
	n, err := New(config.Notify{Webhooks: []config.Webhook{{URL: hookURL, Secret: "s3cret-key"}}}, a, os.Getenv,
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	n.Sleep = noSleep
	h := &Hook{Store: a, Notifier: n}
	d0 := eventtest.Day0
	ctx := context.Background()

	// Pass 1: a new article; the receiver answers 503.
	rc.set("503")
	k := a.Capture(eventtest.Page(t, eventtest.ArticlePage), "", d0).Key
	rep, err := h.AfterPass(ctx, d0)
	if err != nil || rep.Produced != 1 || rep.Delivered != 0 || rep.Pending != 1 {
		t.Fatalf("pass 1: %+v %v", rep, err)
	}
	// Pass 2: an edit and a block; connections are dropped.
	rc.set("drop")
	a.Capture(eventtest.EditedPage(t), "", d0.Add(time.Hour))
	if err := h.Record(events.Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", Reason: "verification page", At: d0.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	rep, err = h.AfterPass(ctx, d0.Add(time.Hour))
	if err != nil || rep.Produced != 2 || rep.Delivered != 0 || rep.Pending != 3 {
		t.Fatalf("pass 2: %+v %v", rep, err)
	}
	// Pass 3: deleted; the receiver is back.
	rc.set("up")
	a.Capture(eventtest.Page(t, eventtest.DeletedPage), a.URL(k), d0.Add(2*time.Hour))
	rep, err = h.AfterPass(ctx, d0.Add(2*time.Hour))
	if err != nil || rep.Produced != 1 || rep.Delivered != 4 || rep.Pending != 0 {
		t.Fatalf("pass 3: %+v %v", rep, err)
	}
	got, bad := rc.events()
	if len(bad) > 0 {
		t.Fatalf("receiver saw: %v", bad)
	}
	want := []model.EventKind{model.EventNew, model.EventEdited, model.EventBlocked, model.EventDeleted}
	if !slices.Equal(kindsOf(got), want) {
		t.Fatalf("received %v, want %v", kindsOf(got), want)
	}
	// Pass 4: nothing new, nothing sent again.
	rep, err = h.AfterPass(ctx, d0.Add(3*time.Hour))
	if err != nil || rep.Produced != 0 || rep.Delivered != 0 {
		t.Fatalf("pass 4: %+v %v", rep, err)
	}
	if again, _ := rc.events(); len(again) != 4 {
		t.Fatalf("received %d events, want 4", len(again))
	}
	// The ids the receiver got are the ids of the event log.
	all, err := events.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range got {
		if !slices.ContainsFunc(all, func(e events.Event) bool { return e.ID == ev.ID }) {
			t.Errorf("delivered id %s is not in the log", ev.ID)
		}
	}
	// Secrets never in logs: not the secret, not the URL's path or query.
	l := logs.String()
	if !strings.Contains(l, "destination unreachable") {
		t.Errorf("no warning logged for the unreachable webhook:\n%s", l)
	}
	for _, secret := range []string{"s3cret-key", "tok3n-in-path", "qu3ry-tok3n", "/hooks/"} {
		if strings.Contains(l, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, l)
		}
	}
}

// crashStore fails to write the outbox once after arm is set: the crash
// between a delivery and marking it delivered.
type crashStore struct {
	StateStore
	arm, crashed bool
}

func (c *crashStore) WriteState(name string, data []byte) error {
	if c.arm && !c.crashed && name == outboxName {
		c.crashed = true
		return errors.New("killed")
	}
	return c.StateStore.WriteState(name, data)
}

// TestCrashAfterDeliveryRedelivers: the outbox write after a delivery
// fails (as if killed); the next round delivers the same event again,
// with the same id.
func TestCrashAfterDeliveryRedelivers(t *testing.T) {
	a := eventtest.New(t)
	rc := newReceiver(t, "")
	st := &crashStore{StateStore: a}
	hook, err := NewWebhook(rc.srv.URL, WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := &Notifier{Store: st, Dests: []Destination{hook}, Sleep: noSleep}
	a.Capture(eventtest.Page(t, eventtest.ArticlePage), "", eventtest.Day0)
	if _, err := events.Sync(a, eventtest.Day0, n.Enqueue); err != nil {
		t.Fatal(err)
	}
	st.arm = true
	if _, err := n.Deliver(context.Background()); err == nil {
		t.Fatal("the failed outbox write was not reported")
	}
	rep, err := n.Deliver(context.Background())
	if err != nil || rep.Delivered != 1 || rep.Pending != 0 {
		t.Fatalf("after the crash: %+v %v", rep, err)
	}
	rc.mu.Lock()
	ids := slices.Clone(rc.ids)
	rc.mu.Unlock()
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("deliveries %v, want the same id twice", ids)
	}
}

// TestRefusedEventDoesNotBlock: an event the receiver refuses (400) is
// offered on three passes and dropped; the events after it are delivered.
func TestRefusedEventDoesNotBlock(t *testing.T) {
	a := eventtest.New(t)
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get(HeaderEvent) == "new" {
			http.Error(w, "no", http.StatusUnprocessableEntity)
			return
		}
		got = append(got, r.Header.Get(HeaderEvent))
	}))
	defer srv.Close()
	hook, _ := NewWebhook(srv.URL, WebhookOptions{})
	n := &Notifier{Store: a, Dests: []Destination{hook}, Sleep: noSleep}
	h := &Hook{Store: a, Notifier: n}
	r := a.Capture(eventtest.Page(t, eventtest.ArticlePage), "", eventtest.Day0)
	a.Capture(eventtest.Page(t, eventtest.ViolationPage), a.URL(r.Key), eventtest.Day0.Add(time.Hour))
	for pass := 1; pass <= 3; pass++ {
		rep, err := h.AfterPass(context.Background(), eventtest.Day0)
		if err != nil {
			t.Fatal(err)
		}
		wantPending := 1
		if pass == 3 {
			wantPending = 0
		}
		if rep.Pending != wantPending {
			t.Errorf("pass %d: %d pending, want %d", pass, rep.Pending, wantPending)
		}
	}
	if !slices.Equal(got, []string{"violation"}) {
		t.Errorf("received %v", got)
	}
}

func TestFilterAndCap(t *testing.T) {
	a := eventtest.New(t)
	rc := newReceiver(t, "")
	n, err := New(config.Notify{MaxPending: 2, Webhooks: []config.Webhook{{URL: rc.srv.URL, Events: []string{"deleted", "edited"}}}}, a, os.Getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	n.Sleep = noSleep
	mk := func(kind model.EventKind, id string) events.Event { return events.Event{ID: id, Kind: kind} }
	rc.set("503")
	if err := n.Enqueue([]events.Event{mk("new", "1"), mk("edited", "2"), mk("deleted", "3"), mk("edited", "4")}); err != nil {
		t.Fatal(err)
	}
	// Queued twice: once.
	if err := n.Enqueue([]events.Event{mk("edited", "4")}); err != nil {
		t.Fatal(err)
	}
	rc.set("up")
	rep, err := n.Deliver(context.Background())
	if err != nil || rep.Delivered != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	if got, _ := rc.events(); len(got) != 2 || got[0].ID != "3" || got[1].ID != "4" {
		t.Errorf("received %+v, want 3 and 4 (new filtered out, 2 dropped over the cap)", got)
	}
}

func TestWebhookRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://h/x", "gopher://h", "javascript:alert(1)", "https://", "//h/x"} {
		if _, err := NewWebhook(u, WebhookOptions{}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	_, err := New(config.Notify{Webhooks: []config.Webhook{{URL: "https://h/x", SecretEnv: "WXARCHIVE_TEST_UNSET_SECRET"}}}, nil,
		func(string) string { return "" }, nil)
	if err == nil || !strings.Contains(err.Error(), "secret_env WXARCHIVE_TEST_UNSET_SECRET is not set") {
		t.Errorf("unset secret_env: %v", err)
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	sig := Sign([]byte("k"), body)
	// HMAC-SHA256("k", body), computed independently (Python's hmac).
	if sig != "sha256=696b5110678d1f332918da752fc2089d305cf4caf658eb24939d7e1f0b0a7934" {
		t.Fatalf("%s", sig)
	}
	if !Verify([]byte("k"), body, sig) || Verify([]byte("k2"), body, sig) || Verify([]byte("k"), append(body, ' '), sig) {
		t.Error("verify")
	}
}

// TestExecHookGetsTheJSON runs a shell command as the hook: it receives
// the event's JSON on stdin and its id in the environment; a failing
// command keeps the event queued and says why.
func TestExecHookGetsTheJSON(t *testing.T) {
	sh, err := execLookPath("sh")
	if err != nil {
		t.Skip("no sh on this system: " + err.Error())
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	ids := filepath.Join(dir, "ids")
	a := eventtest.New(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	fail := filepath.Join(dir, "fail")
	os.WriteFile(fail, nil, 0o644)
	script := `if [ -e "$FAIL" ]; then echo "ntfy: 502 from upstream" >&2; exit 3; fi; cat >> "$OUT"; echo "$WXARCHIVE_EVENT_ID $WXARCHIVE_EVENT_KIND" >> "$IDS"`
	n, err := New(config.Notify{Exec: []config.Exec{{Command: []string{sh, "-c", script}}}}, a, os.Getenv, log)
	if err != nil {
		t.Fatal(err)
	}
	x := n.Dests[0].(*Exec)
	x.env = append(os.Environ(), "OUT="+out, "IDS="+ids, "FAIL="+fail)
	h := &Hook{Store: a, Notifier: n}
	r := a.Capture(eventtest.Page(t, eventtest.ArticlePage), "", eventtest.Day0)
	rep, err := h.AfterPass(context.Background(), eventtest.Day0)
	if err != nil || rep.Delivered != 0 || rep.Pending != 1 {
		t.Fatalf("failing hook: %+v %v", rep, err)
	}
	if !strings.Contains(logs.String(), "exit status 3: ntfy: 502 from upstream") || !strings.Contains(logs.String(), "exec sh") {
		t.Errorf("the failure is not explained:\n%s", logs.String())
	}
	os.Remove(fail)
	a.Capture(eventtest.Page(t, eventtest.DeletedPage), a.URL(r.Key), eventtest.Day0.Add(time.Hour))
	rep, err = h.AfterPass(context.Background(), eventtest.Day0)
	if err != nil || rep.Delivered != 2 || rep.Pending != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	idLines, _ := os.ReadFile(ids)
	if len(lines) != 2 {
		t.Fatalf("hook got %d lines: %s", len(lines), b)
	}
	for i, line := range lines {
		var ev events.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.ID == "" {
			t.Fatalf("line %d is not an event: %v %s", i, err, line)
		}
		if want := ev.ID + " " + string(ev.Kind); strings.Split(strings.TrimSpace(string(idLines)), "\n")[i] != want {
			t.Errorf("environment %q, want %q", idLines, want)
		}
	}
}

func TestExecTimeout(t *testing.T) {
	sh, err := execLookPath("sh")
	if err != nil {
		t.Skip("no sh on this system")
	}
	x, _ := NewExec([]string{sh, "-c", "exec sleep 5"}, ExecOptions{Timeout: 50 * time.Millisecond})
	err = x.Send(context.Background(), events.Event{ID: "x", Kind: "new"}, []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("%v", err)
	}
	if _, err := NewExec(nil, ExecOptions{}); err == nil {
		t.Error("empty command accepted")
	}
}

// TestExecEnvironmentIsAllowListed: exec hooks get PATH, HOME, LANG,
// LC_*, … and what their configuration names; never the WeRead login nor
// a webhook's secret nor anything else of the caller's environment. The
// hook is run, and what it sees is checked.
func TestExecEnvironmentIsAllowListed(t *testing.T) {
	sh, err := execLookPath("sh")
	if err != nil {
		t.Skip("no sh on this system: " + err.Error())
	}
	t.Setenv("WXARCHIVE_WEREAD_COOKIE", "wr_vid=1; wr_skey=SKEY-leak")
	t.Setenv("WX_TEST_HOOK_SECRET_ENV", "s3cret")
	t.Setenv("WX_TEST_OTHER", "not-named")
	t.Setenv("NTFY_TOKEN", "named-token")
	t.Setenv("LC_TIME", "zh_CN.UTF-8")
	t.Setenv("LANG", "C.UTF-8")
	out := filepath.Join(t.TempDir(), "env")
	n, err := New(config.Notify{
		Webhooks: []config.Webhook{{URL: "https://h/x", SecretEnv: "WX_TEST_HOOK_SECRET_ENV"}},
		Exec:     []config.Exec{{Command: []string{sh, "-c", "env > " + out}, Env: []string{"NTFY_TOKEN"}}},
	}, nil, os.Getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Dests[1].Send(context.Background(), events.Event{ID: "i", Kind: "new"}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := string(b)
	for _, bad := range []string{"SKEY-leak", "WXARCHIVE_WEREAD_COOKIE", "s3cret", "WX_TEST_HOOK_SECRET_ENV", "not-named"} {
		if strings.Contains(env, bad) {
			t.Errorf("the hook's environment holds %q:\n%s", bad, env)
		}
	}
	for _, want := range []string{"NTFY_TOKEN=named-token", "LC_TIME=zh_CN.UTF-8", "LANG=C.UTF-8", "PATH=", "WXARCHIVE_EVENT_ID=i"} {
		if !strings.Contains(env, want) {
			t.Errorf("the hook's environment lacks %q:\n%s", want, env)
		}
	}
	// An exec hook built without an environment gets the allow-list too.
	x, _ := NewExec([]string{"true"}, ExecOptions{})
	if e := strings.Join(x.env, "\n"); strings.Contains(e, "SKEY-leak") || !strings.Contains(e, "LANG=") {
		t.Errorf("default environment:\n%s", e)
	}
}

// TestEventTheHookChokesOnIsDropped: a receiver that answers 500 to one
// event only (it chokes on it) while taking others: after three passes
// failing on it, the event is dropped as refused and remembered, and the
// ones after it are delivered. A destination that is down for all events
// loses none, however many passes.
func TestEventTheHookChokesOnIsDropped(t *testing.T) {
	var mu sync.Mutex
	down := false
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if down || r.Header.Get(HeaderEventID) == "choke" {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		got = append(got, r.Header.Get(HeaderEventID))
	}))
	defer srv.Close()
	a := eventtest.New(t)
	hook, _ := NewWebhook(srv.URL, WebhookOptions{Retries: 1})
	n := &Notifier{Store: a, Dests: []Destination{hook}, Sleep: noSleep}
	mk := func(id string) events.Event { return events.Event{ID: id, Kind: model.EventNew} }

	// Down for every event: nothing is dropped, however many passes.
	down = true
	if err := n.Enqueue([]events.Event{mk("a"), mk("b")}); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if rep, err := n.Deliver(context.Background()); err != nil || rep.Pending != 2 {
			t.Fatalf("down: %+v %v", rep, err)
		}
	}
	mu.Lock()
	down = false
	mu.Unlock()
	if rep, err := n.Deliver(context.Background()); err != nil || rep.Delivered != 2 || rep.Pending != 0 {
		t.Fatalf("back up: %+v %v", rep, err)
	}

	// Up, but it chokes on one event.
	if err := n.Enqueue([]events.Event{mk("choke"), mk("c"), mk("d")}); err != nil {
		t.Fatal(err)
	}
	for pass := 1; pass <= 2; pass++ {
		if rep, err := n.Deliver(context.Background()); err != nil || rep.Delivered != 0 || rep.Pending != 3 {
			t.Fatalf("pass %d: %+v %v", pass, rep, err)
		}
	}
	rep, err := n.Deliver(context.Background())
	if err != nil || rep.Delivered != 2 || rep.Pending != 0 {
		t.Fatalf("pass 3: %+v %v", rep, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("received %v", got)
	}
	o, err := n.load()
	if err != nil {
		t.Fatal(err)
	}
	q := o.Queues[hook.ID()]
	if q.Dropped != 1 || len(q.Refused) != 1 || q.Refused[0].ID != "choke" || !strings.Contains(q.Refused[0].Error, "500") {
		t.Errorf("refusal not recorded: %+v", q)
	}
}

// TestExecExitRefused: an exec hook exiting 65 refuses that event: it
// does not hold up the next ones, and is dropped after three passes.
func TestExecExitRefused(t *testing.T) {
	sh, err := execLookPath("sh")
	if err != nil {
		t.Skip("no sh on this system: " + err.Error())
	}
	out := filepath.Join(t.TempDir(), "ids")
	x, err := NewExec([]string{sh, "-c", `if [ "$WXARCHIVE_EVENT_ID" = bad ]; then echo "cannot format" >&2; exit 65; fi; echo "$WXARCHIVE_EVENT_ID" >> ` + out}, ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := eventtest.New(t)
	n := &Notifier{Store: a, Dests: []Destination{x}, Sleep: noSleep}
	if err := n.Enqueue([]events.Event{{ID: "bad", Kind: "new"}, {ID: "good", Kind: "new"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := n.Deliver(context.Background())
	if err != nil || rep.Delivered != 1 || rep.Pending != 1 {
		t.Fatalf("pass 1: %+v %v", rep, err)
	}
	for range 2 {
		rep, err = n.Deliver(context.Background())
	}
	if err != nil || rep.Pending != 0 {
		t.Fatalf("pass 3: %+v %v", rep, err)
	}
	if b, _ := os.ReadFile(out); string(b) != "good\n" {
		t.Errorf("hook ran for %q", b)
	}
}

// TestBackoffCappedPerPass: a webhook that is down with retries: 10 would
// wait 1+2+…+512 s; a round waits MaxBackoff (60 s) at most per
// destination.
func TestBackoffCappedPerPass(t *testing.T) {
	a := eventtest.New(t)
	rc := newReceiver(t, "")
	rc.set("503")
	hook, _ := NewWebhook(rc.srv.URL, WebhookOptions{Retries: 10})
	var slept time.Duration
	n := &Notifier{Store: a, Dests: []Destination{hook}, Sleep: func(ctx context.Context, d time.Duration) error {
		slept += d
		return nil
	}}
	if err := n.Enqueue([]events.Event{{ID: "1", Kind: "new"}, {ID: "2", Kind: "new"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	if slept > DefaultMaxBackoff || slept < 30*time.Second {
		t.Errorf("waited %v in one round, want at most %v (and retries up to it)", slept, DefaultMaxBackoff)
	}
}

// TestDeliveryKeepsEventsQueuedMeanwhile: delivery runs without the
// archive lock, so another pass may queue events while it runs; they are
// kept, and what was delivered is removed.
func TestDeliveryKeepsEventsQueuedMeanwhile(t *testing.T) {
	a := eventtest.New(t)
	var n *Notifier
	var once sync.Once
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			// Another process's pass queues an event now.
			other := &Notifier{Store: a, Dests: n.Dests}
			if err := other.Enqueue([]events.Event{{ID: "late", Kind: "new"}}); err != nil {
				t.Error(err)
			}
		})
		mu.Lock()
		got = append(got, r.Header.Get(HeaderEventID))
		mu.Unlock()
	}))
	defer srv.Close()
	hook, _ := NewWebhook(srv.URL, WebhookOptions{})
	n = &Notifier{Store: a, Dests: []Destination{hook}, Sleep: noSleep}
	if err := n.Enqueue([]events.Event{{ID: "1", Kind: "new"}, {ID: "2", Kind: "new"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := n.Deliver(context.Background())
	if err != nil || rep.Delivered != 2 || rep.Pending != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	rep, err = n.Deliver(context.Background())
	if err != nil || rep.Delivered != 1 || rep.Pending != 0 {
		t.Fatalf("next round: %+v %v", rep, err)
	}
	if !slices.Equal(got, []string{"1", "2", "late"}) {
		t.Errorf("delivered %v", got)
	}
}
