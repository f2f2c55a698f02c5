package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

// Regression tests for the second adversarial review of archive/.

var testID2 = model.ID{Biz: testID.Biz, Mid: "999", Idx: "1", Sn: "def"}

// appendFailStore fails every Append to the index while *full.
type appendFailStore struct {
	*FSStore
	full *bool
}

func (s appendFailStore) Append(name string, b []byte) error {
	if *s.full && name == vaultNames.index {
		return fmt.Errorf("append %s: no space left on device", name)
	}
	return s.FSStore.Append(name, b)
}

// Review 2 §3: a failure after the commit point is not lost when the same
// writer records again (ingest a b c, run): the journal keeps the first's
// key until it is finished.
func TestJournalKeepsEarlierFailure(t *testing.T) {
	t.Run("readable", func(t *testing.T) {
		dir := t.TempDir()
		st, _ := NewFSStore(dir)
		failPath := "" // the readable path that cannot be written
		a := OpenStore(dir, &failingStore{FSStore: st, fail: func(n string) bool {
			return failPath == "" && strings.HasPrefix(n, articlesDir) || n == failPath
		}})
		l, err := a.Lock()
		if err != nil {
			t.Fatal(err)
		}
		r1, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
		if err != nil || len(r1.Warnings) == 0 {
			t.Fatalf("first: %+v %v", r1, err)
		}
		failPath = r1.Path // the disk is still full for the first's file only
		if _, err := a.Record(pageInput(testID2, "另一篇", "正文", testRenderer{v: 1}, t0)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, r1.Path)); err == nil {
			t.Fatal("test broken: the first's file was written")
		}
		l.Unlock()
		failPath = "-"
		l, err = a.Lock()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Unlock()
		if _, err := os.Stat(filepath.Join(dir, r1.Path)); err != nil {
			t.Errorf("the readable copy of the first was never written: %v", err)
		}
		mustClean(t, a)
	})
	t.Run("readable, finished by the next Record", func(t *testing.T) {
		dir := t.TempDir()
		st, _ := NewFSStore(dir)
		full := true
		a := OpenStore(dir, &failingStore{FSStore: st, fail: func(n string) bool { return full && strings.HasPrefix(n, articlesDir) }})
		l, err := a.Lock()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Unlock()
		r1, _ := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
		full = false
		if _, err := a.Record(pageInput(testID2, "另一篇", "正文", testRenderer{v: 1}, t0)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, r1.Path)); err != nil {
			t.Errorf("the readable copy of the first was never written: %v", err)
		}
		if _, err := a.store.Get(a.n.intent); err == nil {
			t.Error("journal left after everything was finished")
		}
		mustClean(t, a)
	})
	t.Run("index", func(t *testing.T) {
		dir := t.TempDir()
		st, _ := NewFSStore(dir)
		full := true
		a := OpenStore(dir, appendFailStore{st, &full})
		l, err := a.Lock()
		if err != nil {
			t.Fatal(err)
		}
		r1, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
		if err != nil || len(r1.Warnings) == 0 {
			t.Fatalf("first: %+v %v", r1, err)
		}
		full = false
		if _, err := a.Record(pageInput(testID2, "另一篇", "正文", testRenderer{v: 1}, t0)); err != nil {
			t.Fatal(err)
		}
		l.Unlock()
		r, _ := Open(dir) // a reader: list, the pipeline's view
		list, err := r.List()
		if err != nil || len(list) != 2 {
			t.Errorf("list: %d articles, %v; want 2", len(list), err)
		}
		l, err = a.Lock()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Unlock()
		mustClean(t, a)
	})
}

// Review 2 §3: a Record that failed before its commit leaves a capture
// record no head holds; the next Record of the same writer removes it.
func TestJournalDropsUncommittedCapture(t *testing.T) {
	dir := t.TempDir()
	st, _ := NewFSStore(dir)
	failHead := true
	a := OpenStore(dir, &failingStore{FSStore: st, fail: func(n string) bool { return failHead && strings.HasPrefix(n, vaultNames.heads) }})
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if _, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)); err == nil {
		t.Fatal("record with no head written: no error")
	}
	failHead = false
	if _, err := a.Record(pageInput(testID2, "另一篇", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Fatal(err)
	}
	mustClean(t, a)
}

