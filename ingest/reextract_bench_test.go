package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/internal/parallel"
	"wxarchive/model"
)

// benchTemplates are real pages (trimmed copies in testdata) the synthetic
// archive's articles are made of: an account's long-form posts, a music
// card, a video, a page of the English interface.
var benchTemplates = []string{"goscraper-2017-jiagoushi-mq.html", "saved-2016-angenunu-phonics-no1.html",
	"savetruth-2017-caoluoji-video-iframe.html", "wechatsogou-2018-qqmusic.html", "savetruth-2018-junzhengping-english-ui.html"}

// midVar finds the page's mid (`var mid = "" || "" || "2247484727"`).
var midVar = regexp.MustCompile(`var mid = [" |]*"(\d+)"`)

// syntheticArchive records n articles, each a template page given its own
// mid, through the real ingest path, into an archive in memory (no fsync
// per write: minutes saved), then writes its files to a folder and opens
// that, as reextract meets an archive.
func syntheticArchive(b *testing.B, n int) (*archive.Archive, []model.Key) {
	b.Helper()
	dir := b.TempDir()
	mem := archive.NewMemStore()
	a := archive.OpenStore(dir, mem)
	l, err := a.Lock()
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	var mids []string
	for _, name := range benchTemplates {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", "wechat", name))
		if err != nil {
			b.Fatal(err)
		}
		m := midVar.FindSubmatch(raw)
		if m == nil {
			b.Fatalf("%s: no var mid", name)
		}
		pages, mids = append(pages, raw), append(mids, string(m[1]))
	}
	s := &Service{Archive: a, Rules: extractor.DefaultRules()}
	keys := make([]model.Key, 0, n)
	for i := range n {
		t := i % len(pages)
		mid := strconv.Itoa(3_000_000_000 + i)
		s.Stdin = bytes.NewReader(bytes.ReplaceAll(pages[t], []byte(mids[t]), []byte(mid)))
		r := s.Ingest(context.Background(), "-", Options{})
		if r.Err != nil || r.Outcome != model.OutcomeCreated {
			b.Fatalf("article %d: %s %v", i, r.Outcome, r.Err)
		}
		keys = append(keys, r.Key)
	}
	l.Unlock()
	names, err := mem.List("")
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range names {
		data, err := mem.Get(name)
		if err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	disk, err := archive.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	l, err = disk.Lock()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Unlock() })
	return disk, keys
}

// BenchmarkReextract: reextract over a synthetic archive of
// WXARCHIVE_BENCH_ARTICLES articles (10,000 unless set), with one worker
// and with one per core, in articles per second. Every page is extracted
// and rendered; none renders differently, so nothing is written.
func BenchmarkReextract(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("WXARCHIVE_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	a, keys := syntheticArchive(b, n)
	r := Renderer{Rules: extractor.DefaultRules()}
	for _, workers := range []int{1, parallel.Workers()} {
		b.Run(fmt.Sprintf("articles=%d/workers=%d", n, workers), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				err := a.ReextractMany(context.Background(), keys, r, false, workers, func(i int, res archive.ReextractResult, err error) error {
					if err != nil || res.Outcome != "unchanged" {
						return fmt.Errorf("article %d: %+v %v", i, res, err)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
			// On a shared machine the cores may be busy elsewhere: the cores
			// this run got tell whether the workers could run at once.
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores-used")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n*b.N), "cpu-ms/article")
			}
		})
	}
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
