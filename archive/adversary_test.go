package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"wxarchive/model"
)

// twoArticles records testID (two versions) and another article, checks
// the archive is clean, and returns the other's key.
func twoArticles(t *testing.T, a *Archive) model.Key {
	t.Helper()
	v1 := testRenderer{v: 1}
	for i, body := range []string{"一", "二"} {
		if _, err := a.Record(pageInput(testID, "标题", body, v1, t0.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	other := testID
	other.Mid = "42"
	if _, err := a.Record(pageInput(other, "别的文章", "别的正文", v1, t0)); err != nil {
		t.Fatal(err)
	}
	mustClean(t, a)
	return other.Key()
}

func (a *Archive) file(name string) string {
	return filepath.Join(a.Dir(), filepath.FromSlash(name))
}

// Files of the store replaced by symbolic links (to another valid image,
// to a copy outside the archive, to /dev/zero) or by special files (a
// FIFO) are damage verify reports, and readers refuse them at once rather
// than follow them (a FIFO or /dev/zero would hang them).
func TestStoreRefusesLinksAndSpecialFiles(t *testing.T) {
	png := func(c byte) []byte { return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), c) }
	cases := []struct {
		name   string
		tamper func(t *testing.T, a *Archive) string // returns the path verify must name
		read   bool                                  // Version(testID, 1) must fail
	}{
		{"image replaced by a link to another image", func(t *testing.T, a *Archive) string {
			r1, _ := a.PutBlob(png(1))
			r2, _ := a.PutBlob(png(2))
			os.Remove(a.file(r1))
			rel, _ := filepath.Rel(filepath.Dir(a.file(r1)), a.file(r2))
			if err := os.Symlink(rel, a.file(r1)); err != nil {
				t.Fatal(err)
			}
			return r1
		}, false},
		{"version object linked to an identical copy outside", func(t *testing.T, a *Archive) string {
			h, _ := a.loadHead(testID.Key())
			n := a.mdName(h.History[0].SHA)
			out := filepath.Join(t.TempDir(), "copy.md")
			if err := os.Rename(a.file(n), out); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(out, a.file(n)); err != nil {
				t.Fatal(err)
			}
			return n
		}, true},
		{"version object linked to /dev/zero", func(t *testing.T, a *Archive) string {
			h, _ := a.loadHead(testID.Key())
			n := a.mdName(h.History[0].SHA)
			os.Remove(a.file(n))
			if err := os.Symlink("/dev/zero", a.file(n)); err != nil {
				t.Fatal(err)
			}
			return n
		}, true},
		{"version object replaced by a FIFO", func(t *testing.T, a *Archive) string {
			h, _ := a.loadHead(testID.Key())
			n := a.mdName(h.History[0].SHA)
			os.Remove(a.file(n))
			if err := syscall.Mkfifo(a.file(n), 0o644); err != nil {
				t.Skip("no FIFO here:", err)
			}
			return n
		}, true},
		{"heads folder moved out and linked", func(t *testing.T, a *Archive) string {
			dir := strings.TrimSuffix(a.n.heads, "/")
			out := filepath.Join(t.TempDir(), "heads")
			if err := os.Rename(a.file(dir), out); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(out, a.file(dir)); err != nil {
				t.Fatal(err)
			}
			return dir
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := openTest(t)
			twoArticles(t, a)
			name := c.tamper(t, a)
			for _, quick := range []bool{false, true} {
				got := problems(t, a, VerifyOptions{Quick: quick})
				if !strings.Contains(got, name) || !strings.Contains(got, "not a regular file") {
					t.Errorf("verify (quick %v) says:\n%s\nwant %s named as not a regular file", quick, got, name)
				}
			}
			if c.name == "image replaced by a link to another image" {
				// The next writer of that image writes the file itself.
				if _, err := a.PutBlob(png(1)); err != nil {
					t.Fatal(err)
				}
				mustClean(t, a)
			}
			if c.read {
				if md, err := a.Version(testID.Key(), 1); err == nil {
					t.Errorf("Version read through %s: %.40q", name, md)
				}
			}
		})
	}
}

// A head edited by hand to point a version at another article's Markdown
// (without recomputing its own hash) must not make show print the other
// article as this one's version: readers check the head's hash.
func TestReadersRefuseEditedHead(t *testing.T) {
	a, _ := openTest(t)
	other := twoArticles(t, a)
	oh, _ := a.loadHead(other)
	p := a.file(a.headName(testID.Key()))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	v := m["history"].([]any)[0].(map[string]any)
	v["sha"], v["exact"] = oh.History[0].SHA, oh.History[0].Exact
	b, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	md, err := a.Version(testID.Key(), 1)
	if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), a.headName(testID.Key())) {
		t.Fatalf("Version of an edited head: %v (%q); want ErrTampered naming the head", err, md)
	}
	if _, err := a.Info(testID.Key()); !errors.Is(err, ErrTampered) {
		t.Errorf("Info of an edited head: %v, want ErrTampered", err)
	}
	if _, err := a.Captures(testID.Key()); !errors.Is(err, ErrTampered) {
		t.Errorf("Captures of an edited head: %v, want ErrTampered", err)
	}
	// The other article reads as before.
	if _, err := a.Version(other, 1); err != nil {
		t.Errorf("other article: %v", err)
	}
}

