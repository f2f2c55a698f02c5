package extractor

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"wxarchive/internal/dataurl"
)

// noisePNG is a PNG of w×h random pixels: it does not compress, so its
// size is about 4·w·h bytes.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A SingleFile page inlines its images as data: URIs. The Markdown names
// each by its content (dataurl.Ref) and never carries the base64; a data:
// URI whose bytes are no raster image (SVG declared as PNG) is no image.
func TestInlineImagesBecomeRefs(t *testing.T) {
	big := noisePNG(t, 900, 900) // over 3 MiB
	if len(big) < 3<<20 {
		t.Fatalf("test image of %d bytes, want 3 MiB", len(big))
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>` + strings.Repeat(" ", 200))
	uri := func(mime string, b []byte) string {
		return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b)
	}
	page := `<p>正文第一段。</p><p><img src="` + uri("image/png", big) + `" alt="大图"></p>
<p><img src="` + uri("image/png", svg) + `" alt="伪装的图"></p>
<p><img src="` + uri("image/svg+xml", svg) + `"></p>
<p><img data-src="https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png" src="` + uri("image/png", big[:300]) + `"></p><p>正文最后一段。</p>`
	res := convertHTML(t, page)
	ref := dataurl.Ref(big)
	if !strings.Contains(res.Markdown, "![大图]("+ref+")") {
		t.Errorf("no %s in:\n%.2000s", ref, res.Markdown)
	}
	if strings.Contains(res.Markdown, "data:image") || strings.Contains(res.Markdown, "base64") || strings.Contains(res.Markdown, "svg") || len(res.Markdown) > 4096 {
		t.Errorf("Markdown of %d bytes carries inline data:\n%.2000s", len(res.Markdown), res.Markdown)
	}
	want := []string{ref, "https://mmbiz.qpic.cn/mmbiz_png/a/640?wx_fmt=png"}
	if strings.Join(res.Images, " ") != strings.Join(want, " ") {
		t.Errorf("Images = %.200q, want %q", res.Images, want)
	}
	if !strings.Contains(res.Markdown, "伪装的图") {
		t.Errorf("the alt text of a dropped image is lost:\n%s", res.Markdown)
	}
}
