package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

// The commands of issues 10 and 11: ingest --captured, verify notices,
// restore, reindex.
func TestVaultCommands(t *testing.T) {
	c := newCLI(t)
	long := "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=1"
	page := writeFile(t, "page.html", articlePage("第一版标题", "<p>正文。</p>"))
	gone := writeFile(t, "gone.html", deletedPage)
	if code, out, errs := c.run("", "ingest", "--json", page, "--captured", "2024-03-05 10:00"); code != 0 || !strings.Contains(out, `"created"`) {
		t.Fatalf("ingest --captured: %d %s %s", code, out, errs)
	}
	if code, _, errs := c.run("", "ingest", "--url", long, gone, "--captured", "2024-04-01T00:00:00+08:00"); code != 0 {
		t.Fatalf("deleted: %d %s", code, errs)
	}
	// A copy saved at an unknown time, then one dated before the deletion:
	// the article stays deleted.
	for _, args := range [][]string{{page}, {page, "--captured", "file-time"}, {page, "--captured", "2024-03-20"}} {
		os.Chtimes(page, mustTime(t, "2024-03-10T00:00:00+08:00"), mustTime(t, "2024-03-10T00:00:00+08:00"))
		code, out, errs := c.run("", append([]string{"ingest", "--json"}, args...)...)
		if code != 0 || !strings.Contains(out, `"unchanged"`) {
			t.Errorf("ingest %v: %d %s %s", args, code, out, errs)
		}
		_, out, _ = c.run("", "list", "--json")
		if !strings.Contains(out, `"state":"deleted"`) {
			t.Errorf("after ingest %v the article is not deleted: %s", args, out)
		}
	}
	if code, _, errs := c.run("", "ingest", page, "--captured", "yesterday"); code != 2 && code != 1 || !strings.Contains(errs, "--captured") {
		t.Errorf("bad --captured: %d %s", code, errs)
	}

	// A hand edit is a notice; verify exits 0.
	_, out, _ := c.run("", "list", "--json")
	var info struct{ Key, Path string }
	json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &info)
	p := filepath.Join(c.archive, info.Path)
	os.WriteFile(p, []byte("my notes\n"), 0o644)
	code, out, errs := c.run("", "verify", "--json")
	if code != 0 || !strings.Contains(out, `"kind":"notice"`) || !strings.Contains(out, `"notices":1`) {
		t.Errorf("verify with a hand edit: %d %s %s", code, out, errs)
	}
	// Restore refuses to overwrite it; after a deletion it writes it again.
	if code, _, errs := c.run("", "restore", info.Key); code != 1 || !strings.Contains(errs, "edited by hand") {
		t.Errorf("restore over a hand edit: %d %s", code, errs)
	}
	os.Remove(p)
	if code, out, errs := c.run("", "restore", info.Key); code != 0 || !strings.Contains(out, info.Path) {
		t.Errorf("restore: %d %s %s", code, out, errs)
	}
	if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), "state: \"deleted\"") {
		t.Errorf("restored file: %v\n%s", err, b)
	}
	// Reindex after the indexes are lost: articles, events, search.
	os.Remove(filepath.Join(c.archive, ".wxarchive", "index", "heads.tsv"))
	os.RemoveAll(filepath.Join(c.archive, ".wxarchive", "cache"))
	os.Remove(filepath.Join(c.archive, ".wxarchive", "logs", "events.jsonl"))
	if code, _, errs := c.run("", "reindex"); code != 0 || !strings.Contains(errs, "1 article indexed") ||
		!strings.Contains(errs, "event log derived again") || !strings.Contains(errs, "search index rebuilt: 1 article") {
		t.Errorf("reindex: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(c.archive, ".wxarchive", "logs", "events.jsonl")); err != nil {
		t.Errorf("reindex wrote no event log: %v", err)
	}
	if code, out, errs := c.run("", "verify"); code != 0 || !strings.HasPrefix(out, "root ") {
		t.Errorf("verify: %d %s %s", code, out, errs)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// Issue 10 §4: show and diff refuse content that does not match its hash.
func TestShowDiffRefuseTampered(t *testing.T) {
	dir := arSetup(t)
	key := string(arID.Key())
	mds, _ := filepath.Glob(filepath.Join(dir, ".wxarchive", "objects", "md", "*", "*.md"))
	if len(mds) == 0 {
		t.Fatal("no Markdown objects")
	}
	for _, p := range mds {
		b, _ := os.ReadFile(p)
		os.WriteFile(p, append(b, "\n篡改\n"...), 0o644)
	}
	for _, args := range [][]string{{"show", key}, {"diff", key, "1", "2"}} {
		code, out, errs := arRun(append(args, "--archive", dir)...)
		if code != 1 || strings.Contains(out, "篡改") || !strings.Contains(errs, ".wxarchive/objects/md/") || !strings.Contains(errs, "wxarchive verify") {
			t.Errorf("%v over tampered content: %d %q %q", args, code, out, errs)
		}
	}
}

// boldRenderer renders the test pages "<html>title|body</html>", writing
// bold as ** (version 1) or __ (version 2).
type boldRenderer int

func (r boldRenderer) Version() int { return int(r) }

func (r boldRenderer) Render(raw []byte, _ archive.Origin) ([]byte, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(string(raw), "<html>"), "</html>")
	title, body, _ := strings.Cut(s, "|")
	mark := "**"
	if r == 2 {
		mark = "__"
	}
	return arMarkdown(title, body+"\n\n"+mark+"粗体"+mark), nil
}

// diff compares versions rendered by one extractor (issue 8 §4): the
// extractor's own change is not shown as an edit.
func TestDiffComparesLikeWithLike(t *testing.T) {
	dir := t.TempDir()
	a, _ := archive.Open(dir)
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	id := arID
	id.Sn = "x"
	rec := func(body string, r boldRenderer, at time.Time) {
		raw := []byte("<html>标题|" + body + "</html>")
		md, _ := r.Render(raw, archive.Origin{})
		_, err := a.Record(archive.Input{Capture: model.Capture{Target: id.URL(), SourceURL: id.URL(), FetchedAt: at, Raw: raw},
			Doc:      &model.Document{State: model.StateArticle, ID: id, Article: &model.Article{Meta: model.Meta{Title: "标题"}}},
			Markdown: md, Link: id.URL(), Renderer: r})
		if err != nil {
			t.Fatal(err)
		}
	}
	rec("第一版", 1, mustTime(t, "2024-01-01T00:00:00Z"))
	rec("第二版", 2, mustTime(t, "2024-02-01T00:00:00Z"))
	if _, err := a.Reextract(id.Key(), boldRenderer(2), false); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	code, out, errs := arRun("diff", string(id.Key()), "--archive", dir, "--color=never")
	if code != 0 || !strings.Contains(out, "第二版") || strings.Contains(out, "**粗体**") {
		t.Errorf("diff across extractors: %d\n%s%s", code, out, errs)
	}
}
