package ingest

import (
	"context"
	"net/http"
	"testing"

	"wxarchive/model"
)

// TestStopDuringImages: a stop while an article's images download lets the
// image in flight finish, requests no other, and records the article with
// the rest pending (issue 10 §16).
func TestStopDuringImages(t *testing.T) {
	s, srv := newNetService(t, nil)
	s.Images = true
	srv.Page(pageURL(), imagePage(3, nil))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	srv.Handle(imagePath(0), func(w http.ResponseWriter, r *http.Request) {
		stop() // the signal arrives while this image is being read
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngBytes(0))
	})
	for i := 1; i < 3; i++ {
		srv.Image(imagePath(i), "image/png", pngBytes(i))
	}
	r := s.Ingest(ctx, pageURL(), Options{})
	if r.Outcome != model.OutcomeCreated {
		t.Fatalf("%+v", r)
	}
	if n := srv.Count(imagePath(1)) + srv.Count(imagePath(2)); n != 0 {
		t.Errorf("%d image requests after the stop", n)
	}
	refs, err := s.Archive.ImageRefs(r.Key)
	if err != nil || len(refs) != 1 || refs[imageURL(0)] == "" {
		t.Errorf("stored images %v %v", refs, err)
	}
	caps, err := s.Archive.Captures(r.Key)
	if err != nil || len(caps) != 1 || len(caps[0].ImageErrors) != 2 {
		t.Errorf("capture %+v %v", caps, err)
	}
}
