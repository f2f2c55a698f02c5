package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// copyLegacy copies the archive written by the binary of commit 1a4800b
// (testdata/legacy-1a4800b, see its README) to a temporary folder.
func copyLegacy(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "archive")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("..", "testdata", "legacy-1a4800b", "archive"))); err != nil {
		t.Fatal(err)
	}
	return dst
}

const (
	legacyMQ  = model.Key("MjM5ODYxMDA5OQ_2651960726_1") // two versions
	legacyDJ  = model.Key("MjM5ODYxMDA5OQ_2651960800_1") // deleted after its version
	legacyPic = model.Key("Mzg5MDA4NTUyNA_2247493233_1") // picture post
)

// nextExtractor stands in for a newer extractor whose output differs from
// today's for every page (the front matter key renames and another way to
// write bold), as the extract stage's next version will.
type nextExtractor struct{}

func (nextExtractor) Version() int { return extractor.Version + 1 }

func (nextExtractor) Render(raw []byte, src archive.Origin) ([]byte, error) {
	md, err := Renderer{}.Render(raw, src)
	if err != nil {
		return nil, err
	}
	return nextRendering(md), nil
}

func nextRendering(md []byte) []byte {
	s := strings.Replace(string(md), "\nurl: ", "\nsource: ", 1)
	s = strings.Replace(s, "\ntype: ", "\nformat: ", 1)
	s = strings.Replace(s, "\n---\n", "\nrendering: next\n---\n", 1) // a field the next extractor adds
	return []byte(strings.ReplaceAll(s, "**", "__"))
}

// recheck records raw as a fresh capture made now, extracted by r.
func recheck(t *testing.T, a *archive.Archive, raw []byte, link string, r archive.Renderer) archive.Result {
	t.Helper()
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: link})
	if err != nil {
		t.Fatal(err)
	}
	in := archive.Input{Capture: model.Capture{Target: link, SourceURL: link, FetchedAt: time.Now(), Raw: raw, HTTPStatus: 200},
		Doc: doc, Link: link, ExtractURL: link, Renderer: r, TimeSource: "fetch"}
	if doc.State == model.StateArticle {
		if in.Markdown, err = r.Render(raw, archive.Origin{URL: link}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Record(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// latestRaw is the raw page of the newest capture of an article, and the
// raw page behind its version n (0: none).
func rawPages(t *testing.T, a *archive.Archive, k model.Key, n int) (latest, version []byte) {
	t.Helper()
	caps, err := a.Captures(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		if c.RawSHA == "" {
			continue
		}
		b, err := a.Raw(c.RawSHA)
		if err != nil {
			t.Fatal(err)
		}
		latest = b
		if n > 0 && c.Version == n && c.Outcome != model.OutcomeDeleted {
			version = b
		}
	}
	return latest, version
}

func mustClean(t *testing.T, a *archive.Archive) {
	t.Helper()
	rep, err := a.VerifyWith(archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("verify: %s", p)
	}
}

// TestLegacyArchiveRecheckedByNewerExtractor (issue 8 §4): the archive the
// code of 1a4800b wrote, migrated, then rechecked on the same raw pages by
// a newer extractor: a re-rendering for every article, an update only
// where the page text differs, the deleted article stays deleted, and no
// stored version is rewritten.
func TestLegacyArchiveRecheckedByNewerExtractor(t *testing.T) {
	dir := copyLegacy(t)
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	mustClean(t, a)
	stored := map[model.Key][][]byte{}
	for _, k := range []model.Key{legacyMQ, legacyDJ, legacyPic} {
		vs, _ := a.Versions(k)
		for n := range vs {
			md, err := a.Version(k, n+1)
			if err != nil {
				t.Fatal(err)
			}
			stored[k] = append(stored[k], md)
		}
	}

	// The real extractor of this build: nothing is an edit.
	for _, k := range []model.Key{legacyMQ, legacyDJ, legacyPic} {
		info, _ := a.Info(k)
		raw, _ := rawPages(t, a, k, 0)
		res := recheck(t, a, raw, info.URL, Renderer{})
		if res.Outcome != model.OutcomeUnchanged && res.Outcome != model.OutcomeRerendered && res.Outcome != model.OutcomeDeleted {
			t.Errorf("%s rechecked by this build's extractor: %s, want unchanged or rerendered", k, res.Outcome)
		}
	}

	// A newer extractor whose output differs everywhere.
	want := map[model.Key]model.Outcome{legacyMQ: model.OutcomeRerendered, legacyDJ: model.OutcomeDeleted, legacyPic: model.OutcomeRerendered}
	for k, w := range want {
		info, _ := a.Info(k)
		raw, _ := rawPages(t, a, k, 0)
		before, _ := a.Info(k)
		res := recheck(t, a, raw, info.URL, nextExtractor{})
		after, _ := a.Info(k)
		if res.Outcome != w || after.Versions != before.Versions {
			t.Errorf("%s: %s, versions %d -> %d; want %s, no new version", k, res.Outcome, before.Versions, after.Versions, w)
		}
	}
	if info, _ := a.Info(legacyDJ); info.State != model.StateDeleted {
		t.Errorf("deleted article is %s after a recheck", info.State)
	}
	// Again with the same newer extractor: unchanged.
	for _, k := range []model.Key{legacyMQ, legacyPic} {
		info, _ := a.Info(k)
		raw, _ := rawPages(t, a, k, 0)
		if res := recheck(t, a, raw, info.URL, nextExtractor{}); res.Outcome != model.OutcomeUnchanged {
			t.Errorf("%s rechecked twice by the newer extractor: %s, want unchanged", k, res.Outcome)
		}
	}
	// The page text of version 1 really differs from version 2: updated.
	info, _ := a.Info(legacyMQ)
	_, v1 := rawPages(t, a, legacyMQ, 1)
	if res := recheck(t, a, v1, info.URL, nextExtractor{}); res.Outcome != model.OutcomeUpdated || res.Version != 3 {
		t.Errorf("the first page again: %s v%d, want updated v3", res.Outcome, res.Version)
	}
	// The readable file shows the newest rendering; stored versions are
	// never rewritten.
	pic, _ := a.Info(legacyPic)
	readable, _ := os.ReadFile(filepath.Join(dir, pic.Path))
	if !bytes.Contains(readable, []byte("\nformat: picture")) || bytes.Contains(readable, []byte("\ntype:")) {
		t.Errorf("readable file not the newest rendering:\n%.600s", readable)
	}
	for k, mds := range stored {
		for n, md := range mds {
			if got, err := a.Version(k, n+1); err != nil || !bytes.Equal(got, md) {
				t.Errorf("%s version %d rewritten (%v)", k, n+1, err)
			}
		}
	}
	mustClean(t, a)
}
