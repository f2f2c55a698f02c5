package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

var arID = model.ID{Biz: "MzA3MDM3NjE5NQ==", Mid: "2650000001", Idx: "1"}

func arMarkdown(title, body string) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\naccount: 测试公众号\npublished: \"2024-03-05T10:00:00+08:00\"\n---\n\n%s\n", title, body)
}

// arSetup makes an archive with one article in two versions, then deleted,
// plus a second article, through archive.Record directly.
func arSetup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	rec := func(id model.ID, st model.State, title, body string) {
		t.Helper()
		in := archive.Input{Link: id.URL(), Capture: model.Capture{SourceURL: id.URL(), HTTPStatus: 200,
			FetchedAt: time.Now(), Raw: []byte("<html>" + title + body + string(st) + "</html>")},
			Doc: &model.Document{State: st, ID: id}}
		if st == model.StateArticle {
			in.Doc.Article = &model.Article{Meta: model.Meta{Title: title, Account: "测试公众号", Published: "2024-03-05T10:00:00+08:00"}}
			in.Markdown = arMarkdown(title, body)
		}
		if _, err := a.Record(in); err != nil {
			t.Fatal(err)
		}
	}
	rec(arID, model.StateArticle, "旧标题", "第一段。\n\n这是一个很长的中文段落，讲述了一件事情的经过。")
	rec(arID, model.StateArticle, "新标题", "第一段。\n\n这是一个很长的中文段落，讲述了两件事情的经过。")
	rec(arID, model.StateDeleted, "", "")
	other := arID
	other.Mid = "2650000002"
	rec(other, model.StateArticle, "另一篇", "正文")
	return dir
}

func arRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestShow(t *testing.T) {
	dir := arSetup(t)
	key := string(arID.Key())
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"show", key, "--archive", dir}, 0, "两件事情"},
		{[]string{"show", "--archive", dir, arID.URL() + "&chksm=1#rd", "--version", "1"}, 0, "一件事情"},
		{[]string{"show", key, "--archive", dir, "--version", "3"}, 1, ""},
		{[]string{"show", "nokey", "--archive", dir}, 1, ""},
		{[]string{"show", "--archive", dir}, 2, ""},
	} {
		code, out, errs := arRun(c.args...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("%v: code %d, out %q, err %q", c.args, code, out, errs)
		}
	}
}

