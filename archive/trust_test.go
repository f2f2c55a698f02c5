package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"wxarchive/model"
)

// testRenderer renders the test pages ("<html>title|body</html>") as a
// given extractor version would.
type testRenderer struct {
	v      int
	suffix string // what this version writes differently
}

func (r testRenderer) Version() int { return r.v }

func (r testRenderer) Render(raw []byte, _ Origin) ([]byte, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(string(raw), "<html>"), "</html>")
	title, body, ok := strings.Cut(s, "|")
	if !ok {
		return nil, errors.New("not an article")
	}
	return articleMarkdown(title, body+r.suffix), nil
}

// pageInput is a capture of the test page title|body, extracted by r, at t.
func pageInput(id model.ID, title, body string, r testRenderer, at time.Time) Input {
	in := articleInput(id, id.URL(), title, body)
	in.Capture.Raw = []byte("<html>" + title + "|" + body + "</html>")
	in.Capture.FetchedAt = at
	in.Renderer = r
	in.Markdown, _ = r.Render(in.Capture.Raw, Origin{})
	return in
}

func problems(t *testing.T, a *Archive, o VerifyOptions) string {
	t.Helper()
	rep, err := a.VerifyWith(o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range rep.Problems {
		if !p.Notice {
			fmt.Fprintln(&b, p)
		}
	}
	return b.String()
}

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// Issue 8 §4: a newer extractor's rendering of an unchanged page is a
// re-rendering, not an edit; an edit under the new extractor is an update.
func TestRerenderedIsNoEdit(t *testing.T) {
	a, _ := openTest(t)
	v1, v2 := testRenderer{v: 1}, testRenderer{v: 2, suffix: "\n\n<!-- v2 -->"}
	steps := []struct {
		in   Input
		want model.Outcome
		n    int
	}{
		{pageInput(testID, "标题", "正文", v1, t0), model.OutcomeCreated, 1},
		{pageInput(testID, "标题", "正文", v1, t0.Add(time.Hour)), model.OutcomeUnchanged, 1},
		{pageInput(testID, "标题", "正文", v2, t0.Add(2*time.Hour)), model.OutcomeRerendered, 1},
		{pageInput(testID, "标题", "正文", v2, t0.Add(3*time.Hour)), model.OutcomeUnchanged, 1},
		{pageInput(testID, "标题", "正文改了", v2, t0.Add(4*time.Hour)), model.OutcomeUpdated, 2},
		{pageInput(testID, "标题", "正文改了", v1, t0.Add(5*time.Hour)), model.OutcomeRerendered, 2},
	}
	for i, s := range steps {
		res, err := a.Record(s.in)
		if err != nil || res.Outcome != s.want || res.Version != s.n {
			t.Fatalf("step %d: %s v%d, %v; want %s v%d", i, res.Outcome, res.Version, err, s.want, s.n)
		}
	}
	vs, _ := a.Versions(testID.Key())
	if len(vs) != 2 || len(vs[0].Renderings) != 1 || vs[0].Renderings[0].Extractor != 2 || vs[0].Extractor != 1 {
		t.Errorf("versions: %+v", vs)
	}
	if md, _ := a.Version(testID.Key(), 1); strings.Contains(string(md), "v2") {
		t.Error("version 1 was rewritten")
	}
	if md, _ := a.Rendering(testID.Key(), 1); !strings.Contains(string(md), "v2") {
		t.Error("version 1 has no rendering by extractor 2")
	}
	mustClean(t, a)
}

// A key renamed in the front matter is no change at all.
func TestIdentityIgnoresRenamesAndCaptureFields(t *testing.T) {
	base := "---\ntitle: t\nurl: https://x\ntype: article\nsource_url: https://y\ncover: https://c\n---\n\n# t\n\nbody\n"
	renamed := "---\ntitle: t\nsource: https://x\nformat: article\nread_original: https://y\ncover: ../../assets/c.jpg\ncover_url: https://c\ncaptured: \"2025-01-01T00:00:00+08:00\"\nstate: deleted\nstate_since: \"2025-01-02T00:00:00+08:00\"\n---\n\n# t\n\nbody\n"
	if identity([]byte(base)) != identity([]byte(renamed)) {
		t.Error("renamed keys or readable-only fields change the identity")
	}
	for _, changed := range []string{
		strings.Replace(base, "title: t", "title: u", 1),
		strings.Replace(base, "https://y", "https://z", 1),
		strings.Replace(base, "body", "body!", 1),
		strings.Replace(base, "https://c", "https://d", 1),
	} {
		if identity([]byte(base)) == identity([]byte(changed)) {
			t.Errorf("identity misses a change:\n%s", changed)
		}
	}
}

// Issue 10 §1: reextract never changes what happened.
func TestReextractKeepsHistory(t *testing.T) {
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	if _, err := a.Record(pageInput(testID, "标题", "正文", v1, t0)); err != nil {
		t.Fatal(err)
	}
	del := stateInput(testID, testID.URL(), model.StateDeleted)
	del.Capture.FetchedAt = t0.Add(time.Hour)
	if _, err := a.Record(del); err != nil {
		t.Fatal(err)
	}
	before, _ := a.Info(testID.Key())
	caps0, _ := a.Captures(testID.Key())
	res, err := a.Reextract(testID.Key(), testRenderer{v: 2, suffix: " (new)"}, false)
	if err != nil || res.Outcome != "rerendered" {
		t.Fatalf("reextract: %+v, %v", res, err)
	}
	after, _ := a.Info(testID.Key())
	caps1, _ := a.Captures(testID.Key())
	if after.State != model.StateDeleted || !after.LastCapture.Equal(before.LastCapture) || after.Captures != before.Captures ||
		len(caps1) != len(caps0) || after.Versions != 1 || after.LastOutcome != before.LastOutcome {
		t.Errorf("reextract changed history: before %+v\nafter %+v (captures %d -> %d)", before, after, len(caps0), len(caps1))
	}
	if res, _ := a.Reextract(testID.Key(), testRenderer{v: 2, suffix: " (new)"}, false); res.Outcome != "unchanged" {
		t.Errorf("second reextract: %+v", res)
	}
	mustClean(t, a)

	// An article whose only page the extractor failed on then gets a
	// version derived from it, dated by that capture, state untouched.
	id := testID
	id.Mid = "777"
	in := Input{Capture: model.Capture{Target: id.URL(), SourceURL: id.URL(), FetchedAt: t0, Raw: []byte("<html>救回来|正文</html>")},
		Link: id.URL(), Err: errors.New("extractor: no body")}
	if _, err := a.Record(in); err != nil {
		t.Fatal(err)
	}
	res, err = a.Reextract(id.Key(), v1, false)
	info, _ := a.Info(id.Key())
	vs, _ := a.Versions(id.Key())
	if err != nil || res.Outcome != "derived" || len(vs) != 1 || !vs[0].Derived || !vs[0].Time.Equal(t0) || info.State != "" || info.Captures != 1 || info.Path == "" {
		t.Errorf("derived: %+v %v %+v %+v", res, err, vs, info)
	}
	mustClean(t, a)
}

// Issue 10 §2: the state follows the newest observation by time; a saved
// page of unknown or older date adds content but leaves the state.
func TestStateFollowsNewestObservation(t *testing.T) {
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	if _, err := a.Record(pageInput(testID, "标题", "正文", v1, t0)); err != nil {
		t.Fatal(err)
	}
	del := stateInput(testID, testID.URL(), model.StateDeleted)
	del.Capture.FetchedAt = t0.Add(48 * time.Hour)
	if _, err := a.Record(del); err != nil {
		t.Fatal(err)
	}
	check := func(name string, in Input, outcome model.Outcome, state model.State) {
		t.Helper()
		res, err := a.Record(in)
		info, _ := a.Info(testID.Key())
		if err != nil || res.Outcome != outcome || info.State != state {
			t.Errorf("%s: %s, state %s, %v; want %s, state %s", name, res.Outcome, info.State, err, outcome, state)
		}
	}
	undated := pageInput(testID, "标题", "正文", v1, time.Now())
	undated.Undated = true
	check("undated saved copy", undated, model.OutcomeUnchanged, model.StateDeleted)
	older := pageInput(testID, "标题", "正文", v1, t0.Add(24*time.Hour))
	check("copy saved before the deletion", older, model.OutcomeUnchanged, model.StateDeleted)
	olderEdit := pageInput(testID, "标题", "另一版正文", v1, t0.Add(25*time.Hour))
	check("older copy with other text", olderEdit, model.OutcomeUpdated, model.StateDeleted)
	if info, _ := a.Info(testID.Key()); !info.StateSince.Equal(t0.Add(48*time.Hour)) || info.LastCapture.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("state since %s, last capture %s", info.StateSince, info.LastCapture)
	}
	newer := pageInput(testID, "标题", "另一版正文", v1, t0.Add(72*time.Hour))
	check("back online later", newer, model.OutcomeUnchanged, model.StateArticle)
	mustClean(t, a)
}

