package archive

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"wxarchive/model"
)

// countingRenderer counts the pages it renders, from any goroutine.
type countingRenderer struct {
	testRenderer
	n *atomic.Int64
}

func (r countingRenderer) Render(raw []byte, src Origin) ([]byte, error) {
	r.n.Add(1)
	return r.testRenderer.Render(raw, src)
}

// reextractArchive fills an archive with articles of every shape reextract
// meets: versions that render anew, an unchanged one, a page no extractor
// read (derived), one that still fails, a deleted article.
func reextractArchive(t *testing.T) (*Archive, []model.Key) {
	t.Helper()
	a, _ := openTest(t)
	v1 := testRenderer{v: 1}
	var keys []model.Key
	for i := range 12 {
		id := testID
		id.Mid = fmt.Sprint(1000 + i)
		keys = append(keys, id.Key())
		at := t0.Add(time.Duration(i) * time.Minute)
		var in Input
		switch i % 4 {
		case 0, 1: // two versions
			if _, err := a.Record(pageInput(id, "标题", "正文", v1, at)); err != nil {
				t.Fatal(err)
			}
			in = pageInput(id, "标题", fmt.Sprint("正文改了", i), v1, at.Add(time.Hour))
		case 2: // the extractor failed on its page
			in = Input{Capture: model.Capture{Target: id.URL(), SourceURL: id.URL(), FetchedAt: at,
				Raw: []byte(fmt.Sprint("<html>救回来", i, "|正文</html>"))}, Link: id.URL(), Err: errors.New("extractor: no body")}
		case 3: // a page that is no article, then deleted
			in = Input{Capture: model.Capture{Target: id.URL(), SourceURL: id.URL(), FetchedAt: at,
				Raw: []byte("<html>no article</html>")}, Link: id.URL(), Err: errors.New("extractor: no body")}
		}
		if _, err := a.Record(in); err != nil {
			t.Fatal(err)
		}
	}
	return a, append(keys, keys[0]) // a key named twice
}

// TestReextractManyMatchesOneByOne: the parallel run gives, article by
// article and in order, what Reextract one at a time gives, leaves the same
// archive, and renders each page once.
func TestReextractManyMatchesOneByOne(t *testing.T) {
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprint("dry=", dry), func(t *testing.T) {
			seqA, keys := reextractArchive(t)
			parA, _ := reextractArchive(t)
			var seqN, parN atomic.Int64
			v2 := testRenderer{v: 2, suffix: " (new)"}
			var want []ReextractResult
			for _, k := range keys {
				res, err := seqA.Reextract(k, countingRenderer{v2, &seqN}, dry)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, res)
			}
			var got []ReextractResult
			err := parA.ReextractMany(context.Background(), keys, countingRenderer{v2, &parN}, dry, 4, func(i int, res ReextractResult, err error) error {
				if err != nil {
					return err
				}
				if i != len(got) {
					return fmt.Errorf("result %d out of order", i)
				}
				got = append(got, res)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ReextractMany:\n%+v\nReextract one by one:\n%+v", got, want)
			}
			for _, k := range keys {
				iw, _ := seqA.Info(k)
				ig, _ := parA.Info(k)
				vw, _ := seqA.Versions(k)
				vg, _ := parA.Versions(k)
				if !reflect.DeepEqual(iw, ig) || len(vw) != len(vg) {
					t.Errorf("%s: archives differ: %+v %+v / %d %d versions", k, iw, ig, len(vw), len(vg))
				}
				for i := range vw {
					if len(vw[i].Renderings) != len(vg[i].Renderings) || vw[i].SHA != vg[i].SHA {
						t.Errorf("%s version %d differs", k, i+1)
					}
				}
			}
			// A page is rendered once per article visit however many times
			// the run looks at it: the real pass reads the workers' memo.
			// (The key named twice is visited twice in both runs.)
			if parN.Load() != seqN.Load() {
				t.Errorf("pages rendered: %d in parallel, %d one by one", parN.Load(), seqN.Load())
			}
		})
	}
}

// TestReextractManyStops: an error from emit stops the run, and a
// cancelled context stops it before the next article.
func TestReextractManyStops(t *testing.T) {
	a, keys := reextractArchive(t)
	stop := errors.New("stop")
	seen := 0
	err := a.ReextractMany(context.Background(), keys, testRenderer{v: 2}, true, 3, func(i int, _ ReextractResult, _ error) error {
		seen++
		if i == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 3 {
		t.Errorf("err %v after %d results, want stop after 3", err, seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.ReextractMany(ctx, keys, testRenderer{v: 2}, true, 3, func(int, ReextractResult, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