// Review 2 §6: a readable file edited, then deleted by hand: the copy
// beside it, which the store wrote, keeps the latest content, and verify
// stays clean (the deletion is a notice).
func TestEditedThenDeletedKeepsBeside(t *testing.T) {
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	res, err := a.Record(pageInput(testID, "标题", "正文", v1, t0))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(a.Dir(), res.Path)
	os.WriteFile(p, []byte("---\ntitle: 标题\n---\n\n我的笔记\n"), 0o644)
	res2, err := a.Record(pageInput(testID, "标题", "正文第二版", v1, t0.Add(time.Hour)))
	if err != nil || !strings.HasSuffix(res2.Path, " (v2).md") {
		t.Fatalf("second: %+v %v", res2, err)
	}
	os.Remove(p)
	res3, err := a.Record(pageInput(testID, "标题", "正文第三版", v1, t0.Add(2*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(a.Dir(), res2.Path)); err != nil || !strings.Contains(string(b), "正文第三版") {
		t.Errorf("the copy beside does not hold the latest version: %v\n%s", err, b)
	}
	if res3.Path != res2.Path || len(res3.Notes) != 1 || !strings.Contains(res3.Notes[0], "deleted by hand") {
		t.Errorf("third: %+v", res3)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("the file deleted by hand came back: %v", err)
	}
	rep, _ := a.VerifyWith(VerifyOptions{})
	if rep.Damaged() != 0 || !strings.Contains(formatProblems(rep.Problems), "deleted by hand") {
		t.Errorf("verify: %v", rep.Problems)
	}
}

// Review 2 §7: an article's readable path stays its own when its file was
// deleted by hand: another article of the same account, title and date
// gets a path of its own.
func TestDeletedPathNotReused(t *testing.T) {
	a, l := openTest(t)
	r1, err := a.Record(pageInput(testID, "同名", "正文一", testRenderer{v: 1}, t0))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(a.Dir(), r1.Path))
	r2, err := a.Record(pageInput(testID2, "同名", "正文二", testRenderer{v: 1}, t0))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Path == r1.Path {
		t.Fatalf("two articles share %s", r1.Path)
	}
	mustCleanNotices(t, a)
	if p, err := a.Restore(testID.Key()); err != nil || p != r1.Path {
		t.Errorf("restore of the first: %q %v", p, err)
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir(), r2.Path)); !strings.Contains(string(b), "正文二") {
		t.Errorf("second's file: %s", b)
	}
	mustClean(t, a)

	// An archive written before paths were claimed claims them at the
	// first lock.
	l.Unlock()
	os.RemoveAll(filepath.Join(a.Dir(), filepath.FromSlash(a.claimsDir())))
	b, _ := Open(a.Dir())
	l2, err := b.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Unlock()
	os.Remove(filepath.Join(b.Dir(), r2.Path))
	id3 := testID
	id3.Mid = "777"
	r3, err := b.Record(pageInput(id3, "同名", "正文三", testRenderer{v: 1}, t0))
	if err != nil || r3.Path == r1.Path || r3.Path == r2.Path {
		t.Errorf("third: %q %v (first %q, second %q)", r3.Path, err, r1.Path, r2.Path)
	}
}

// datedInput is a saved page of title|body, dated at (zero: undated).
func datedInput(body string, at time.Time) Input {
	in := pageInput(testID, "标题", body, testRenderer{v: 1}, at)
	in.TimeSource = "user"
	if at.IsZero() {
		in.Capture.FetchedAt, in.Undated, in.TimeSource = time.Now(), true, "ingest"
	}
	return in
}

