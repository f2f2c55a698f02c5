package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/events"
	"wxarchive/notify"
)

// hookReceiver is a webhook endpoint on loopback that can be down.
type hookReceiver struct {
	mu   sync.Mutex
	down bool
	got  []events.Event
	bad  []string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if !notify.Verify([]byte("hook-s3cret"), body, r.Header.Get(notify.HeaderSignature)) {
		h.bad = append(h.bad, "bad signature")
	}
	var ev events.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID != r.Header.Get(notify.HeaderEventID) {
		h.bad = append(h.bad, "bad body or id")
	}
	h.got = append(h.got, ev)
}

func (h *hookReceiver) kinds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, ev := range h.got {
		out = append(out, string(ev.Kind))
	}
	return out
}

// TestChangesEndToEnd: run --once produces and delivers events to a signed
// webhook; an edit ingested by hand is delivered by the next pass while the
// webhook is down, then once it is back; changes lists them all.
func TestChangesEndToEnd(t *testing.T) {
	srv, cfg := runSetup(t)
	rc := &hookReceiver{}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	t.Setenv("WX_TEST_HOOK_SECRET", "hook-s3cret")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("notify:\n  webhooks:\n    - url: " + hook.URL + "/wx?token=tok3n\n      secret_env: WX_TEST_HOOK_SECRET\n      retries: 0\n")
	f.Close()
	ctx := context.Background()

	code, out, errs := runCLI(ctx, "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, " events=3 delivered=3 ") {
		t.Fatalf("pass 1: exit %d %q\n%s", code, out, errs)
	}
	// The page is edited; a manual ingest records it; the webhook is down
	// for the next pass.
	mid := "2650000002"
	srv.Page(runURL(mid), strings.Replace(runPage(mid, "文章"+mid), "<p>正文 ", "<p>修改后的正文 ", 1))
	if code, _, errs := runCLI(ctx, "ingest", "--config", cfg, runURL(mid)); code != exitOK {
		t.Fatalf("ingest: %d %s", code, errs)
	}
	rc.mu.Lock()
	rc.down = true
	rc.mu.Unlock()
	code, out, errs = runCLI(ctx, "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, " events=1 delivered=0 ") || !strings.Contains(out, "undelivered=1") {
		t.Fatalf("pass 2: exit %d %q\n%s", code, out, errs)
	}
	if strings.Contains(errs, "tok3n") || strings.Contains(errs, "hook-s3cret") || !strings.Contains(errs, "destination unreachable") {
		t.Errorf("logs of pass 2:\n%s", errs)
	}
	rc.mu.Lock()
	rc.down = false
	rc.mu.Unlock()
	code, out, errs = runCLI(ctx, "run", "--once", "--json", "--config", cfg)
	var sum map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &sum) != nil || sum["events"] != 0.0 || sum["delivered"] != 1.0 {
		t.Fatalf("pass 3: exit %d %q\n%s", code, out, errs)
	}
	if got := rc.kinds(); !slices.Equal(got, []string{"new", "new", "new", "edited"}) || len(rc.bad) > 0 {
		t.Fatalf("webhook received %v (%v)", got, rc.bad)
	}

	// changes lists the same events, with the same ids.
	code, out, errs = runCLI(ctx, "changes", "--json", "--config", cfg)
	if code != exitOK {
		t.Fatalf("changes: %d %s", code, errs)
	}
	var listed []events.Event
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev events.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		listed = append(listed, ev)
	}
	if len(listed) != 4 || listed[3].Kind != "edited" || listed[3].ID != rc.got[3].ID {
		t.Fatalf("changes listed %+v", listed)
	}
	if e := listed[3].Edit; e == nil || e.Changed != 4 || !strings.Contains(e.Sentence, "修改后的正文") {
		t.Errorf("edit %+v", e)
	}
	code, out, _ = runCLI(ctx, "changes", "--kind", "edited", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "edited") || strings.Contains(out, "\tnew") || strings.Count(strings.TrimSpace(out), "\n") != 1 {
		t.Errorf("changes --kind edited:\n%s", out)
	}
	code, out, _ = runCLI(ctx, "changes", "--since", "2000-01-01", "--config", cfg, runURL("2650000001"))
	if code != exitOK || strings.Count(strings.TrimSpace(out), "\n") != 1 || !strings.Contains(out, "new article: 文章2650000001") {
		t.Errorf("changes ARTICLE:\n%s", out)
	}
	code, out, errs = runCLI(ctx, "changes", "--since", "1h", "--kind", "deleted", "--config", cfg)
	if code != exitOK || out != "" || !strings.Contains(errs, "no changes") {
		t.Errorf("changes --since 1h --kind deleted: %d %q %q", code, out, errs)
	}

	// --rebuild gives the same ids; it prints no records: what it did is
	// said on stderr, as reindex says it.
	code, out, errs = runCLI(ctx, "changes", "--rebuild", "--config", cfg)
	if code != exitOK || out != "" || !strings.Contains(errs, "4 events") {
		t.Fatalf("rebuild: %d %q %s", code, out, errs)
	}
	code, out, _ = runCLI(ctx, "changes", "--json", "--config", cfg)
	for _, ev := range listed {
		if !strings.Contains(out, ev.ID) {
			t.Errorf("event %s gone after rebuild", ev.ID)
		}
	}
}

func TestChangesUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"changes", "--since", "yesterday"}, `--since "yesterday": want a date`},
		{[]string{"changes", "--kind", "edit"}, `--kind "edit": want one of new, edited`},
		{[]string{"changes", "--rebuild", "--json"}, `--rebuild takes no other flag`},
		{[]string{"changes", "a", "b"}, `give at most one ARTICLE`},
	} {
		code, _, errs := runCLI(context.Background(), append(c.args, "--archive", dir)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q", c.args, code, errs)
		}
	}
	now := time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)
	if got, err := parseSince("7d", now); err != nil || !got.Equal(now.Add(-7*24*time.Hour)) {
		t.Errorf("7d: %v %v", got, err)
	}
	if got, err := parseSince("2026-03-01T10:00:00+08:00", now); err != nil || got.Unix() != 1772330400 {
		t.Errorf("RFC 3339: %v %v", got, err)
	}
}

// TestRunRefusesAnUnsetSecret: a secret_env that is not set is a
// configuration error before anything is fetched.
func TestRunRefusesAnUnsetSecret(t *testing.T) {
	srv, cfg := runSetup(t)
	f, _ := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("notify:\n  webhooks:\n    - url: https://127.0.0.1:1/x\n      secret_env: WX_TEST_SURELY_UNSET\n")
	f.Close()
	code, _, errs := runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitUsage || !strings.Contains(errs, "secret_env WX_TEST_SURELY_UNSET is not set") || srv.Total() != 0 {
		t.Fatalf("exit %d, %d requests\n%s", code, srv.Total(), errs)
	}
}

// TestRunDeliversWithoutTheLock: while run --once waits on a slow webhook,
// the archive lock is free (another command can ingest), and the retries
// of a webhook that is down are capped.
func TestRunDeliversWithoutTheLock(t *testing.T) {
	_, cfg := runSetup(t)
	dir := filepath.Join(filepath.Dir(cfg), "arch")
	var mu sync.Mutex
	var lockFree []bool
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := archive.Open(dir)
		free := false
		if err == nil {
			if l, err := a.Lock(); err == nil {
				free = true
				l.Unlock()
			}
		}
		mu.Lock()
		lockFree = append(lockFree, free)
		mu.Unlock()
	}))
	defer hook.Close()
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("notify:\n  webhooks:\n    - url: " + hook.URL + "/wx\n      retries: 0\n")
	f.Close()
	code, out, errs := runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, " delivered=3 ") {
		t.Fatalf("exit %d %q\n%s", code, out, errs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lockFree) != 3 || slices.Contains(lockFree, false) {
		t.Errorf("archive lock free during each delivery: %v", lockFree)
	}
}

// TestTimesWithoutZoneAgree: a time typed without a zone means the same
// instant to ingest --captured and to changes --since (the local time, as
// changes shows times), whatever the machine's zone.
func TestTimesWithoutZoneAgree(t *testing.T) {
	b := newBin(t)
	b.env = append(b.env, "TZ=Asia/Tokyo") // neither UTC nor China time
	page := filepath.Join(mustAbs(t, convertFixtures), "goscraper-2017-jiagoushi-mq.html")
	if code, out, errs := b.run("ingest", "--no-images", "--archive", "arch", page, "--captured", "2026-03-04 10:00"); code != 0 {
		t.Fatalf("ingest: %d %s %s", code, out, errs)
	}
	for since, want := range map[string]bool{"2026-03-04 10:00": true, "2026-03-04T09:59": true, "2026-03-04 10:01": false, "2026-03-04T10:00:00+09:00": true, "2026-03-04T01:00:01Z": false} {
		code, out, errs := b.run("changes", "--json", "--archive", "arch", "--since", since)
		if code != 0 || strings.Contains(out, `"kind":"new"`) != want {
			t.Errorf("changes --since %q: exit %d, new event listed %v, want %v\n%s%s", since, code, !want, want, out, errs)
		}
	}
	if _, out, _ := b.run("changes", "--archive", "arch"); !strings.Contains(out, "2026-03-04 10:00:00 +09:00") {
		t.Errorf("changes does not show the time typed, in the local zone:\n%s", out)
	}
}

// TestLimitFlag: list and changes take --limit N as search does: list the
// first N in its order, changes the N latest events (still oldest first,
// like tail); 0 or less is a usage error.
func TestLimitFlag(t *testing.T) {
	b := newBin(t)
	dir, _ := keyArchive(t, b)
	lines := func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }
	_, all, _ := b.run("list", "--json", "--archive", dir)
	code, out, errs := b.run("list", "--json", "--limit", "1", "--archive", dir)
	if code != 0 || len(lines(out)) != 1 || lines(out)[0] != lines(all)[0] {
		t.Errorf("list --limit 1: exit %d\n%s%s\nall:\n%s", code, out, errs, all)
	}
	_, all, _ = b.run("changes", "--json", "--archive", dir)
	if len(lines(all)) != 2 {
		t.Fatalf("changes: %s", all)
	}
	code, out, errs = b.run("changes", "--json", "--limit", "1", "--archive", dir)
	if code != 0 || len(lines(out)) != 1 || lines(out)[0] != lines(all)[1] {
		t.Errorf("changes --limit 1: exit %d\n%s%s\nall:\n%s", code, out, errs, all)
	}
	for _, cmd := range []string{"list", "changes"} {
		if code, _, errs := b.run(cmd, "--limit", "0", "--archive", dir); code != exitUsage || !strings.Contains(errs, "--limit") {
			t.Errorf("%s --limit 0: exit %d %s", cmd, code, errs)
		}
	}
}
