package ingest

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wxarchive/internal/dataurl"
	"wxarchive/model"
)

// A SingleFile page with a 3 MB image it holds only inline (no data-src):
// the image is stored once, as a blob; the stored Markdown names it by its
// content and stays small; the readable file links the local asset, with no
// data: URI anywhere, not even as an image title (review item 8).
func TestInlineImageStoredOnce(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 900, 900))
	r := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	big := b.Bytes()
	if len(big) < 3<<20 {
		t.Fatalf("test image of %d bytes", len(big))
	}
	svg := base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>` + strings.Repeat(" ", 300)))
	page := strings.Replace(imagePage(1, nil), `<p>全文完。</p>`,
		`<p><img src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(big)+`"></p>`+
			`<p><img src="data:image/png;base64,`+svg+`"></p><p>全文完。</p>`, 1)
	dir := t.TempDir()
	name := filepath.Join(dir, "singlefile.html")
	if err := os.WriteFile(name, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newService(t)
	res := s.Ingest(context.Background(), name, Options{})
	if res.Err != nil || res.Outcome != model.OutcomeCreated {
		t.Fatalf("%+v", res)
	}
	ref := dataurl.Ref(big)
	md, err := s.Archive.Version(res.Key, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(md) > 8<<10 || bytes.Contains(md, []byte("base64")) || !bytes.Contains(md, []byte("![]("+ref+")")) {
		t.Errorf("stored Markdown of %d bytes:\n%.1500s", len(md), md)
	}
	refs, err := s.Archive.ImageRefs(res.Key)
	if err != nil {
		t.Fatal(err)
	}
	blob := refs[ref]
	if got, err := s.Archive.Store().Get(blob); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("blob %q of the inline image: %d bytes, %v", blob, len(got), err)
	}
	for u := range refs {
		if len(u) > 200 {
			t.Errorf("image key of %d bytes: %.80s…", len(u), u)
		}
	}
	readable, err := os.ReadFile(filepath.Join(s.Archive.Dir(), res.Path))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`!\[\]\(((?:\.\./)+` + regexp.QuoteMeta(blob) + `)\)`)
	if m := link.FindSubmatch(readable); m == nil || len(readable) > 8<<10 || bytes.Contains(readable, []byte("data:")) || bytes.Contains(readable, []byte("svg")) {
		t.Errorf("readable file of %d bytes does not link %s alone:\n%.1500s", len(readable), blob, readable)
	} else if got, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Join(s.Archive.Dir(), res.Path)), string(m[1]))); err != nil || !bytes.Equal(got, big) {
		t.Errorf("the readable file's link %s does not reach the image: %v", m[1], err)
	}
}