// Review 2 §4: an older saved page is an earlier version in its place by
// time, never the latest: no phantom edit, the readable file keeps the
// newest, numbers follow time.
func TestOlderPageIsEarlierVersion(t *testing.T) {
	a, _ := openTest(t)
	jun := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		body    string
		at      time.Time
		outcome model.Outcome
		version int
	}{
		{"六月的正文", jun, model.OutcomeCreated, 1},
		{"一月的正文", jan, model.OutcomeEarlier, 1},
		{"六月的正文", jun.AddDate(0, 1, 0), model.OutcomeUnchanged, 2},
		{"一月的正文", jan.AddDate(0, 1, 0), model.OutcomeUnchanged, 1},
		{"不知何时的正文", time.Time{}, model.OutcomeEarlier, 2},        // undated: never over a dated newer version
		{"三月的正文", jan.AddDate(0, 2, 0), model.OutcomeEarlier, 3}, // dated ones by time
	}
	for _, s := range steps {
		res, err := a.Record(datedInput(s.body, s.at))
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != s.outcome || res.Version != len(mustVersions(t, a)) {
			t.Errorf("%s %s: outcome %s, version %d; want %s", s.body, s.at.Format("2006-01-02"), res.Outcome, res.Version, s.outcome)
		}
		caps, _ := a.Captures(testID.Key())
		if last := caps[len(caps)-1]; last.Version != s.version {
			t.Errorf("%s: the capture names version %d; want %d", s.body, last.Version, s.version)
		}
	}
	vs := mustVersions(t, a)
	var order []string
	for i, v := range vs {
		md, _ := a.Version(testID.Key(), v.N)
		order = append(order, strings.TrimSpace(string(md[strings.LastIndex(string(md), "\n\n"):])))
		if v.N != i+1 {
			t.Errorf("version %d numbered %d", i+1, v.N)
		}
	}
	if want := "一月的正文 不知何时的正文 三月的正文 六月的正文"; strings.Join(order, " ") != want {
		t.Errorf("versions in order %q; want %q", order, want)
	}
	// Renumbered: the first capture made what is now version 4.
	caps, _ := a.Captures(testID.Key())
	if caps[0].Version != 4 || caps[1].Version != 1 || caps[2].Version != 4 {
		t.Errorf("capture versions %d %d %d; want 4 1 4", caps[0].Version, caps[1].Version, caps[2].Version)
	}
	h, _ := a.loadHead(testID.Key())
	if b, _ := os.ReadFile(filepath.Join(a.Dir(), h.Path)); !strings.Contains(string(b), "六月的正文") {
		t.Errorf("the readable file does not show the newest version:\n%s", b)
	}
	if latest, _ := a.Version(testID.Key(), 0); !strings.Contains(string(latest), "六月的正文") {
		t.Errorf("latest: %s", latest)
	}
	mustClean(t, a)
}

func mustVersions(t *testing.T, a *Archive) []VersionInfo {
	t.Helper()
	vs, err := a.Versions(testID.Key())
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// addSourceURL adds a source_url line to a Markdown object: a line its name
// (the content hash) skips.
func addSourceURL(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), "---\n", "---\nsource_url: https://phish.example/login\n", 1))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Review 2 §2: a line the object's name skips (source_url) added to a
// stored version is caught by show, verify and the next writer.
func TestSkippedLineTamperCaught(t *testing.T) {
	a, _ := openTest(t)
	res, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := a.loadHead(testID.Key())
	obj := filepath.Join(a.Dir(), a.mdName(h.History[0].SHA))
	addSourceURL(t, obj)
	if md, err := a.Version(testID.Key(), 1); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), a.mdName(h.History[0].SHA)) {
		t.Errorf("show of a tampered version: %v\n%s", err, md)
	}
	if md, err := a.Rendering(testID.Key(), 0); !errors.Is(err, ErrTampered) {
		t.Errorf("the latest rendering: %v\n%s", err, md)
	}
	if p := problems(t, a, VerifyOptions{}); !strings.Contains(p, a.mdName(h.History[0].SHA)+": damaged") {
		t.Errorf("verify:\n%s", p)
	}
	// The next writer does not copy it into the readable file.
	del := stateInput(testID, testID.URL(), model.StateDeleted)
	del.Capture.FetchedAt = t0.Add(time.Hour)
	if _, err := a.Record(del); !errors.Is(err, ErrTampered) {
		t.Errorf("record over a tampered latest version: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir(), res.Path)); strings.Contains(string(b), "phish") {
		t.Errorf("the tampered line reached the readable file:\n%s", b)
	}
}