// A writer must not sign a head edited by hand anew: after the next
// capture of the article, verify could no longer tell (a forged account id
// or related list stayed, and verify said intact). Record, Reextract and
// Restore refuse it before writing anything.
func TestWritersRefuseEditedHead(t *testing.T) {
	a, _ := openTest(t)
	twoArticles(t, a)
	p := a.file(a.headName(testID.Key()))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["account_id"] = "gh_forged"
	b, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := a.keyCaptures(testID.Key())
	// An older capture of an unchanged page: it changes no field the
	// forger touched, so only the head's own hash can tell.
	_, err = a.Record(pageInput(testID, "标题", "一", testRenderer{v: 1}, t0.Add(-time.Hour)))
	if !errors.Is(err, ErrTampered) {
		t.Errorf("Record over an edited head: %v, want ErrTampered", err)
	}
	if after, _ := a.keyCaptures(testID.Key()); len(after) != len(before) {
		t.Errorf("Record over an edited head wrote a capture record (%d, was %d)", len(after), len(before))
	}
	if _, err := a.Reextract(testID.Key(), testRenderer{v: 2, suffix: "\n\nx"}, false); !errors.Is(err, ErrTampered) {
		t.Errorf("Reextract of an edited head: %v, want ErrTampered", err)
	}
	if _, err := a.Restore(testID.Key()); !errors.Is(err, ErrTampered) {
		t.Errorf("Restore of an edited head: %v, want ErrTampered", err)
	}
	if got := problems(t, a, VerifyOptions{}); !strings.Contains(got, "hash does not match") {
		t.Errorf("verify after the writers says:\n%s\nwant the edited head still reported", got)
	}
}

// Readable paths that differ only by case or by Unicode normalisation
// are one file on macOS and Windows (and in most sync tools): two
// articles never get such paths.
func TestReadablePathsFoldCaseAndNormalisation(t *testing.T) {
	a, _ := openTest(t)
	titles := []string{"CaseTitle", "casetitle", "CASETITLE", "caf\u00e9", "cafe\u0301", "CAFE\u0301"}
	seen := map[string]string{}
	for i, title := range titles {
		id := testID
		id.Mid = fmt.Sprint(100 + i)
		res, err := a.Record(articleInput(id, id.URL(), title, "正文"))
		if err != nil {
			t.Fatal(err)
		}
		fold := strings.ToLower(norm.NFC.String(res.Path))
		if prev, ok := seen[fold]; ok {
			t.Errorf("%q: path %q is the same file as %q on a case- or normalisation-insensitive file system", title, res.Path, prev)
		}
		seen[fold] = res.Path
		if !norm.NFC.IsNormalString(res.Path) {
			t.Errorf("%q: path %q is not NFC", title, res.Path)
		}
	}
	mustClean(t, a)
}

// Claims written before paths were folded (sharded by the exact path)
// are rebuilt by the next writer, so an article recorded before is still
// found when a new one's path differs from its only by case.
func TestClaimsShardedBeforeFoldingRebuilt(t *testing.T) {
	a, l := openTest(t)
	first := testID
	first.Mid = "100"
	res, err := a.Record(articleInput(first, first.URL(), "CaseTitle", "正文"))
	if err != nil {
		t.Fatal(err)
	}
	// The claims as the code before wrote them.
	names, _ := a.store.List(a.claimsDir())
	for _, n := range names {
		a.store.Delete(n)
	}
	a.store.Put(a.claimsDir()+sha([]byte(res.Path))[:2]+".tsv", claimLine(res.Path, first.Key()))
	a.store.Put(a.claimsComplete(), []byte("every head's readable paths are claimed\n"))
	os.Remove(a.file(res.Path)) // deleted by hand: only its claim keeps it
	l.Unlock()
	l2, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Unlock()
	second := testID
	second.Mid = "101"
	res2, err := a.Record(articleInput(second, second.URL(), "casetitle", "正文"))
	if err != nil {
		t.Fatal(err)
	}
	if foldPath(res2.Path) == foldPath(res.Path) {
		t.Errorf("second article got %q, the same file as the first's %q on a case-insensitive file system", res2.Path, res.Path)
	}
}