// Issue 10 §3: verify catches tampering that does not rewrite the whole
// history consistently.
func TestVerifyCatchesTampering(t *testing.T) {
	setup := func(t *testing.T) (*Archive, string) {
		a, _ := openTest(t)
		v1 := testRenderer{v: 1}
		for i, body := range []string{"一", "二", "二"} {
			if _, err := a.Record(pageInput(testID, "标题", body, v1, t0.Add(time.Duration(i)*time.Hour))); err != nil {
				t.Fatal(err)
			}
		}
		other := testID
		other.Mid = "42"
		if _, err := a.Record(pageInput(other, "别的", "正文", v1, t0)); err != nil {
			t.Fatal(err)
		}
		mustClean(t, a)
		return a, filepath.Join(a.Dir(), filepath.FromSlash(a.n.captures+string(testID.Key())))
	}
	edit := func(t *testing.T, p string, f func(map[string]any)) {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ = json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	records := func(dir string) []string {
		m, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		return m
	}
	headFile := func(a *Archive) string { return filepath.Join(a.Dir(), filepath.FromSlash(a.headName(testID.Key()))) }
	// resum recomputes the head's own hash, as a careful forger would.
	resum := func(t *testing.T, a *Archive) {
		h, _ := a.loadHead(testID.Key())
		if err := a.putHead(h); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, a *Archive, caps string)
		want   string
	}{
		{"capture record changed", func(t *testing.T, a *Archive, caps string) {
			edit(t, records(caps)[1], func(m map[string]any) { m["outcome"] = "deleted" })
		}, "chain"},
		{"capture record deleted", func(t *testing.T, a *Archive, caps string) {
			os.Remove(records(caps)[1])
		}, "chain"},
		{"capture record forged", func(t *testing.T, a *Archive, caps string) {
			b, _ := os.ReadFile(records(caps)[2])
			os.WriteFile(filepath.Join(caps, "20300101T000000.000000000Z-ffffffff.json"), bytes.Replace(b, []byte(`"unchanged"`), []byte(`"deleted"`), 1), 0o644)
		}, "outside the chain"},
		{"head title edited", func(t *testing.T, a *Archive, caps string) {
			edit(t, headFile(a), func(m map[string]any) { m["title"] = "假标题" })
		}, "hash does not match"},
		{"head title edited, hash recomputed", func(t *testing.T, a *Archive, caps string) {
			edit(t, headFile(a), func(m map[string]any) { m["title"] = "假标题" })
			resum(t, a)
		}, "latest version says"},
		{"head state edited, hash recomputed", func(t *testing.T, a *Archive, caps string) {
			edit(t, headFile(a), func(m map[string]any) { m["state"] = "deleted" })
			resum(t, a)
		}, "capture records say"},
		{"head times edited, hash recomputed", func(t *testing.T, a *Archive, caps string) {
			edit(t, headFile(a), func(m map[string]any) { m["last_capture"] = "2020-01-01T00:00:00Z" })
			resum(t, a)
		}, "newest capture record"},
		{"index line forged with a valid CRC", func(t *testing.T, a *Archive, caps string) {
			h, _ := a.loadHead(testID.Key())
			h.Title, h.Account = "伪造", "伪造号"
			if err := a.appendIndex(h, nil); err != nil {
				t.Fatal(err)
			}
		}, "differs from its head"},
		{"queue damaged", func(t *testing.T, a *Archive, caps string) {
			a.WriteState("queue.json", []byte(`{"items": [`))
		}, "queue.json: damaged"},
		{"journal damaged", func(t *testing.T, a *Archive, caps string) {
			a.store.Put(a.n.intent, []byte("{garbage"))
		}, "damaged journal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, caps := setup(t)
			c.tamper(t, a, caps)
			if got := problems(t, a, VerifyOptions{}); !strings.Contains(got, c.want) {
				t.Errorf("verify says:\n%s\nwant a problem with %q", got, c.want)
			}
			if got := problems(t, a, VerifyOptions{Quick: true}); !strings.Contains(got, c.want) {
				t.Errorf("verify --quick says:\n%s\nwant a problem with %q", got, c.want)
			}
		})
	}
}