// Review 2 §2, the layout before: versions without an exact hash are
// checked against their version file's source_url line.
func TestSkippedLineTamperCaughtLegacy(t *testing.T) {
	dir := copyLegacy(t)
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := a.loadHead(legacyTwo)
	obj := filepath.Join(dir, a.mdName(h.History[0].SHA))
	b, _ := os.ReadFile(obj)
	os.WriteFile(obj, []byte(strings.Replace(string(b), "source_url: ", "source_url: https://phish.example/login#", 1)), 0o644)
	if _, err := a.Version(legacyTwo, 1); !errors.Is(err, ErrTampered) {
		t.Errorf("show of a tampered legacy version: %v", err)
	}
	if _, err := a.Version(legacyTwo, 2); err != nil {
		t.Errorf("an intact legacy version: %v", err)
	}
	if p := problems(t, a, VerifyOptions{}); !strings.Contains(p, a.mdName(h.History[0].SHA)) {
		t.Errorf("verify:\n%s", p)
	}
}

// rewriteHead edits a head as someone who knows the format would: the
// head's own hash recomputed, its index line and readable file made to
// agree.
func rewriteHead(t *testing.T, a *Archive, k model.Key, fn func(h *head)) {
	t.Helper()
	h, err := a.loadHead(k)
	if err != nil || h == nil {
		t.Fatal(err)
	}
	fn(h)
	if want, err := a.readableContent(h); err == nil && want != nil {
		os.WriteFile(filepath.Join(a.Dir(), h.Path), want, 0o644)
		h.Readable.Files[h.Path] = fileSum{SHA: sha(want)}
	}
	if err := a.putHead(h); err != nil {
		t.Fatal(err)
	}
	if err := a.appendIndex(h, nil); err != nil {
		t.Fatal(err)
	}
}

