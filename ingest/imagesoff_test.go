package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/fetcher"
	"wxarchive/model"
)

// TestImagesOffSaid: with images off, the user is told once, at INFO, that
// images are not copied and why, not once per image nor per page; nothing
// is requested.
func TestImagesOffSaid(t *testing.T) {
	var logs bytes.Buffer
	s := newService(t)
	s.Images, s.ImagesOff = false, "archive.images is false in the configuration"
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	dir := t.TempDir()
	for i, n := range []int{5, 3} {
		page := filepath.Join(dir, "page.html")
		html := strings.Replace(imagePage(n, nil), `var mid = "`+testMid+`"`, `var mid = "`+testMid+string(rune('0'+i))+`"`, 1)
		if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := s.Ingest(context.Background(), page, Options{}); r.Err != nil || r.Outcome != model.OutcomeCreated || r.Images != n {
			t.Fatalf("page %d: %+v", i, r)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=INFO") ||
		!strings.Contains(lines[0], "images are not copied into the archive: archive.images is false in the configuration") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestImagesRefusedSaid: images the extractor keeps but the fetcher refuses
// to copy (a WeChat image host on a port it never serves) are named as
// refused in the page's one summary line, not as a failed fetch to retry.
// Any host of WeChat's image servers is tried (puui.qpic.cn, video covers).
func TestImagesRefusedSaid(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"mmbiz.qpic.cn:8443", "4 of 4 images not saved: refused: not on WeChat's image server"},
		{"puui.qpic.cn", "4 of 4 images not saved: connection refused"},
	} {
		fc, err := fetcher.New(fetcher.Config{Resolve: map[string]string{"puui.qpic.cn:443": closedAddr(t)}})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		s := newService(t)
		s.Fetcher, s.Images = fc, true
		s.Log = slog.New(slog.NewTextHandler(&logs, nil))
		page := filepath.Join(t.TempDir(), "page.html")
		if err := os.WriteFile(page, []byte(strings.ReplaceAll(imagePage(4, nil), "mmbiz.qpic.cn", c.host)), 0o644); err != nil {
			t.Fatal(err)
		}
		r := s.Ingest(context.Background(), page, Options{})
		if r.Err != nil || r.Images != 4 || r.ImagesMissing != 4 {
			t.Fatalf("%s: %+v", c.host, r)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], c.want) {
			t.Errorf("%s: log:\n%s", c.host, logs.String())
		}
	}
}