// A forged journal (verify calls a journal no writer holds a notice) must
// not make the next writer delete what it names: a head, an object, a
// committed capture record (with its true hash). Only the record a commit
// cut short left, the next link of its head's chain, goes.
func TestForgedJournalDeletesNothing(t *testing.T) {
	a, l := openTest(t)
	other := twoArticles(t, a)
	recs, _ := a.keyCaptures(testID.Key())
	h, _ := a.loadHead(testID.Key())
	targets := map[string]string{
		"head":             a.headName(testID.Key()),
		"object":           a.mdName(h.History[0].SHA),
		"committed record": recs[0].Name,
	}
	l.Unlock()
	for what, name := range targets {
		hash := "00"
		if what == "committed record" {
			hash = recs[0].Hash
		}
		b, _ := json.Marshal(intent{Keys: []model.Key{other}, Capture: name, CaptureHash: hash})
		if err := a.store.Put(a.n.intent, b); err != nil {
			t.Fatal(err)
		}
		l, err := a.Lock() // recovers
		if err != nil {
			t.Fatal(err)
		}
		l.Unlock()
		if _, err := a.store.Get(name); err != nil {
			t.Errorf("a journal naming the %s %s: the next writer deleted it (%v)", what, name, err)
		}
	}
	mustClean(t, a)
}

// The root verify prints for an archive of the layout before is one
// 'verify --root' accepts after the migration: the user who kept it
// before upgrading can show the migration only moved the history. It
// printed a root over no capture record and saved no anchor, so the
// migrated archive "never had" it.
func TestRootBeforeMigrationAnchorsIt(t *testing.T) {
	dir := copyLegacy(t)
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Legacy() {
		t.Fatal("testdata archive is not of the layout before")
	}
	rep, err := a.VerifyWith(VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	root := rep.Root
	l, err := a.Lock() // migrates
	if err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	a, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.Legacy() {
		t.Fatal("not migrated")
	}
	if got := problems(t, a, VerifyOptions{Root: root}); got != "" {
		t.Errorf("verify --root (the root printed before the migration) says:\n%s", got)
	}
}

// A journal no writer holds excuses, as notices, only what a write cut
// short may leave: a forged one naming an article whose committed capture
// record was deleted (or whose object was edited) must not turn that
// damage into notices (verify said intact, exit 0).
func TestForgedJournalMasksNoDamage(t *testing.T) {
	a, l := openTest(t)
	twoArticles(t, a)
	l.Unlock()
	recs, _ := a.keyCaptures(testID.Key())
	if err := os.Remove(a.file(recs[0].Name)); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(intent{Keys: []model.Key{testID.Key()}})
	if err := a.store.Put(a.n.intent, b); err != nil {
		t.Fatal(err)
	}
	for _, quick := range []bool{false, true} {
		if got := problems(t, a, VerifyOptions{Quick: quick}); !strings.Contains(got, "missing or changed") {
			t.Errorf("verify (quick %v) with a forged journal says:\n%s\nwant the deleted record as damage", quick, got)
		}
	}
}

// A migration mark planted in a migrated archive (with or without its
// format file) must not make it read as the layout before, where verify
// skipped the heads' own hashes and the chains, nor make the next writer
// migrate again and sign every head anew (an edited head then passed).
func TestPlantedMigrationMark(t *testing.T) {
	for _, dropFormat := range []bool{false, true} {
		a, l := openTest(t)
		twoArticles(t, a)
		l.Unlock()
		p := a.file(a.headName(testID.Key()))
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), `"account": "测试号"`, `"account": "伪造号"`, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		a.store.Put(migratingName, []byte("x\n"))
		if dropFormat {
			a.store.Delete(formatName)
		}
		a, err := Open(a.Dir())
		if err != nil {
			t.Fatal(err)
		}
		if a.Legacy() && !dropFormat {
			t.Errorf("a migrated archive with a planted mark reads as the layout before")
		}
		if got := problems(t, a, VerifyOptions{Quick: true}); !dropFormat && !strings.Contains(got, migratingName) {
			t.Errorf("verify says:\n%s\nwant the planted mark named", got)
		}
		if got := problems(t, a, VerifyOptions{}); !strings.Contains(got, "hash does not match") {
			t.Errorf("format dropped %v: verify says:\n%s\nwant the edited head", dropFormat, got)
		}
		if l, err := a.Lock(); err == nil {
			l.Unlock()
		}
		a, _ = Open(a.Dir())
		if got := problems(t, a, VerifyOptions{}); !strings.Contains(got, "hash does not match") {
			t.Errorf("format dropped %v: after the next writer, verify says:\n%s\nwant the edited head still reported", dropFormat, got)
		}
	}
}

