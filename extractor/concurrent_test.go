package extractor

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestConcurrentExtract: one html-to-markdown converter, built once with its
// plugins, serves every conversion; `convert` and bulk re-extraction run
// Extract on every core. Extractions running at once give what they give
// one at a time (and, under -race, show no data race in the shared
// converter or rules).
func TestConcurrentExtract(t *testing.T) {
	var pages [][]byte
	for _, name := range []string{"goscraper-2017-jiagoushi-mq.html", "saved-2016-angenunu-phonics-no1.html",
		"savetruth-2017-caoluoji-video-iframe.html", "thepass-2026-picture-item8-tesla.html"} {
		raw, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, raw)
	}
	bodies, _ := filepath.Glob(filepath.Join("testdata", "body", "*.html"))
	want := make([]string, len(pages))
	for i, raw := range pages {
		want[i] = renderPage(t, raw)
	}
	wantBody := make([]string, len(bodies))
	for i, f := range bodies {
		h, _ := os.ReadFile(f)
		wantBody[i] = bodyMarkdown(t, string(h))
	}
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range len(pages) + len(bodies) {
				i := (k + w) % (len(pages) + len(bodies)) // each worker in its own order
				if i < len(pages) {
					if got := renderPage(t, pages[i]); got != want[i] {
						t.Errorf("page %d: concurrent extraction differs", i)
					}
					continue
				}
				h, _ := os.ReadFile(bodies[i-len(pages)])
				if got := bodyMarkdown(t, string(h)); got != wantBody[i-len(pages)] {
					t.Errorf("%s: concurrent conversion differs", bodies[i-len(pages)])
				}
			}
		}()
	}
	wg.Wait()
}

func renderPage(t *testing.T, raw []byte) string {
	doc, err := Extract(raw, Options{})
	if err != nil || doc.Article == nil {
		t.Errorf("Extract: %v", err)
		return ""
	}
	return string(Render(doc.Article))
}

// bodyMarkdown is convertHTML for any goroutine: it reports with Errorf.
func bodyMarkdown(t *testing.T, h string) string {
	if !strings.Contains(h, `id="js_content"`) {
		h = `<div id="js_content">` + h + `</div>`
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(h))
	if err == nil {
		var res bodyResult
		if res, err = convertBody(doc.Find("#js_content").First(), DefaultRules()); err == nil {
			return res.Markdown
		}
	}
	t.Errorf("convert: %v", err)
	return ""
}
