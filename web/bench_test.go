package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"wxarchive/internal/benchstat"
	"wxarchive/internal/testarchive"
	"wxarchive/search"
)

// benchServer serves the synthetic archive of the search benchmarks
// (WXARCHIVE_BENCH_ARTICLES articles, default 100000, kept in the
// temporary folder between runs).
func benchServer(b *testing.B) (*Server, int) {
	b.Helper()
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("WXARCHIVE_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	a := testarchive.Synthetic(b, filepath.Join(os.TempDir(), fmt.Sprintf("wxarchive-bench-%d", n)), n)
	ix, err := search.OpenArchive(a)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if _, err := ix.Update(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Archive: a, Index: ix})
	if err != nil {
		b.Fatal(err)
	}
	return srv, n
}

func benchPages(b *testing.B, srv *Server, targets []string) {
	b.Helper()
	rec := benchstat.Start()
	for b.Loop() {
		for _, t := range targets {
			rec.Time(func() {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080"+t, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", t, w.Code)
				}
			})
		}
	}
	rec.Done(b)
}

// BenchmarkArticlePage renders article pages (head, version, captures,
// images, related links resolved against the archive).
func BenchmarkArticlePage(b *testing.B) {
	srv, n := benchServer(b)
	var targets []string
	for i := 0; i < 100; i++ {
		targets = append(targets, "/a/"+string(testarchive.SynthKey(i*997%n)))
	}
	benchPages(b, srv, targets)
}

// BenchmarkOtherPages renders the home page, an account, the history and
// diff of an edited article, and a search page.
func BenchmarkOtherPages(b *testing.B) {
	srv, _ := benchServer(b)
	edited := string(testarchive.SynthKey(5)) // i%33 == 5: two versions
	for name, t := range map[string]string{
		"home":     "/",
		"account":  "/accounts/" + url.PathEscape("MzA0000042MQ=="),
		"versions": "/a/" + edited + "/versions",
		"diff":     "/a/" + edited + "/diff",
		"search":   "/search?q=" + url.QueryEscape("芯片"),
	} {
		b.Run(name, func(b *testing.B) { benchPages(b, srv, []string{t}) })
	}
}