func TestLogAndList(t *testing.T) {
	dir := arSetup(t)
	code, out, errs := arRun("log", string(arID.Key()), "--archive", dir)
	if code != 0 || !strings.Contains(out, "state deleted, 2 versions, 3 captures") ||
		strings.Count(out, "version ") != 2 || !strings.Contains(out, "deleted") {
		t.Errorf("log: %d\n%s%s", code, out, errs)
	}
	code, out, _ = arRun("log", "--json", string(arID.Key()), "--archive", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 {
		t.Fatalf("log --json: %d lines\n%s", len(lines), out)
	}
	kinds := ""
	for _, l := range lines {
		var v struct {
			Kind    string `json:"kind"`
			Outcome string `json:"outcome"`
			Time    string `json:"captured"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Time == "" {
			t.Errorf("bad line %q: %v", l, err)
		}
		kinds += v.Kind[:1]
	}
	if kinds != "cvcvc" && kinds != "vcvcc" {
		t.Errorf("order of events = %s, want captures and versions interleaved, oldest first", kinds)
	}

	code, out, _ = arRun("list", "--archive", dir)
	if code != 0 || !strings.Contains(out, "deleted") || !strings.Contains(out, "另一篇") || !strings.Contains(out, "2024-03-05") {
		t.Errorf("list: %d\n%s", code, out)
	}
	code, out, _ = arRun("list", "--archive", dir, "--state", "deleted", "--json")
	var info archive.Info
	if code != 0 || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &info) != nil || info.Versions != 2 || info.Title != "新标题" {
		t.Errorf("list --state deleted --json: %d %q", code, out)
	}
	// An account no archived article has is a usage error, as in search.
	if code, out, errs = arRun("list", "--archive", dir, "--account", "nobody"); code != exitUsage || strings.Contains(out, "另一篇") || !strings.Contains(errs, "no archived account") {
		t.Errorf("list --account nobody: %d %q %q", code, out, errs)
	}
	if code, _, errs = arRun("list", "--archive", filepath.Join(dir, "missing")); code != 1 || !strings.Contains(errs, "no archive") {
		t.Errorf("list of a missing archive: %d %q", code, errs)
	}
}

func TestDiff(t *testing.T) {
	dir := arSetup(t)
	key := string(arID.Key())
	code, out, errs := arRun("diff", key, "--archive", dir)
	if code != 0 {
		t.Fatalf("diff: %d %s", code, errs)
	}
	for _, want := range []string{`title: "旧标题" → "新标题"`, "-这是一个很长的中文段落，讲述了一件事情的经过。", "+这是一个很长的中文段落，讲述了两件事情的经过。"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour when not a terminal")
	}
	_, out, _ = arRun("diff", key, "1", "2", "--word", "--archive", dir)
	if !strings.Contains(out, "讲述了[-一-]{+两+}件事情") {
		t.Errorf("word diff:\n%s", out)
	}
	_, out, _ = arRun("diff", key, "--color=always", "--archive", dir)
	if !strings.Contains(out, "\x1b[31m") {
		t.Errorf("no colour with --color=always:\n%q", out)
	}
	if code, _, _ := arRun("diff", key, "x", "--archive", dir); code != 2 {
		t.Errorf("bad version: code %d", code)
	}
}

func TestVerifyCommand(t *testing.T) {
	dir := arSetup(t)
	code, out, errs := arRun("verify", "--archive", dir)
	if code != 0 || !strings.HasPrefix(out, "root ") || strings.Count(out, "\n") != 1 {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	root := strings.TrimSpace(strings.TrimPrefix(out, "root "))
	if code, out, errs := arRun("verify", "--archive", dir, "--root", root, "--quick"); code != 0 || !strings.Contains(errs, "only appended to") {
		t.Fatalf("verify --root: %d %q %q", code, out, errs)
	}
	var victim string
	filepath.WalkDir(filepath.Join(dir, ".wxarchive", "objects", "raw"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			victim = p
		}
		return nil
	})
	if err := os.WriteFile(victim, []byte("bit rot"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = arRun("verify", "--archive", dir, "--json")
	rel, _ := filepath.Rel(dir, victim)
	if code != 1 || !strings.Contains(out, filepath.ToSlash(rel)) {
		t.Errorf("verify after damage: %d %q (want %s named)", code, out, rel)
	}
}

func TestReextract(t *testing.T) {
	dir := arSetup(t)
	code, out, errs := arRun("reextract", "--dry-run", "--archive", dir)
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("reextract --dry-run: %d\n%s%s", code, out, errs)
	}
	a, _ := archive.Open(dir)
	before, _ := a.Info(arID.Key())
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = arRun("reextract", string(arID.Key()), "--archive", dir)
	if code != 1 || !strings.Contains(errs, "locked by pid") {
		t.Errorf("reextract while locked: %d %q", code, errs)
	}
	l.Unlock()
	code, out, errs = arRun("reextract", string(arID.Key()), "--archive", dir)
	after, _ := a.Info(arID.Key())
	// Reextract never invents a capture (issue 10 §1).
	if code != 0 || after.Captures != before.Captures || after.Versions != before.Versions || !after.LastCapture.Equal(before.LastCapture) {
		t.Errorf("reextract: %d %q %q; captures %d -> %d, versions %d -> %d", code, out, errs, before.Captures, after.Captures, before.Versions, after.Versions)
	}
	if code, _, _ := arRun("verify", "--archive", dir); code != 0 {
		t.Error("verify fails after reextract")
	}
}

// TestBadVersionAndDamagedFiles: an unknown version or a damaged head or
// capture record gives a clear error naming what is wrong, never a panic.
func TestBadVersionAndDamagedFiles(t *testing.T) {
	dir := arSetup(t)
	key := string(arID.Key())
	for _, args := range [][]string{{"show", key, "--version", "9"}, {"diff", key, "1", "9"}, {"show", key, "--version", "-1"}} {
		code, _, errs := arRun(append(args, "--archive", dir)...)
		want := 1
		if args[len(args)-1] == "-1" {
			want = 2 // a usage error
		}
		if code != want || strings.Contains(errs, "wxarchive list") || !strings.Contains(errs, "version") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}
	headFile := filepath.Join(".wxarchive", "heads", key+".json")
	if err := os.WriteFile(filepath.Join(dir, headFile), []byte(`{"key": bad`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"show", "log", "diff"} {
		code, _, errs := arRun(cmd, key, "--archive", dir)
		if code != 1 || !strings.Contains(errs, filepath.ToSlash(headFile)) {
			t.Errorf("%s with a damaged head: %d %q", cmd, code, errs)
		}
	}
	other := arID
	other.Mid = "2650000002"
	caps, _ := filepath.Glob(filepath.Join(dir, ".wxarchive", "captures", string(other.Key()), "*.json"))
	if len(caps) != 1 {
		t.Fatalf("captures of %s: %v", other.Key(), caps)
	}
	if err := os.WriteFile(caps[0], []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	capFile, _ := filepath.Rel(dir, caps[0])
	if code, _, errs := arRun("log", string(other.Key()), "--archive", dir); code != 1 || !strings.Contains(errs, filepath.ToSlash(capFile)) {
		t.Errorf("log with a damaged capture: %d %q", code, errs)
	}
	code, out, _ := arRun("verify", "--archive", dir)
	if code != 1 || !strings.Contains(out, filepath.ToSlash(headFile)) || !strings.Contains(out, filepath.ToSlash(capFile)) || strings.Contains(out, "has no head") {
		t.Errorf("verify: %d\n%s", code, out)
	}
}

// A hostile title reaches no terminal as escape sequences or bidi
// overrides: not in list, log, or the closest matches of a "not found".
func TestHostileTitleIsInert(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	title := "EVIL\x1b]0;pwned\a\x1b[31mRED\u202egnp.exe\ttab\nline"
	in := archive.Input{Link: arID.URL(), Capture: model.Capture{SourceURL: arID.URL(), HTTPStatus: 200,
		FetchedAt: time.Now(), Raw: []byte("<html>x</html>")},
		Doc:      &model.Document{State: model.StateArticle, ID: arID, Article: &model.Article{Meta: model.Meta{Title: title, Account: "坏\x1b[2J号"}}},
		Markdown: arMarkdown("EVIL", "正文")}
	if _, err := a.Record(in); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	for _, args := range [][]string{{"list"}, {"log", string(arID.Key())}, {"show", "EVIL"}, {"log", "Mz"}} {
		_, out, errs := arRun(append(args, "--archive", dir)...)
		if strings.ContainsAny(out+errs, "\x1b\a\u202e") {
			t.Errorf("%v prints control characters:\n%q\n%q", args, out, errs)
		}
	}
	if code, _, errs := arRun("convert", "-", "-"); code != exitUsage || !strings.Contains(errs, "stdin") {
		t.Errorf("convert - -: %d %q", code, errs)
	}
	if code, out, errs := arRun("help", "nosuch"); code != exitUsage || out != "" || !strings.Contains(errs, "unknown help topic") {
		t.Errorf("help nosuch: %d %q %q", code, out, errs)
	}
}

// A diff across the front-matter rename (url → source, type → format)
// shows no field change.
func TestDiffAcrossKeyRename(t *testing.T) {
	old := "---\ntitle: 标题\nurl: https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1\ntype: picture\n---\n\n正文\n"
	cur := "---\ntitle: 标题\nsource: https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1\nformat: picture\n---\n\n正文\n"
	var b strings.Builder
	if err := writeDiff(&b, "a", "b", old, cur, diffOptions{}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "no difference\n" {
		t.Errorf("diff across the rename:\n%s", b.String())
	}
}

// TestNoArchiveSaysWhere: a reading command run where there is no archive
// says which folder it looked in and why that one (the default, the
// pipeline.yaml here, or --archive), and how to start one: not "no archive
// at archive".
func TestNoArchiveSaysWhere(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs := arRun("list")
	if code != 1 || !strings.Contains(errs, "no archive in ./archive") || !strings.Contains(errs, "no pipeline.yaml here") || !strings.Contains(errs, "wxarchive init") {
		t.Errorf("list with nothing here: %d %q", code, errs)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pipeline.yaml", "archive: {dir: ./data}\n")
	code, _, errs = arRun("search", "x")
	if code != 1 || !strings.Contains(errs, "no archive in data") || !strings.Contains(errs, "archive.dir of pipeline.yaml") || !strings.Contains(errs, "wxarchive run --once") {
		t.Errorf("search with a pipeline.yaml naming ./data: %d %q", code, errs)
	}
	code, _, errs = arRun("changes", "--archive", "elsewhere")
	if code != 1 || !strings.Contains(errs, "no archive in elsewhere") {
		t.Errorf("changes --archive elsewhere: %d %q", code, errs)
	}
}