// Review 2 §1: the versions of a head are what its capture records made
// them; a head rewritten with its own hash recomputed is caught, by verify
// and by verify --root.
func TestVerifyReplaysHistory(t *testing.T) {
	cases := []struct {
		name string
		edit func(h *head)
		want string // in verify's report
	}{
		{"drop a version and renumber", func(h *head) {
			h.History = h.History[1:]
			h.History[0].N = 1
		}, "holds 1 versions, but its capture records made 2"},
		{"swap two versions", func(h *head) {
			x, y := &h.History[0], &h.History[1]
			x.SHA, y.SHA = y.SHA, x.SHA
			x.Exact, y.Exact = y.Exact, x.Exact
			x.ID, y.ID = y.ID, x.ID
			x.RawSHA, y.RawSHA = y.RawSHA, x.RawSHA
		}, "version 1 is"},
		{"swap two versions with their times", func(h *head) {
			h.History[0], h.History[1] = h.History[1], h.History[0]
			h.History[0].N, h.History[1].N = 1, 2
		}, "version 1 is"},
		{"a version's raw page", func(h *head) { h.History[0].RawSHA = h.History[1].RawSHA }, "raw page differs"},
		{"account", func(h *head) { h.Account = "伪造号" }, `account "伪造号"`},
		{"published", func(h *head) { h.Published = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) }, "published 2001"},
		{"url", func(h *head) { h.URL = "https://evil.example/" }, "is not a link to this article"},
		{"url of another article", func(h *head) { h.URL = testID2.URL() }, "is not a link to this article"},
		{"last outcome", func(h *head) { h.LastOutcome = model.OutcomeCreated }, `last outcome "created"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := openTest(t)
			for i, body := range []string{"正文一", "正文二"} {
				if _, err := a.Record(pageInput(testID, "标题", body, testRenderer{v: 1}, t0.Add(time.Duration(i)*time.Hour))); err != nil {
					t.Fatal(err)
				}
			}
			rep, _ := a.VerifyWith(VerifyOptions{})
			if rep.Damaged() != 0 {
				t.Fatalf("before: %v", rep.Problems)
			}
			rewriteHead(t, a, testID.Key(), c.edit)
			if p := problems(t, a, VerifyOptions{}); !strings.Contains(p, c.want) {
				t.Errorf("verify:\n%s\nwant %q", p, c.want)
			}
			if p := problems(t, a, VerifyOptions{Root: rep.Root, Quick: true}); p == "" {
				t.Error("verify --root --quick: clean")
			}
		})
	}
}

// Review 2 §1: verify --root also wants the anchored versions in their
// order, and nothing added before them that no capture since made.
func TestVerifyRootOrder(t *testing.T) {
	a, _ := openTest(t)
	for i, body := range []string{"正文一", "正文二"} {
		if _, err := a.Record(pageInput(testID, "标题", body, testRenderer{v: 1}, t0.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	rep, _ := a.VerifyWith(VerifyOptions{})
	// An earlier version added by a capture since: an extension.
	in := pageInput(testID, "标题", "更早的正文", testRenderer{v: 1}, t0.Add(-time.Hour))
	if res, err := a.Record(in); err != nil || res.Outcome != model.OutcomeEarlier {
		t.Fatalf("earlier: %+v %v", res, err)
	}
	if p := problems(t, a, VerifyOptions{Root: rep.Root}); p != "" {
		t.Errorf("an earlier version since the root:\n%s", p)
	}
	// A version slipped in that no capture made.
	rewriteHead(t, a, testID.Key(), func(h *head) {
		md := articleMarkdown("标题", "伪造的正文")
		a.store.PutIfAbsent(a.mdName(contentHash(md)), md)
		fake := h.History[1]
		fake.SHA, fake.Exact, fake.ID = contentHash(md), sha(md), identity(md)
		h.History = append([]versionRef{fake}, h.History...)
		for i := range h.History {
			h.History[i].N = i + 1
		}
	})
	if p := problems(t, a, VerifyOptions{Root: rep.Root}); !strings.Contains(p, "not in the root, and no capture since made it") {
		t.Errorf("a version slipped in before the root's:\n%s", p)
	}
}

// Review 2 §10: a leftover or forged journal hides no damage when no
// writer holds the lock.
func TestForgedJournalHidesNothing(t *testing.T) {
	a, l := openTest(t)
	if _, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	hp := filepath.Join(a.Dir(), a.headName(testID.Key()))
	b, _ := os.ReadFile(hp)
	os.WriteFile(hp, []byte(strings.Replace(string(b), `"state": "article"`, `"state": "deleted"`, 1)), 0o644)
	os.WriteFile(filepath.Join(a.Dir(), a.n.intent), []byte(`{"keys":["`+string(testID.Key())+`"]}`), 0o644)
	r, _ := Open(a.Dir())
	rep, err := r.VerifyWith(VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := formatProblems(rep.Problems); rep.Damaged() == 0 || !strings.Contains(p, "its hash does not match") || !strings.Contains(p, "notice: "+a.n.intent) {
		t.Errorf("verify with a leftover journal:\n%s", p)
	}
}

// Review 2 §10: an index line deleted by hand: the next writer notices
// (head count against the index's keys) and rebuilds the index, so the
// article is back in list and the pipeline.
func TestIndexLineDeletedByHand(t *testing.T) {
	a, l := openTest(t)
	for _, id := range []model.ID{testID, testID2} {
		if _, err := a.Record(pageInput(id, "标题", "正文", testRenderer{v: 1}, t0)); err != nil {
			t.Fatal(err)
		}
	}
	l.Unlock()
	p := filepath.Join(a.Dir(), a.n.index)
	b, _ := os.ReadFile(p)
	var kept []string
	for _, ln := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(ln, string(testID2.Key())+"\t") {
			kept = append(kept, ln)
		}
	}
	os.WriteFile(p, []byte(strings.Join(kept, "\n")), 0o644)
	w, _ := Open(a.Dir())
	l2, err := w.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Unlock()
	r, _ := Open(a.Dir())
	if list, err := r.List(); err != nil || len(list) != 2 {
		t.Errorf("list after the next writer: %d articles, %v; want 2", len(list), err)
	}
	mustClean(t, w)
}

// Review 2 §10: verify during a migration cut short reads version files
// where they are now, not where the heads of the layout before name them.
func TestVerifyDuringMigration(t *testing.T) {
	dir := copyLegacy(t)
	os.MkdirAll(filepath.Join(dir, ".wxarchive"), 0o755)
	os.WriteFile(filepath.Join(dir, filepath.FromSlash(migratingName)), []byte("migrating\n"), 0o644)
	if err := os.Rename(filepath.Join(dir, "versions"), filepath.Join(dir, ".wxarchive", "versions")); err != nil {
		t.Fatal(err)
	}
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := problems(t, a, VerifyOptions{}); strings.Contains(p, "versions/") {
		t.Errorf("verify during a migration:\n%s", p)
	}
	if _, err := a.Version(legacyTwo, 1); err != nil {
		t.Errorf("show during a migration: %v", err)
	}
}
