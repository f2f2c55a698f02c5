package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wxarchive/model"
)

// fakeSaved ingests files whose content is an article URL; anything else
// is not a WeChat page. It records in the store like fakeIngester.
type fakeSaved struct {
	e     *env
	calls []string
	local []int // per call: how many files its _files folder had
}

func (f *fakeSaved) IngestFile(ctx context.Context, name string) Result {
	f.calls = append(f.calls, filepath.Base(name))
	des, _ := os.ReadDir(filesDir(name))
	f.local = append(f.local, len(des))
	b, err := os.ReadFile(name)
	if err != nil {
		return Result{Outcome: model.OutcomeFailed, Err: err}
	}
	first, _, _ := strings.Cut(string(b), "\n") // the URL; then the page's <img> tags
	l, err := model.ParseLink(strings.TrimSpace(first))
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
	// The article's images are those with a data-src (offline: those
	// without their local file are not saved).
	images := strings.Count(string(b), `data-src="https://mmbiz.qpic.cn/`)
	missing := max(0, images-len(des))
	return Result{Key: k, Outcome: out, Biz: l.ID.Biz, Path: "articles/" + string(k) + ".md", Images: images, ImagesMissing: missing}
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

// TestInboxSpecialFiles: a FIFO, a link to /dev/zero and a folder named
// like a page do not hang the pass (issue 10 review): they are skipped,
// said in one line, and the page beside them is ingested.
func TestInboxSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	write(t, filepath.Join(inbox, "d.html"), art(bizA, 1))
	if err := syscall.Mkfifo(filepath.Join(inbox, "a.html"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(inbox, "b.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(inbox, "c.html"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	var logs syncBuilder
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	done := make(chan Summary, 1)
	go func() {
		s, err := e.p.RunOnce(context.Background())
		if err != nil {
			t.Error(err)
		}
		done <- s
	}()
	var s Summary
	select {
	case s = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the pass hangs on a FIFO or a device\n%s", logs.String())
	}
	if s.Inbox != 1 || strings.Join(saved.calls, ",") != "d.html" {
		t.Errorf("%s, ingested %q", s, saved.calls)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "2 entries are not a regular file") {
		t.Errorf("%d warnings:\n%s", n, logs.String())
	}
}

// TestReadInboxFileRefusesSpecial: the file reader itself refuses what is
// not a regular file, once open (a FIFO swapped in after the check), and
// does not block opening a FIFO without a writer.
func TestReadInboxFileRefusesSpecial(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "a.html")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, name := range []string{fifo, "/dev/zero"} {
		done := make(chan error, 1)
		go func() { _, _, _, err := readInboxFile(name); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, errNotRegular) {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: read blocks", name)
		}
	}
}

// TestInboxImagesArriveLater: a "complete" save whose _files folder is
// written after the page (or copied in later) is read again when the
// folder arrives, so the article gets its local images; then not again.
func TestInboxImagesArriveLater(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	page := art(bizA, 1) + "\n<p><img data-src=\"https://mmbiz.qpic.cn/mmbiz_png/x/640\" src=\"./a_files/640\">" +
		"<IMG data-src=\"https://mmbiz.qpic.cn/mmbiz_png/y/640\" src=\"a_files/640(1)\"><img src=\"https://example.com/z.png\"></p>"
	write(t, filepath.Join(inbox, "a.html"), page)
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved

	if s := e.run(context.Background()); s.Inbox != 1 || s.Created != 1 {
		t.Fatalf("first pass: %s", s)
	}
	if s := e.run(context.Background()); s.Inbox != 0 || len(saved.calls) != 1 {
		t.Fatalf("second pass, no folder yet: %s, calls %q", s, saved.calls)
	}
	write(t, filepath.Join(inbox, "a_files", "640"), "png")
	if s := e.run(context.Background()); s.Inbox != 1 || len(saved.calls) != 2 || saved.local[1] != 1 {
		t.Fatalf("one image arrived: %s, calls %q, local files %v", s, saved.calls, saved.local)
	}
	write(t, filepath.Join(inbox, "a_files", "640(1)"), "png")
	if s := e.run(context.Background()); s.Inbox != 1 || len(saved.calls) != 3 || saved.local[2] != 2 {
		t.Fatalf("the folder is complete: %s, calls %q, local files %v", s, saved.calls, saved.local)
	}
	if s := e.run(context.Background()); s.Inbox != 0 || len(saved.calls) != 3 {
		t.Fatalf("nothing new: %s, calls %q", s, saved.calls)
	}
}

// TestInboxPageChromeMissing: files of the page around the article that the
// browser did not save (a reward QR code) do not make the page be read
// again nor a notice: the article has all its images.
func TestInboxPageChromeMissing(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	page := art(bizA, 1) + "\n<p><img data-src=\"https://mmbiz.qpic.cn/mmbiz_png/x/640\" src=\"a_files/640\"></p>" +
		"<img src=\"a_files/pic_reward_qrcode.2x3534dd.png\"><img src=\"a_files/qrcode\">"
	write(t, filepath.Join(inbox, "a.html"), page)
	write(t, filepath.Join(inbox, "a_files", "640"), "png")
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	var logs strings.Builder
	e.p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if s := e.run(context.Background()); s.Inbox != 1 {
		t.Fatalf("first pass: %s", s)
	}
	if strings.Contains(logs.String(), "incomplete") {
		t.Errorf("a notice for the page's own missing files:\n%s", logs.String())
	}
	write(t, filepath.Join(inbox, "a_files", "qrcode"), "png")
	if s := e.run(context.Background()); s.Inbox != 0 || len(saved.calls) != 1 {
		t.Fatalf("read again for a file of the page around the article: %s, calls %q", s, saved.calls)
	}
}

// TestInboxSettle: a page saved a moment ago is read once it has been left
// alone for the settle time; one that changes meanwhile is left for the
// next pass.
func TestInboxSettle(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	name := filepath.Join(inbox, "a.html")
	write(t, name, art(bizA, 1))
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	e.p.InboxSettle = 300 * time.Millisecond
	// The browser goes on writing while the pass waits.
	rewrite := true
	e.p.Log = slog.New(hookHandler{Handler: slog.NewTextHandler(testWriter{t}, nil), hook: func(msg string) {
		if rewrite && strings.Contains(msg, "waiting for saved pages") {
			rewrite = false
			write(t, name, art(bizA, 1)+"\n<p>more</p>")
		}
	}})
	if s := e.run(context.Background()); s.Inbox != 0 || len(saved.calls) != 0 {
		t.Fatalf("read while being written: %s %q", s, saved.calls)
	}
	if s := e.run(context.Background()); s.Inbox != 1 || len(saved.calls) != 1 {
		t.Fatalf("next pass: %s %q", s, saved.calls)
	}
}

// hookHandler calls hook with each message before logging it.
type hookHandler struct {
	slog.Handler
	hook func(msg string)
}

func (h hookHandler) Handle(ctx context.Context, r slog.Record) error {
	h.hook(r.Message)
	return h.Handler.Handle(ctx, r)
}

// TestInboxNotPagesSummarised: many files that are not WeChat pages are
// reported in one line with their count, each at debug level.
func TestInboxNotPagesSummarised(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	for i := range 50 {
		write(t, filepath.Join(inbox, fmt.Sprintf("n%02d.html", i)), fmt.Sprintf("note %d", i))
	}
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	e.p.Saved = &fakeSaved{e: e}
	var logs syncBuilder
	e.p.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.run(context.Background())
	out := logs.String()
	if n := strings.Count(out, "level=WARN"); n != 1 || !strings.Contains(out, "50 files are not WeChat article pages") {
		t.Errorf("%d warnings:\n%s", n, out)
	}
	if n := strings.Count(out, "level=DEBUG msg=\"inbox: not a WeChat article page"); n != 50 {
		t.Errorf("%d debug lines", n)
	}
}

// syncBuilder is a strings.Builder safe for a logger and a reader.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInboxSameContentTwiceInOnePass: the same page saved twice under two
// names before a pass is ingested once (issue 12: a file is remembered by
// its content), and the copy whose own _files folder holds its images is
// the one read.
func TestInboxSameContentTwiceInOnePass(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	write(t, filepath.Join(inbox, "a.html"), art(bizA, 1))
	write(t, filepath.Join(inbox, "a (1).html"), art(bizA, 1))
	page := art(bizB, 2) + "\n<p><img data-src=\"https://mmbiz.qpic.cn/mmbiz_png/x/640\" src=\"./b_files/640\"></p>"
	write(t, filepath.Join(inbox, "a copy of b.html"), page)
	write(t, filepath.Join(inbox, "b.html"), page)
	write(t, filepath.Join(inbox, "b_files", "640"), "png")
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved

	s := e.run(context.Background())
	if got := strings.Join(saved.calls, ","); got != "a (1).html,b.html" {
		t.Errorf("ingested %q, want each content once (b.html: its images are beside it)", got)
	}
	if s.Inbox != 2 || s.Created != 2 || s.Unchanged != 0 {
		t.Errorf("first pass: %s", s)
	}
	if s := e.run(context.Background()); s.Inbox != 0 || len(saved.calls) != 2 {
		t.Errorf("second pass: %s, calls %q", s, saved.calls)
	}
}

// TestInboxInHome: "saved: [~/wechat-inbox]", as pipeline.yaml's comment
// suggests, is the folder in the user's home, not a folder named "~".
func TestInboxInHome(t *testing.T) {
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	write(t, filepath.Join(home, "wechat-inbox", "a.html"), art(bizA, 1))
	cfg := loadCfg(t, dir, "sources: {saved: [~/wechat-inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	if s := e.run(context.Background()); s.Inbox != 1 || s.SourceErrs != 0 {
		t.Errorf("pass: %s, ingested %q", s, saved.calls)
	}
}

// TestInboxCompletePageNoWait: a page modified a moment ago that is whole
// (it ends with </html>) and has every local image it references is read
// at once: a fresh clone's examples/inbox, or pages copied in, do not make
// the first pass wait (issue 12: quiet and fast). A page cut short still
// waits (TestInboxSettle).
func TestInboxCompletePageNoWait(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	write(t, filepath.Join(inbox, "a.html"), art(bizA, 1)+"\n<html><body><img src=\"a_files/640\"></body></html>\n")
	write(t, filepath.Join(inbox, "a_files", "640"), "\x89PNG\r\n\x1a\n...\x00\x00\x00\x00IEND\xaeB`\x82")
	write(t, filepath.Join(inbox, "b.html"), art(bizB, 2)+"\n<HTML><body>text</body></HTML>")
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	saved := &fakeSaved{e: e}
	e.p.Saved = saved
	e.p.InboxSettle = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waited := false
	e.p.Log = slog.New(hookHandler{Handler: slog.NewTextHandler(testWriter{t}, nil), hook: func(msg string) {
		if strings.Contains(msg, "waiting for saved pages") {
			waited = true
			cancel() // do not wait the hour
		}
	}})
	s := e.run(ctx)
	if waited || s.Inbox != 2 {
		t.Errorf("complete pages: waited %v, %s, ingested %q", waited, s, saved.calls)
	}
}

// TestInboxImageBeingWrittenWaits: a whole page whose local image is still
// being written (a JPEG without its end marker) waits like any fresh file.
func TestInboxImageBeingWrittenWaits(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	write(t, filepath.Join(inbox, "a.html"), art(bizA, 1)+"\n<html><body><img src=\"a_files/640.jpg\"></body></html>\n")
	write(t, filepath.Join(inbox, "a_files", "640.jpg"), "\xff\xd8\xff\xe0 half a picture")
	cfg := loadCfg(t, dir, "sources: {saved: [inbox]}\n")
	e := newEnv(t, cfg)
	e.p.Saved = &fakeSaved{e: e}
	e.p.InboxSettle = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waited := false
	e.p.Log = slog.New(hookHandler{Handler: slog.NewTextHandler(testWriter{t}, nil), hook: func(msg string) {
		if strings.Contains(msg, "waiting for saved pages") {
			waited = true
			cancel()
		}
	}})
	if s := e.run(ctx); !waited || s.Inbox != 0 {
		t.Errorf("a page with an image being written: waited %v, %s", waited, s)
	}
}
