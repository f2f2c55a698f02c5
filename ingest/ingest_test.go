package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/archive"
	"wxarchive/model"
)

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://mp.weixin.qq.com/s/abc": true, "HTTP://mp.weixin.qq.com/s/abc": true,
		"mp.weixin.qq.com/s/abc": true, " https://example.com/x ": true,
		"page.html": false, "-": false, "./mp.weixin.qq.com.html": false, "": false,
	} {
		if got := IsURL(in); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", in, got, want)
		}
	}
}

// The testdata pages of the repository: an article and its deleted notice.
func readPage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "wechat", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newService(t *testing.T) *Service {
	t.Helper()
	a, err := archive.Open(filepath.Join(t.TempDir(), "arc"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Unlock() })
	return &Service{Archive: a}
}

func TestIngestSavedPages(t *testing.T) {
	s := newService(t)
	article := readPage(t, "goscraper-2018-jiagoushi-dongjing.html")
	s.Stdin = strings.NewReader(string(article))
	r := s.Ingest(context.Background(), "-", Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Version != 1 || r.Key == "" || len(r.Related) == 0 || r.Biz == "" {
		t.Fatalf("article from stdin: %+v", r)
	}

	// The deleted notice carries no ids: it needs --url, then it is recorded
	// against the article without touching its version.
	gone := filepath.Join(t.TempDir(), "gone.html")
	if err := os.WriteFile(gone, readPage(t, "exporter-deleted-zh.html"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := s.Ingest(context.Background(), gone, Options{}); !errors.Is(r.Err, archive.ErrNoIdentity) || !strings.Contains(r.Err.Error(), "--url") {
		t.Fatalf("deleted without --url: %+v", r)
	}
	info, err := s.Archive.Info(r.Key)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Ingest(context.Background(), gone, Options{URL: info.URL})
	var se *StateError
	if d.Outcome != model.OutcomeDeleted || d.Key != r.Key || d.Version != 1 || !errors.As(d.Err, &se) || se.State != model.StateDeleted {
		t.Fatalf("deleted with --url: %+v", d)
	}
	if md, err := s.Archive.Version(r.Key, 0); err != nil || !strings.Contains(string(md), "静态") {
		t.Fatalf("latest version after deletion: %v\n%s", err, md)
	}
}

func TestIngestWithoutFetcher(t *testing.T) {
	s := newService(t)
	r := s.Ingest(context.Background(), "https://mp.weixin.qq.com/s/abc", Options{})
	if r.Outcome != model.OutcomeFailed || r.Err == nil || !strings.Contains(r.Err.Error(), "fetching is not enabled") {
		t.Fatalf("%+v", r)
	}
	r = s.Ingest(context.Background(), filepath.Join(t.TempDir(), "missing.html"), Options{})
	if r.Outcome != model.OutcomeFailed || !errors.Is(r.Err, os.ErrNotExist) {
		t.Fatalf("missing file: %+v", r)
	}
}

// TestIngestHint: a page that turns out deleted, ingested with a
// listing's hint, is archived under the hint's title (ingest.Options.Hint
// reaches the archive).
func TestIngestHint(t *testing.T) {
	s := newService(t)
	gone := filepath.Join(t.TempDir(), "gone.html")
	if err := os.WriteFile(gone, readPage(t, "exporter-deleted-zh.html"), 0o644); err != nil {
		t.Fatal(err)
	}
	hint := &model.Hint{Title: "列表里的标题"}
	r := s.Ingest(context.Background(), gone, Options{URL: "https://mp.weixin.qq.com/s/AbC-123_x", Hint: hint})
	if r.Outcome != model.OutcomeDeleted {
		t.Fatalf("%+v", r)
	}
	info, err := s.Archive.Info(r.Key)
	if err != nil || info.Title != "列表里的标题" {
		t.Errorf("deleted article: %+v %v", info, err)
	}
}