// A damaged journal does not stop the next writer: it checks every
// article and goes on.
func TestDamagedJournalRecovered(t *testing.T) {
	a, l := openTest(t)
	if _, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Fatal(err)
	}
	a.store.Put(a.n.intent, []byte("{garbage"))
	l.Unlock()
	l, err := a.Lock()
	if err != nil {
		t.Fatalf("lock after a damaged journal: %v", err)
	}
	defer l.Unlock()
	mustClean(t, a)
}

// Issue 10 §3: verify prints a root; --root says whether the history since
// was only appended to, even when the rest was rewritten consistently.
func TestVerifyRoot(t *testing.T) {
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	if _, err := a.Record(pageInput(testID, "标题", "正文一", v1, t0)); err != nil {
		t.Fatal(err)
	}
	rep, err := a.VerifyWith(VerifyOptions{})
	if err != nil || rep.Root == "" || len(rep.Problems) > 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	root := rep.Root
	if _, err := a.Record(pageInput(testID, "标题", "正文二", v1, t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if p := problems(t, a, VerifyOptions{Root: root}); p != "" {
		t.Errorf("appended history does not extend its root:\n%s", p)
	}

	// Rewrite the article's history consistently: its records and head
	// replaced by those of another archive that never had version 1.
	b, _ := openTest(t)
	if _, err := b.Record(pageInput(testID, "标题", "正文二", v1, t0)); err != nil {
		t.Fatal(err)
	}
	k := string(testID.Key())
	os.RemoveAll(filepath.Join(a.Dir(), filepath.FromSlash(a.n.captures+k)))
	copyTree(t, filepath.Join(b.Dir(), filepath.FromSlash(b.n.captures+k)), filepath.Join(a.Dir(), filepath.FromSlash(a.n.captures+k)))
	copyTree(t, filepath.Join(b.Dir(), filepath.FromSlash(b.n.raw)), filepath.Join(a.Dir(), filepath.FromSlash(a.n.raw)))
	hb, _ := os.ReadFile(filepath.Join(b.Dir(), filepath.FromSlash(b.headName(testID.Key()))))
	os.WriteFile(filepath.Join(a.Dir(), filepath.FromSlash(a.headName(testID.Key()))), hb, 0o644)
	if err := a.Reindex(); err != nil {
		t.Fatal(err)
	}
	if p := problems(t, a, VerifyOptions{}); p != "" {
		t.Fatalf("the rewrite is not consistent:\n%s", p)
	}
	if p := problems(t, a, VerifyOptions{Root: root}); !strings.Contains(p, "do not extend") || !strings.Contains(p, "is gone") {
		t.Errorf("--root misses a consistent rewrite:\n%s", p)
	}
	if p := problems(t, a, VerifyOptions{Root: strings.Repeat("ab", 32)}); !strings.Contains(p, "never had root") {
		t.Errorf("unknown root:\n%s", p)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, _ := os.ReadFile(p)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// Issue 10 §4: readers refuse tampered content, naming the file.
func TestVersionRefusesTamperedContent(t *testing.T) {
	a, _ := openTest(t)
	res, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := a.Versions(res.Key)
	name := a.mdName(vs[0].SHA)
	if err := os.WriteFile(filepath.Join(a.Dir(), name), articleMarkdown("标题", "篡改的正文"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(model.Key, int) ([]byte, error){a.Version, a.Rendering} {
		_, err := f(res.Key, 1)
		if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "verify") {
			t.Errorf("tampered version: %v", err)
		}
	}
}

// Issue 10 §5: a damaged index line never makes an article disappear.
func TestDamagedIndexRepairs(t *testing.T) {
	a, l := openTest(t)
	for i := range 5 {
		id := testID
		id.Mid = fmt.Sprint(500 + i)
		if _, err := a.Record(pageInput(id, fmt.Sprint("标题", i), "正文", testRenderer{v: 1}, t0)); err != nil {
			t.Fatal(err)
		}
	}
	l.Unlock()
	p := filepath.Join(a.Dir(), filepath.FromSlash(a.n.index))
	b, _ := os.ReadFile(p)
	i := bytes.Index(b, []byte("标题2"))
	b[i+len("标题")] = '9' // bit rot: the line's CRC no longer matches
	os.WriteFile(p, b, 0o644)
	if err := a.Each(func(Info) error { return nil }); !errors.Is(err, ErrIndexDamaged) {
		t.Errorf("Each over a damaged index: %v", err)
	}
	if list, err := a.List(); err != nil || len(list) != 5 {
		t.Errorf("reader's list over a damaged index: %d, %v", len(list), err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if list, err := a.List(); err != nil || len(list) != 5 {
		t.Errorf("writer's list: %d, %v", len(list), err)
	}
	if err := a.Each(func(Info) error { return nil }); err != nil {
		t.Errorf("index not repaired: %v", err)
	}
	mustClean(t, a)
}

// Issue 10 §6: the next writer removes what killed writers left.
func TestTempLeftoversRemoved(t *testing.T) {
	a, l := openTest(t)
	if _, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	var leftovers []string
	for _, d := range []string{a.n.heads, a.n.md, "articles/测试号/", a.n.blob} {
		p := filepath.Join(a.Dir(), filepath.FromSlash(d), ".tmp-0123456789abcdef")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("half"), 0o644)
		leftovers = append(leftovers, p)
	}
	// A writer killed holding the lock leaves its name in the lock file.
	os.WriteFile(filepath.Join(a.Dir(), filepath.FromSlash(a.n.lock)), []byte(`{"pid":99999999,"host":"h","since":"2025-01-01T00:00:00Z"}`), 0o644)
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	for _, p := range leftovers {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", p, err)
		}
	}
}

// failingStore fails Put of the names a test chooses.
type failingStore struct {
	*FSStore
	fail func(string) bool
}

func (s *failingStore) Put(name string, b []byte) error {
	if s.fail(name) {
		return fmt.Errorf("archive: put %s: %w", name, syscall.ENOSPC)
	}
	return s.FSStore.Put(name, b)
}

// Issue 10 §7: a failure after the commit is a warning; the next writer
// writes the readable copy.
func TestErrorAfterCommitIsNotFailure(t *testing.T) {
	dir := t.TempDir()
	st, _ := NewFSStore(dir)
	full := true
	a := OpenStore(dir, &failingStore{FSStore: st, fail: func(n string) bool { return full && strings.HasPrefix(n, articlesDir) }})
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Record(pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0))
	if err != nil || res.Outcome != model.OutcomeCreated || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "no space") {
		t.Fatalf("record on a full disk: %+v, %v", res, err)
	}
	l.Unlock()
	full = false
	l, err = a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if _, err := os.Stat(filepath.Join(dir, res.Path)); err != nil {
		t.Errorf("the next writer did not write the readable copy: %v", err)
	}
	mustClean(t, a)
}

// Issue 10 §8: the lock error names the holder even in the instant its
// name is not in the file.
func TestLockErrorNamesHolder(t *testing.T) {
	a, _ := openTest(t)
	p := filepath.Join(a.Dir(), filepath.FromSlash(a.n.lock))
	if err := os.Truncate(p, 0); err != nil { // as between flock and the write of the name
		t.Fatal(err)
	}
	b, _ := Open(a.Dir())
	_, err := b.Lock()
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Since.IsZero() || le.Host == "" ||
		strings.Contains(err.Error(), "pid 0") || strings.Contains(err.Error(), "0001-01-01") {
		t.Errorf("lock error: %v", err)
	}
}