// An alias head edited to name another article must not make its short
// link show that article.
func TestReadersRefuseEditedAlias(t *testing.T) {
	a, _ := openTest(t)
	other := twoArticles(t, a)
	short := model.Key("s_abcdefgh")
	alias := &head{Info: Info{Key: short}, AliasOf: testID.Key()}
	if err := a.putHead(alias); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Version(short, 1); err != nil {
		t.Fatalf("alias before the edit: %v", err)
	}
	p := a.file(a.headName(short))
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), string(testID.Key()), string(other), 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if md, err := a.Version(short, 1); !errors.Is(err, ErrTampered) {
		t.Errorf("Version through an edited alias: %v (%.60q), want ErrTampered", err, md)
	}
}

// Another article's head copied over an article's (swapped files, each
// with a valid hash of itself) must not make show print the other
// article, nor a writer record over it.
func TestSwappedHeadsRefused(t *testing.T) {
	a, _ := openTest(t)
	other := twoArticles(t, a)
	pa, pb := a.file(a.headName(testID.Key())), a.file(a.headName(other))
	ba, _ := os.ReadFile(pa)
	bb, _ := os.ReadFile(pb)
	os.WriteFile(pa, bb, 0o644)
	os.WriteFile(pb, ba, 0o644)
	if md, err := a.Version(testID.Key(), 1); !errors.Is(err, ErrTampered) {
		t.Errorf("Version of a swapped head: %v (%.60q), want ErrTampered", err, md)
	}
	if _, err := a.Record(pageInput(testID, "标题", "一", testRenderer{v: 1}, t0.Add(-time.Hour))); !errors.Is(err, ErrTampered) {
		t.Errorf("Record over a swapped head: %v, want ErrTampered", err)
	}
	if b, _ := os.ReadFile(pb); string(b) != string(ba) {
		t.Errorf("Record over a swapped head rewrote the other article's head file")
	}
}

// Capture records are named by the time they were written: one renamed
// to sort after a later one of its chain (readers list them in name
// order) is named by verify.
func TestRenamedCaptureRecordReported(t *testing.T) {
	a, _ := openTest(t)
	twoArticles(t, a)
	recs, _ := a.keyCaptures(testID.Key())
	renamed := a.n.captures + string(testID.Key()) + "/20991231T000000.000000000Z-00000000.json"
	if err := os.Rename(a.file(recs[0].Name), a.file(renamed)); err != nil {
		t.Fatal(err)
	}
	rep, err := a.VerifyWith(VerifyOptions{Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fmt.Sprint(rep.Problems), "renamed") {
		t.Errorf("verify says:\n%v\nwant the renamed record named (a notice: a clock going back does it too)", rep.Problems)
	}
}

// Readable files and folders are the user's, but a link put there is
// never followed: a readable file linked to /dev/zero hung the next
// writer, and a linked account folder would be written through, out of
// the archive. The capture is recorded all the same.
func TestReadableLinksNotFollowed(t *testing.T) {
	a, _ := openTest(t)
	twoArticles(t, a)
	h, _ := a.loadHead(testID.Key())
	os.Remove(a.file(h.Path))
	if err := os.Symlink("/dev/zero", a.file(h.Path)); err != nil {
		t.Fatal(err)
	}
	res, err := a.Record(pageInput(testID, "标题", "三", testRenderer{v: 1}, t0.Add(5*time.Hour)))
	if err != nil || res.Outcome != model.OutcomeUpdated {
		t.Fatalf("Record beside a readable file linked to /dev/zero: %v %v", res.Outcome, err)
	}
	if fi, err := os.Lstat(a.file(h.Path)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the user's link was replaced: %v", err)
	}

	// The account folder linked elsewhere.
	dir := filepath.Dir(a.file(h.Path))
	out := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(dir, out); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(out, dir); err != nil {
		t.Fatal(err)
	}
	before := tree(t, out)
	if _, err := a.Record(pageInput(testID, "标题", "四", testRenderer{v: 1}, t0.Add(6*time.Hour))); err != nil {
		t.Errorf("Record of a new version in a linked folder: %v", err)
	}
	third := testID
	third.Mid = "7"
	if _, err := a.Record(pageInput(third, "新文章", "正文", testRenderer{v: 1}, t0)); err != nil {
		t.Errorf("Record of a new article in a linked folder: %v", err)
	}
	if after := tree(t, out); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("written through the linked folder:\nbefore %v\nafter  %v", before, after)
	}
	rep, err := a.VerifyWith(VerifyOptions{})
	if err != nil || rep.Damaged() != 0 {
		t.Errorf("verify: %v %v", rep.Problems, err)
	}
}
