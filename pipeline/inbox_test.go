package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

// fakeSaved ingests files whose content is an article URL; anything else
// is not a WeChat page. It records in the store like fakeIngester.
type fakeSaved struct {
	e     *env
	calls []string
}

func (f *fakeSaved) IngestFile(ctx context.Context, name string) Result {
	f.calls = append(f.calls, filepath.Base(name))
	b, err := os.ReadFile(name)
	if err != nil {
		return Result{Outcome: model.OutcomeFailed, Err: err}
	}
	l, err := model.ParseLink(strings.TrimSpace(string(b)))
	if err != nil {
		return Result{Outcome: model.OutcomeFailed, NotPage: true, Err: errors.New("no article here")}
	}
	k := l.Key()
	f.e.store.mu.Lock()
	defer f.e.store.mu.Unlock()
	a, had := f.e.store.articles[k]
	out := model.OutcomeCreated
	if had {
		out = model.OutcomeUnchanged
	} else {
		// A 2017 article, captured long ago as far as the archive knows.
		a = Article{Key: k, URL: l.Canon, Biz: l.ID.Biz, State: model.StateArticle,
			Published: time.Date(2017, 3, 3, 0, 0, 0, 0, time.UTC), LastCapture: time.Date(2017, 3, 4, 0, 0, 0, 0, time.UTC)}
		f.e.store.articles[k] = a
	}
	return Result{Key: k, Outcome: out, Biz: l.ID.Biz, Path: "articles/" + string(k) + ".md"}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInbox: saved pages in sources.saved are ingested once each (by
// content: a renamed copy is not ingested again), a file that is not a
// WeChat page is reported once, other files and the <name>_files folders
// are left alone, and an inbox article is not due for a recheck at once
// (issue 12).
func TestInbox(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	write(t, filepath.Join(inbox, "a.html"), art(bizA, 1))
	write(t, filepath.Join(inbox, "b.HTM"), art(bizB, 2))
	write(t, filepath.Join(inbox, "notes.html"), "my shopping list")
	write(t, filepath.Join(inbox, "readme.txt"), art(bizA, 3))
	write(t, filepath.Join(inbox, "a_files", "640.html"), art(bizA, 4))
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\nrecheck: {after: [1h, 1d], every: 90d}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	var logs strings.Builder
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))

	s := e.run(context.Background())
	if s.Inbox != 2 || s.Created != 2 || s.Fetched != 0 || s.Rechecked != 0 || len(s.Written) != 2 || !strings.Contains(s.String(), " inbox=2") {
		t.Fatalf("first pass: %s %q", s, s.Written)
	}
	if strings.Join(saved.calls, ",") != "a.html,b.HTM,notes.html" {
		t.Errorf("ingested %q", saved.calls)
	}
	if n := strings.Count(logs.String(), "not a WeChat article page"); n != 1 {
		t.Errorf("%d reports of the non-page:\n%s", n, logs.String())
	}
	if len(e.ing.calls) != 0 {
		t.Errorf("fetched %q", e.ing.calls)
	}

	// A second pass, a day later: nothing new, nothing said, nothing fetched.
	saved.calls, logs = nil, strings.Builder{}
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	write(t, filepath.Join(inbox, "copy of a.html"), art(bizA, 1))
	e.clk.Add(24 * time.Hour)
	s = e.run(context.Background())
	if s.Inbox != 0 || s.Fetched != 0 || len(saved.calls) != 0 || len(e.ing.calls) != 0 || strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("second pass: %s, ingested %q, fetched %q\n%s", s, saved.calls, e.ing.calls, logs.String())
	}
}
