// Package testarchive builds, for tests, an archive from the repository's
// testdata pages through the real extractor and archive: an article with
// two versions (an edited copy of the page), an article later deleted, a
// picture post, each with its images stored.
package testarchive

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// Day0 is when the first captures were made; the edit is captured a day
// later, the deletion two days later.
var Day0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// The edit made to the edited article's page: a title change and a few
// characters changed inside one paragraph.
const (
	OldTitle = "一分钟了解互联网动静分离架构"
	NewTitle = "三分钟了解互联网动静分离架构"
	OldWords = "几乎不变的页面"
	NewWords = "基本不变的页面"
)

// Fixture is the archive built and the keys of its articles.
type Fixture struct {
	Dir     string
	Archive *archive.Archive
	Edited  model.Key // two versions
	Deleted model.Key // one version, then a deleted notice
	Picture model.Key // a picture post
	Images  int       // images stored
}

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Page reads a page of testdata/wechat.
func Page(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "testdata", "wechat", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Build makes the archive in dir (created).
func Build(t testing.TB, dir string) *Fixture {
	t.Helper()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	f := &Fixture{Dir: dir, Archive: a}

	edited := Page(t, "goscraper-2018-jiagoushi-dongjing.html")
	f.Edited = f.capture(t, edited, "", Day0)
	v2 := bytes.ReplaceAll(edited, []byte(OldTitle), []byte(NewTitle))
	v2 = bytes.ReplaceAll(v2, []byte(OldWords), []byte(NewWords))
	if k := f.capture(t, v2, "", Day0.Add(24*time.Hour)); k != f.Edited {
		t.Fatalf("testarchive: edited copy filed under %s, not %s", k, f.Edited)
	}

	f.Deleted = f.capture(t, Page(t, "goscraper-2017-jiagoushi-mq.html"), "", Day0.Add(time.Hour))
	info, err := a.Info(f.Deleted)
	if err != nil {
		t.Fatal(err)
	}
	f.capture(t, Page(t, "exporter-deleted-zh.html"), info.URL, Day0.Add(48*time.Hour))

	f.Picture = f.capture(t, Page(t, "thepass-2026-picture-item8-feishu.html"), "", Day0.Add(2*time.Hour))
	return f
}

// Record extracts and records one page as ingest does, its images made up
// (a small PNG per URL) and stored.
func (f *Fixture) capture(t testing.TB, raw []byte, link string, at time.Time) model.Key {
	t.Helper()
	in, err := Input(f.Archive, raw, link, at)
	if err != nil {
		t.Fatal(err)
	}
	f.Images += len(in.Images)
	res, err := f.Archive.Record(*in)
	if err != nil {
		t.Fatal(err)
	}
	return res.Key
}

// Input extracts a page into an archive input, storing a made-up image for
// every image of the article.
func Input(a *archive.Archive, raw []byte, link string, at time.Time) (*archive.Input, error) {
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: link})
	if err != nil {
		return nil, err
	}
	in := &archive.Input{
		Capture: model.Capture{Target: "testdata", SourceURL: link, FetchedAt: at, Raw: raw, HTTPStatus: 200},
		Doc:     doc,
		Link:    link,
	}
	if doc.State == model.StateArticle && doc.Article != nil {
		in.Markdown = extractor.Render(doc.Article)
		in.Stripped = doc.Article.Stripped
		in.Images = map[string]string{}
		for _, u := range doc.Article.Images {
			ref, err := a.PutBlob(PNG(u))
			if err != nil {
				return nil, err
			}
			in.Images[u] = ref
		}
	}
	return in, nil
}

// PNG is a small picture whose colour depends on seed.
func PNG(seed string) []byte {
	sum := sha256.Sum256([]byte(seed))
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	c := color.RGBA{sum[0], sum[1], sum[2], 255}
	for y := range 40 {
		for x := range 64 {
			if (x/8+y/8)%2 == 0 {
				img.Set(x, y, c)
			} else {
				img.Set(x, y, color.RGBA{255, 255, 255, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(fmt.Sprintf("testarchive: encode png: %v", err))
	}
	return b.Bytes()
}
