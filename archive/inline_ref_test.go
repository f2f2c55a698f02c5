package archive

import (
	"strings"
	"testing"

	"wxarchive/internal/dataurl"
)

// An inline image's content name links the blob of those bytes, whether the
// image map names it so or, for an image recorded under its data: URI by an
// older capture, not at all; no title copies a data: URI.
func TestRewriteInlineImages(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n...")
	ref := dataurl.Ref(png)
	sum := strings.TrimPrefix(ref, dataurl.RefPrefix)
	blob := "assets/" + sum[:2] + "/" + sum + ".png"
	md := "![a](" + ref + ")\n\n![b](data:image/png;base64,AAAA)\n"
	for name, images := range map[string]map[string]string{
		"by ref":      {ref: blob, "data:image/png;base64,AAAA": blob},
		"by data URI": {"data:image/png;base64,iVBORw0KGgo=": blob, "data:image/png;base64,AAAA": blob},
	} {
		got := string(rewriteImages([]byte(md), images, "articles/acc/x.md"))
		want := "![a](../../" + blob + ")\n\n![b](../../" + blob + ")\n"
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}
