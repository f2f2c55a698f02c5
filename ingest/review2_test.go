package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/model"
)

// Review 2 §10: a SingleFile page whose saved date is in the future (a
// wrong clock) is ingested as a page of unknown date, with a warning.
func TestFutureSavedDateIsUndated(t *testing.T) {
	s := newService(t)
	var logs bytes.Buffer
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	p := filepath.Join(t.TempDir(), "future.html")
	header := "<!--\n Page saved with SingleFile \n saved date: Fri Mar 01 2099 09:00:00 GMT+0800 (CST)\n-->\n"
	os.WriteFile(p, append([]byte(header), readPage(t, "goscraper-2018-jiagoushi-dongjing.html")...), 0o644)
	r := s.Ingest(context.Background(), p, Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated {
		t.Fatalf("ingest: %+v", r)
	}
	caps, _ := s.Archive.Captures(r.Key)
	if len(caps) != 1 || !caps[0].Undated || caps[0].TimeSource != "ingest" {
		t.Errorf("capture: undated %v, time source %q", caps[0].Undated, caps[0].TimeSource)
	}
	if !strings.Contains(logs.String(), "in the future") {
		t.Errorf("no warning: %s", logs.String())
	}
	// A future time the user gives is an error.
	if r := s.Ingest(context.Background(), p, Options{Captured: "2099-01-01"}); r.Err == nil || !strings.Contains(r.Err.Error(), "future") {
		t.Errorf("--captured in the future: %+v", r)
	}
}

// Review 2 §10: --captured with a URL is refused before anything is
// fetched.
func TestCapturedWithURLRefusedBeforeFetch(t *testing.T) {
	s, srv := newNetService(t, nil)
	srv.Page("/s/abc", string(readPage(t, "goscraper-2018-jiagoushi-dongjing.html")))
	r := s.Ingest(context.Background(), "https://mp.weixin.qq.com/s/abc", Options{Captured: "2024-01-01"})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "--captured") {
		t.Errorf("ingest URL --captured: %+v", r)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made before refusing", n)
	}
}
