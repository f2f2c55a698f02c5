package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

// Issue 11: the readable copy says when the capture was made, when the
// article is gone, and shows the local cover.
func TestReadableOnlyFields(t *testing.T) {
	a, _ := openTest(t)
	cover := "https://mmbiz.qpic.cn/mmbiz_jpg/cover/0?wx_fmt=jpeg"
	in := pageInput(testID, "标题", "正文", testRenderer{v: 1}, t0)
	in.Markdown = []byte(strings.Replace(string(in.Markdown), "\ntype:", "\ncover: "+cover+"\ntype:", 1))
	ref, err := a.PutBlob([]byte("\xff\xd8\xff\xe0 cover"))
	if err != nil {
		t.Fatal(err)
	}
	in.Images = map[string]string{cover: ref}
	res, err := a.Record(in)
	if err != nil {
		t.Fatal(err)
	}
	read := func() string {
		b, err := os.ReadFile(filepath.Join(a.Dir(), res.Path))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := read()
	for _, want := range []string{"\ncover: \"../../" + ref + "\"\n", "\ncover_url: " + cover + "\n", "\ncaptured: \"2025-03-01T18:00:00+08:00\"\n", "\nsource: ", "\nformat: article"} {
		if !strings.Contains(s, want) {
			t.Errorf("readable file lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "\nstate:") {
		t.Errorf("a live article says a state:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(a.Dir(), filepath.Dir(res.Path), "../..", ref)); err != nil {
		t.Errorf("cover link does not resolve: %v", err)
	}
	del := stateInput(testID, testID.URL(), model.StateDeleted)
	del.Capture.FetchedAt = t0.Add(time.Hour)
	if _, err := a.Record(del); err != nil {
		t.Fatal(err)
	}
	if s := read(); !strings.Contains(s, "\nstate: \"deleted\"\nstate_since: \"2025-03-01T19:00:00+08:00\"\n") || !strings.Contains(s, "正文") {
		t.Errorf("deleted article's readable file:\n%s", s)
	}
	// The stored version has none of it.
	if md, _ := a.Version(testID.Key(), 1); strings.Contains(string(md), "captured") || strings.Contains(string(md), "state") {
		t.Errorf("stored version carries readable-only fields:\n%s", md)
	}
	mustClean(t, a)
}

// Issue 11: a readable file edited by hand is the user's: the new content
// goes beside it, verify says so as a notice; a deleted one stays deleted
// until Restore.
func TestHandEditsAreTheUsers(t *testing.T) {
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	res, err := a.Record(pageInput(testID, "标题", "正文", v1, t0))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(a.Dir(), res.Path)
	mine := []byte("---\ntitle: 标题\n---\n\n我的笔记\n")
	if err := os.WriteFile(p, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, _ := a.VerifyWith(VerifyOptions{})
	if rep.Damaged() != 0 || len(rep.Problems) != 1 || !rep.Problems[0].Notice || !strings.Contains(rep.Problems[0].Reason, "edited by hand") {
		t.Errorf("verify of a hand edit: %v", rep.Problems)
	}
	// A new version arrives.
	res2, err := a.Record(pageInput(testID, "标题", "正文第二版", v1, t0.Add(time.Hour)))
	if err != nil || res2.Outcome != model.OutcomeUpdated {
		t.Fatal(res2, err)
	}
	if b, _ := os.ReadFile(p); string(b) != string(mine) {
		t.Errorf("the user's file was overwritten:\n%s", b)
	}
	beside := strings.TrimSuffix(res.Path, ".md") + " (v2).md"
	if res2.Path != beside || len(res2.Notes) != 1 || !strings.Contains(res2.Notes[0], "edited by hand") {
		t.Errorf("result: %+v", res2)
	}
	if caps, _ := a.Captures(testID.Key()); len(caps[1].Notes) != 1 || caps[1].Notes[0] != res2.Notes[0] {
		t.Errorf("the capture record does not say what became of the readable file: %+v", caps[1])
	}
	if b, err := os.ReadFile(filepath.Join(a.Dir(), beside)); err != nil || !strings.Contains(string(b), "正文第二版") {
		t.Errorf("new content beside: %v\n%s", err, b)
	}
	// A state change rewrites the copy beside (the store's), not the user's.
	del := stateInput(testID, testID.URL(), model.StateDeleted)
	del.Capture.FetchedAt = t0.Add(2 * time.Hour)
	if _, err := a.Record(del); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir(), beside)); !strings.Contains(string(b), "state: \"deleted\"") {
		t.Errorf("copy beside not rewritten:\n%s", b)
	}
	if b, _ := os.ReadFile(p); string(b) != string(mine) {
		t.Error("the user's file was overwritten by a state change")
	}
	if rep, _ := a.VerifyWith(VerifyOptions{}); rep.Damaged() != 0 {
		t.Errorf("verify: %v", rep.Problems)
	}

	// Deleted by hand: stays deleted.
	id := testID
	id.Mid = "99"
	r1, _ := a.Record(pageInput(id, "另一篇", "正文", v1, t0))
	q := filepath.Join(a.Dir(), r1.Path)
	os.Remove(q)
	r2, err := a.Record(pageInput(id, "另一篇", "改过的正文", v1, t0.Add(time.Hour)))
	if err != nil || len(r2.Notes) != 1 || !strings.Contains(r2.Notes[0], "deleted by hand") {
		t.Errorf("record after a deletion by hand: %+v %v", r2, err)
	}
	if _, err := os.Stat(q); !os.IsNotExist(err) {
		t.Errorf("deleted readable file came back: %v", err)
	}
	rep, _ = a.VerifyWith(VerifyOptions{})
	if rep.Damaged() != 0 || !strings.Contains(formatProblems(rep.Problems), "deleted by hand") {
		t.Errorf("verify: %v", rep.Problems)
	}
	if path, err := a.Restore(id.Key()); err != nil || path != r1.Path {
		t.Fatalf("restore: %q %v", path, err)
	}
	if b, err := os.ReadFile(q); err != nil || !strings.Contains(string(b), "改过的正文") {
		t.Errorf("restored: %v\n%s", err, b)
	}
	if _, err := a.Restore(testID.Key()); err == nil || !strings.Contains(err.Error(), "edited by hand") {
		t.Errorf("restore over a hand edit: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != string(mine) {
		t.Error("restore overwrote the user's file")
	}
	mustCleanNotices(t, a)
}

func formatProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func mustCleanNotices(t *testing.T, a *Archive) {
	t.Helper()
	rep, err := a.VerifyWith(VerifyOptions{})
	if err != nil || rep.Damaged() != 0 {
		t.Errorf("verify: %v %v", rep.Problems, err)
	}
}

func TestFrontMatterValue(t *testing.T) {
	md := []byte("---\ntitle: \"a: \\\"b\\\" \\x3Cc>\"\ncover: https://x/y?a=1&b=2\ndesc: |\n  two\n  lines\nplain: 标题 # not a comment?\n---\n\nbody\n")
	for k, want := range map[string]string{"title": `a: "b" <c>`, "cover": "https://x/y?a=1&b=2", "desc": "two\nlines\n", "missing": "", "plain": "标题"} {
		if got := frontMatterValue(md, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}
