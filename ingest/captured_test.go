package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

func TestSavedDate(t *testing.T) {
	for _, c := range []struct {
		page string
		want string
	}{
		{"<!DOCTYPE html> <html><!--\n Page saved with SingleFile \n url: https://mp.weixin.qq.com/s/x \n saved date: Wed Jan 10 2024 15:23:45 GMT+0800 (中国标准时间)\n--><head>", "2024-01-10T15:23:45+08:00"},
		{"<html><!--\n Page saved with SingleFile\n saved date: Mon Mar  4 2024 08:00:01 GMT-0500 (Eastern Standard Time)\n-->", "2024-03-04T08:00:01-05:00"},
		{"<!-- saved from url=(0048)https://mp.weixin.qq.com/s/on_l5Rc3Be-DjgUOXftaNw -->", ""},
		{"<html><!-- Page saved with SingleFile \n saved date: Wed Sep 24 2026\n-->", ""}, // a day, no time: undated
		{"<p>saved date: Wed Jan 10 2024 15:23:45 GMT+0800 in the body, no header</p>", ""},
	} {
		got, ok := SavedDate([]byte(c.page))
		if (c.want == "") != !ok || (ok && got.Format(time.RFC3339) != c.want) {
			t.Errorf("SavedDate(%.60q) = %s %v, want %q", c.page, got.Format(time.RFC3339), ok, c.want)
		}
	}
	// Without a zone: local time, as changes --since reads it.
	local := func(s string) string {
		at, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return at.Format(time.RFC3339)
	}
	for in, want := range map[string]string{
		"2024-03-05T10:00:00+08:00": "2024-03-05T10:00:00+08:00", "2024-03-05 10:00": local("2024-03-05 10:00"),
		"2024-03-05": local("2024-03-05 00:00"), "2024-03-05T10:00:00Z": "2024-03-05T10:00:00Z",
		"2024-03-05T10:00": local("2024-03-05 10:00"),
	} {
		if got, err := ParseCaptured(in); err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseCaptured(%q) = %s, %v", in, got, err)
		}
	}
	if _, err := ParseCaptured("last week"); err == nil {
		t.Error("ParseCaptured accepts nonsense")
	}
}

// Issue 10 §2, through ingest: a saved copy older than the deleted notice,
// or of unknown date, does not bring the article back; a SingleFile copy
// saved after it does.
func TestSavedCopiesAfterDeletion(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	article := string(readPage(t, "goscraper-2018-jiagoushi-dongjing.html"))
	dir := t.TempDir()
	save := func(name, header string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(header+article), 0o644)
		return p
	}
	r := s.Ingest(ctx, save("first.html", ""), Options{Captured: "2024-01-01 10:00"})
	if r.Err != nil || r.Outcome != model.OutcomeCreated {
		t.Fatalf("first: %+v", r)
	}
	info, _ := s.Archive.Info(r.Key)
	gone := filepath.Join(dir, "gone.html")
	os.WriteFile(gone, readPage(t, "exporter-deleted-zh.html"), 0o644)
	if d := s.Ingest(ctx, gone, Options{URL: info.URL, Captured: "2024-02-01 10:00"}); d.Outcome != model.OutcomeDeleted {
		t.Fatalf("deleted: %+v", d)
	}
	state := func() model.State { i, _ := s.Archive.Info(r.Key); return i.State }
	for name, header := range map[string]string{
		"undated.html":        "<!-- saved from url=(0048)https://mp.weixin.qq.com/s/on_l5Rc3Be-DjgUOXftaNw -->\n",
		"singlefile-old.html": "<!--\n Page saved with SingleFile \n saved date: Mon Jan 15 2024 09:00:00 GMT+0800 (CST)\n-->\n",
	} {
		if r := s.Ingest(ctx, save(name, header), Options{}); r.Outcome != model.OutcomeUnchanged || state() != model.StateDeleted {
			t.Errorf("%s: %s, state %s; want unchanged, deleted", name, r.Outcome, state())
		}
	}
	if r := s.Ingest(ctx, save("singlefile-new.html", "<!--\n Page saved with SingleFile \n saved date: Fri Mar 01 2024 09:00:00 GMT+0800 (CST)\n-->\n"), Options{}); r.Outcome != model.OutcomeUnchanged || state() != model.StateArticle {
		t.Errorf("copy saved after the deletion: %s, state %s; want unchanged, article", r.Outcome, state())
	}
	caps, _ := s.Archive.Captures(r.Key)
	sources := []string{}
	for _, c := range caps {
		sources = append(sources, c.TimeSource)
	}
	if got := strings.Join(sources, " "); got != "user user ingest saved-date saved-date" && got != "user user saved-date ingest saved-date" {
		t.Errorf("time sources recorded: %s", got)
	}
	s.Stdin = strings.NewReader(article)
	if r := s.Ingest(ctx, "-", Options{Captured: CapturedFileTime}); r.Err == nil || !strings.Contains(r.Err.Error(), "file-time") {
		t.Errorf("file-time on stdin: %+v", r)
	}
}
