package ingest

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"wxarchive/model"
)

// TestSavedPageLocalImages: a "Save page, complete" (<name>_files/) and a
// SingleFile page (data: URIs) give the article its images from disk, with
// no request; a lazy-loading placeholder, a file that is not an image and a
// path out of the page's folder are not taken for the image (issue 12).
func TestSavedPageLocalImages(t *testing.T) {
	s, srv := newNetService(t, nil)
	s.Images = true
	for i := range 8 {
		srv.Image(imagePath(i), "image/png", pngBytes(100+i))
	}
	dir := t.TempDir()
	files := filepath.Join(dir, "文章_files")
	os.MkdirAll(files, 0o755)
	os.WriteFile(filepath.Join(files, "640"), pngBytes(0), 0o644)
	os.WriteFile(filepath.Join(files, "640(1)"), pngBytes(1), 0o644)
	os.WriteFile(filepath.Join(files, "notes.txt"), []byte("not an image"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.png"), pngBytes(9), 0o644)
	os.Symlink(filepath.Join(dir, "secret.png"), filepath.Join(files, "link"))
	data := func(b []byte) string { return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b) }
	srcs := []string{
		0: "./文章_files/640",                  // complete save
		1: "%E6%96%87%E7%AB%A0_files/640(1)", // escaped, without ./
		2: data(pngBytes(2)),                 // SingleFile
		3: data(pixelPNG()),                  // not loaded when saved: placeholder
		4: "./文章_files/notes.txt",            // not an image
		5: "../secret.png",                   // out of the folder
		6: "./文章_files/link",                 // a link out
		7: "",                                // HTML only
	}
	page := filepath.Join(dir, "文章.html")
	os.WriteFile(page, []byte(imagePage(len(srcs), func(i int) string { return srcs[i] })), 0o644)

	r := s.Ingest(context.Background(), page, Options{})
	if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Images != 8 || r.ImagesMissing != 0 {
		t.Fatalf("%+v", r)
	}
	refs, err := s.Archive.ImageRefs(r.Key)
	if err != nil || len(refs) != 8 {
		t.Fatalf("refs %v %v", refs, err)
	}
	for i := range srcs {
		fromDisk := i <= 2
		if n := srv.Count(imagePath(i)); (n == 0) != fromDisk {
			t.Errorf("image %d (%.40s): %d requests", i, srcs[i], n)
		}
		want := pngBytes(100 + i)
		if fromDisk {
			want = pngBytes(i)
		}
		got, err := s.Archive.Store().Get(refs[imageURL(i)])
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("image %d: stored %d bytes, want %d (%v)", i, len(got), len(want), err)
		}
	}
}
