package dataurl

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	b64 := base64.StdEncoding.EncodeToString(png)
	for _, u := range []string{
		"data:image/png;base64," + b64,
		"data:image/png;base64," + strings.TrimRight(b64, "="),
		"data:image/png;base64," + b64[:4] + "\n " + b64[4:],
		"data:image/png;base64," + strings.ReplaceAll(b64, "=", "%3D"),
		"data:image/png;BASE64," + base64.URLEncoding.EncodeToString(png),
		"data:image/png," + "%89PNG%0D%0A%1A%0A%00%00%00%0DIHDR",
	} {
		got, err := Decode(u)
		if err != nil || !bytes.Equal(got, png) {
			t.Errorf("Decode(%q) = %q, %v", u, got, err)
		}
		if !IsRaster(got) {
			t.Errorf("%q: not raster", u)
		}
	}
	for _, u := range []string{"http://x", "data:image/png;base64", "data:image/png;base64,@@@@"} {
		if _, err := Decode(u); err == nil {
			t.Errorf("Decode(%q): no error", u)
		}
	}
	if svg, _ := Decode("data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))); IsRaster(svg) {
		t.Error("SVG declared as PNG taken for a raster image")
	}
}

func TestRef(t *testing.T) {
	r := Ref([]byte("abc"))
	if r != "wxdata:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || !IsRef(r) {
		t.Errorf("Ref = %q", r)
	}
	for _, s := range []string{"", RefPrefix, RefPrefix + strings.Repeat("A", 64), RefPrefix + strings.Repeat("a", 63), "data:" + strings.Repeat("a", 64)} {
		if IsRef(s) {
			t.Errorf("IsRef(%q)", s)
		}
	}
}
