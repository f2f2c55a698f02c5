package extractor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestDocumentOutlivesInput: nothing in a Document shares memory with the
// input, so a caller reusing its buffer cannot change a Document returned
// before.
func TestDocumentOutlivesInput(t *testing.T) {
	// One page of each shape: modern article, picture share, text share,
	// old saved page, saved page without scripts, a state page.
	for _, name := range []string{"exporter-2025-article-01.html", "thepass-2026-picture-item8-tesla.html",
		"thepass-2026-text-item10-wuxiaobo.html", "savetruth-2018-jundu-reprint-postdate.html",
		"saved-noscript-2016-angenunu-phonics-no1.html", "exporter-deleted-zh.html"} {
		f := filepath.Join(fixtureDir, name)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Extract(raw, Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		before, _ := json.Marshal(doc)
		for i := range raw {
			raw[i] = 'X'
		}
		if after, _ := json.Marshal(doc); string(after) != string(before) {
			t.Errorf("%s: the Document changed with the input buffer", filepath.Base(f))
		}
	}
}

func TestDetach(t *testing.T) {
	raw := []byte("hello world")
	type inner struct{ S []string }
	v := struct {
		A string
		P *inner
		M map[string]string
	}{A: bytesView(raw[:5]), P: &inner{S: []string{bytesView(raw[6:]), "own"}}, M: map[string]string{bytesView(raw[:5]): bytesView(raw[6:])}}
	detach(&v, raw)
	for i := range raw {
		raw[i] = '.'
	}
	if v.A != "hello" || v.P.S[0] != "world" || v.P.S[1] != "own" || v.M["hello"] != "world" {
		t.Errorf("detach left views: %+v %+v %+v", v.A, v.P.S, v.M)
	}
}
