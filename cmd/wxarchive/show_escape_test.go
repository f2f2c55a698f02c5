package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"wxarchive/archive"
	"wxarchive/model"
)

// TestShowDiffKeepEscapesOffTheTerminal: a version stored with a page's
// control characters (an archive written before the extractor dropped
// them) never sends them to a terminal: diff drops them always, show when
// its output is a terminal; show piped gives the version's exact bytes.
func TestShowDiffKeepEscapesOffTheTerminal(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{"第一段。", "第一段。\x1b]0;pwned\a\x1b[2J改了"} {
		in := archive.Input{Link: arID.URL(), Capture: model.Capture{SourceURL: arID.URL(), HTTPStatus: 200,
			FetchedAt: time.Now().Add(time.Duration(i) * time.Minute), Raw: []byte("<html>" + body + "</html>")},
			Doc: &model.Document{State: model.StateArticle, ID: arID,
				Article: &model.Article{Meta: model.Meta{Title: "标题", Account: "测试公众号", Published: "2024-03-05T10:00:00+08:00"}}},
			Markdown: arMarkdown("标题", body)}
		if _, err := a.Record(in); err != nil {
			t.Fatal(err)
		}
	}
	l.Unlock()
	key := string(arID.Key())

	if code, out, errs := arRun("diff", key, "--archive", dir); code != 0 || strings.Contains(out, "\x1b") || !strings.Contains(out, "改了") {
		t.Errorf("diff: exit %d %q %s", code, out, errs)
	}
	if code, out, errs := arRun("show", key, "--archive", dir); code != 0 || !strings.Contains(out, "\x1b]0;pwned") {
		t.Errorf("show piped is not the version's bytes: exit %d %q %s", code, out, errs)
	}

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	defer ptmx.Close()
	var errb bytes.Buffer
	code := run(context.Background(), []string{"show", key, "--archive", dir}, strings.NewReader(""), tty, &errb)
	tty.Close()
	got, _ := io.ReadAll(ptmx)
	if code != 0 || bytes.Contains(got, []byte("\x1b")) || !bytes.Contains(got, []byte("改了")) {
		t.Errorf("show on a terminal: exit %d %q %s", code, got, errb.String())
	}
}
