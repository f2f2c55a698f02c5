package ingest

import (
	"context"
	"testing"

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
	for _, target := range []string{"mp.weixin.qq.com/s/abc", "http://mp.weixin.qq.com/s/abc?scene=21#wechat_redirect"} {
		r := s.Ingest(context.Background(), target, Options{})
		if r.Err != nil || (r.Outcome != model.OutcomeCreated && r.Outcome != model.OutcomeUnchanged) {
			t.Fatalf("%s: %+v", target, r)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.URI != "/s/abc" || !r.TLS {
			t.Errorf("requested %s (tls %v), want the canonical https://mp.weixin.qq.com/s/abc", r.URI, r.TLS)
		}
	}
}
