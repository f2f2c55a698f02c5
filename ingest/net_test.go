package ingest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
	"wxarchive/model"
)

// newNetService is a service whose fetcher reaches a fake WeChat.
func newNetService(t *testing.T, edit func(*fetcher.Config)) (*Service, *fakewx.Server) {
	t.Helper()
	srv := fakewx.New(t)
	cfg := srv.FetcherConfig()
	if edit != nil {
		edit(&cfg)
	}
	fc, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := newService(t)
	s.Fetcher = fc
	return s, srv
}

// TestIngestURLWithoutScheme: "mp.weixin.qq.com/s/…" as typed or pasted is
// fetched as its canonical https link (issue 10 §14).
func TestIngestURLWithoutScheme(t *testing.T) {
	s, srv := newNetService(t, nil)
	srv.Page("/s/abc", string(readPage(t, "goscraper-2018-jiagoushi-dongjing.html")))
	targets := []string{"mp.weixin.qq.com/s/abc", "http://mp.weixin.qq.com/s/abc?scene=21#wechat_redirect",
		"mp.weixin.qq.com/s/abc?url=https://x.example/", "mp.weixin.qq.com:443/s/abc", "//mp.weixin.qq.com/s/abc"}
	for _, target := range targets {
		r := s.Ingest(context.Background(), target, Options{})
		if r.Err != nil || (r.Outcome != model.OutcomeCreated && r.Outcome != model.OutcomeUnchanged) {
			t.Fatalf("%s: %+v", target, r)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != len(targets) {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.URI != "/s/abc" || !r.TLS {
			t.Errorf("requested %s (tls %v), want the canonical https://mp.weixin.qq.com/s/abc", r.URI, r.TLS)
		}
	}
}

// TestIngestGBKPage: a page served as GBK (said by the HTTP header only)
// is decoded, and its raw snapshot kept as served (issue 10 §19).
func TestIngestGBKPage(t *testing.T) {
	s, srv := newNetService(t, nil)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(imagePage(0, nil))
	if err != nil {
		t.Fatal(err)
	}
	gbk = strings.Replace(gbk, `<meta charset="utf-8">`, "", 1)
	srv.Handle(pageURL(), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=GBK")
		w.Write([]byte(gbk))
	})
	r := s.Ingest(context.Background(), pageURL(), Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Title != "图片测试文章" {
		t.Fatalf("%+v", r)
	}
	caps, err := s.Archive.Captures(r.Key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.Archive.Raw(caps[0].RawSHA)
	if err != nil || string(raw) != gbk {
		t.Errorf("raw snapshot is not the page as served: %v", err)
	}
	// The charset is only in the header: the capture record keeps it, so
	// the stored page is read again as it was read then.
	if caps[0].ContentType != "text/html; charset=GBK" {
		t.Errorf("capture record content type %q", caps[0].ContentType)
	}
	rr, err := s.Archive.Reextract(r.Key, Renderer{}, false)
	if err != nil || rr.Outcome != "unchanged" {
		t.Errorf("reextract of the header-only GBK page: %+v %v", rr, err)
	}
}

// TestIngestBig5HeaderCharset: a Big5 page whose charset only the HTTP
// header gives is read right when captured, and read the same again from
// its stored snapshot (reextract), since the capture record keeps the
// header: no guess from the bytes.
func TestIngestBig5HeaderCharset(t *testing.T) {
	s, srv := newNetService(t, nil)
	page := strings.NewReplacer("图", "圖", "测", "測", "试", "試", "这", "這", "长", "長", "识别", "識別",
		"当", "當", "号", "號", "够", "夠", `<meta charset="utf-8">`, "").Replace(imagePage(0, nil))
	big5, err := traditionalchinese.Big5.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle(pageURL(), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=big5")
		w.Write([]byte(big5))
	})
	r := s.Ingest(context.Background(), pageURL(), Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Title != "圖片測試文章" {
		t.Fatalf("%+v", r)
	}
	rr, err := s.Archive.Reextract(r.Key, Renderer{}, false)
	if err != nil || rr.Outcome != "unchanged" {
		t.Errorf("reextract of the header-only Big5 page: %+v %v", rr, err)
	}
	md, err := os.ReadFile(filepath.Join(s.Archive.Dir(), r.Path))
	if err != nil || !strings.Contains(string(md), "這是一篇有圖片的測試文章") {
		t.Errorf("readable file after reextract: %v\n%s", err, md)
	}
}

// TestIngestOtherSchemes: a link of another scheme is named as such, not
// reported as a missing file; a path with a colon that exists is read.
func TestIngestOtherSchemes(t *testing.T) {
	s, _ := newNetService(t, nil)
	for _, target := range []string{"javascript:alert(1)", "file:///etc/passwd", "FTP://mp.weixin.qq.com/s/x"} {
		r := s.Ingest(context.Background(), target, Options{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "link is neither an mp.weixin.qq.com page") {
			t.Errorf("%s: %v", target, r.Err)
		}
	}
	name := filepath.Join(t.TempDir(), "note:1.html")
	if err := os.WriteFile(name, []byte(imagePage(0, nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := s.Ingest(context.Background(), name, Options{}); r.Err != nil || r.Outcome != model.OutcomeCreated {
		t.Errorf("a saved page named with a colon: %+v", r)
	}
	if got := urlScheme(`C:\page.html`); got != "" {
		t.Errorf("a drive letter read as scheme %q", got)
	}
}
