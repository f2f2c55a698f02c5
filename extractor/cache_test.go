package extractor

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"wxarchive/model"
)

// extraction is one Extract of a fixture file. Several tests read every
// fixture (goldens, corpus checks, Markdown checks, the fast path against
// the full parse); each file is extracted once per test binary and the
// result shared, read-only. Under the race detector an extraction of a 3 MB
// page takes seconds.
type extraction struct {
	once sync.Once
	raw  []byte
	doc  *model.Document
	err  error
	md   []byte // Render of the article; nil for a page state
}

var extractions = struct {
	sync.Mutex
	m map[string]*extraction
}{m: map[string]*extraction{}}

// extracted returns the shared extraction of the file at path. Callers must
// not change what it holds.
func extracted(t testing.TB, path string) *extraction {
	t.Helper()
	extractions.Lock()
	e := extractions.m[path]
	if e == nil {
		e = &extraction{}
		extractions.m[path] = e
	}
	extractions.Unlock()
	e.once.Do(func() {
		e.raw, e.err = os.ReadFile(path)
		if e.err != nil {
			return
		}
		e.doc, e.err = Extract(e.raw, Options{})
		if e.err == nil && e.doc.Article != nil {
			e.md = Render(e.doc.Article)
		}
	})
	if e.raw == nil && e.err != nil {
		t.Fatal(e.err)
	}
	return e
}

// corpusFiles maps every fixture page name to its file: the trimmed copies
// under testdata/wechat (a fresh clone has these), and the shared originals
// when present, which take precedence.
func corpusFiles(t testing.TB) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, dir := range []string{fixtureDir, sharedDir} {
		found, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, f := range found {
			files[filepath.Base(f)] = f
		}
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	return files
}
