package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"wxarchive/ingest"
)

// TestTermProgress: a slow page shows its URL and time, an article's
// images their count; quick steps show nothing; the line is cleared when
// the images are done (issue 12).
func TestTermProgress(t *testing.T) {
	var out strings.Builder
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p := &termProgress{w: &out, now: func() time.Time { return now }, done: make(chan struct{})}
	p.update(ingest.Progress{Target: "https://mp.weixin.qq.com/s/abc", Stage: "page", URL: "https://mp.weixin.qq.com/s/abc"})
	p.tick()
	if out.Len() != 0 {
		t.Fatalf("a quick fetch shown: %q", out.String())
	}
	now = now.Add(12 * time.Second)
	p.tick()
	if !strings.HasSuffix(out.String(), "fetching mp.weixin.qq.com/s/abc … 12s") {
		t.Errorf("slow page: %q", out.String())
	}
	out.Reset()
	p.update(ingest.Progress{Target: "page.html", Stage: "images", Done: 3, Total: 12})
	now = now.Add(2 * time.Second)
	p.tick()
	if !strings.HasSuffix(out.String(), "images 3/12 of page.html … 2s") {
		t.Errorf("images: %q", out.String())
	}
	out.Reset()
	p.update(ingest.Progress{Target: "page.html", Stage: "images", Done: 12, Total: 12})
	if out.String() != "\r\033[K" {
		t.Errorf("not cleared: %q", out.String())
	}
	close(p.done)
}

// TestTermProgressOnlyWhereItErases: the display runs on a terminal that
// can erase a line, not on TERM=dumb (it would print escape codes), nor on
// a file or pipe.
func TestTermProgressOnlyWhereItErases(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if p := newTermProgress(tty, "xterm-256color"); p == nil {
		t.Error("no display on a terminal")
	} else {
		close(p.done)
	}
	if p := newTermProgress(tty, "dumb"); p != nil {
		t.Error("a display on TERM=dumb")
	}
	if p := newTermProgress(os.Stderr, "xterm"); p != nil && !term.IsTerminal(int(os.Stderr.Fd())) {
		t.Error("a display on a file or pipe")
	}
}
