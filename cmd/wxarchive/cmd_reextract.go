package main

import (
	"context"
	"fmt"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

func cmdReextract(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "reextract", "[KEY|URL...]")
	af.register(fs)
	dry := fs.Bool("dry-run", false, "only list what would change")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "reextract", err)
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "reextract", err)
	}
	if !*dry {
		l, err := a.Lock()
		if err != nil {
			return fail(e, "reextract", err)
		}
		defer l.Unlock()
	}
	var keys []model.Key
	for _, p := range pos {
		k, err := a.Resolve(p)
		if err != nil {
			return fail(e, "reextract", err)
		}
		keys = append(keys, k)
	}
	if len(pos) == 0 {
		list, err := a.List()
		if err != nil {
			return fail(e, "reextract", err)
		}
		for _, i := range list {
			keys = append(keys, i.Key)
		}
	}
	code := exitOK
	for _, k := range keys {
		if ctx.Err() != nil {
			return fail(e, "reextract", ctx.Err())
		}
		line, err := reextractOne(a, k, *dry)
		if err != nil {
			fmt.Fprintf(e.stderr, "wxarchive reextract: %s: %v\n", k, err)
			code = exitFail
			continue
		}
		if line != "" {
			fmt.Fprintln(e.stdout, line)
		}
	}
	return code
}

// lastRaw is the newest capture of an article that kept a raw page,
// preferring one that was a readable article.
func lastRaw(caps []archive.CaptureRecord) *archive.CaptureRecord {
	var other *archive.CaptureRecord
	for i := len(caps) - 1; i >= 0; i-- {
		c := &caps[i]
		if c.RawSHA == "" {
			continue
		}
		if c.State == model.StateArticle {
			return c
		}
		if other == nil {
			other = c
		}
	}
	return other
}

// reextractOne re-runs the extractor over an article's stored raw page and
// records the result as a new capture (or, dry, says what would happen).
func reextractOne(a *archive.Archive, k model.Key, dry bool) (string, error) {
	caps, err := a.Captures(k)
	if err != nil {
		return "", err
	}
	c := lastRaw(caps)
	if c == nil {
		return fmt.Sprintf("%s\tskipped\tno raw page stored", k), nil
	}
	raw, err := a.Raw(c.RawSHA)
	if err != nil {
		return "", err
	}
	src := c.SourceURL
	if src == "" {
		src = c.Link
	}
	in := archive.Input{
		Capture: model.Capture{Target: "raw:" + c.RawSHA, SourceURL: src, FinalURL: c.FinalURL,
			HTTPStatus: c.HTTPStatus, FetchedAt: time.Now(), Raw: raw},
		Link: src,
	}
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: src})
	if err != nil {
		in.Err = err
	} else {
		in.Doc = doc
		if doc.State == model.StateArticle && doc.Article != nil {
			in.Markdown = extractor.Render(doc.Article)
			in.Stripped = doc.Article.Stripped
		}
	}
	if dry {
		return fmt.Sprintf("%s\t%s", k, predict(a, k, in)), nil
	}
	res, err := a.Record(in)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s\t%s\tv%d\t%s", res.Key, res.Outcome, res.Version, res.Path), nil
}

// predict says what Record would do with in, without writing.
func predict(a *archive.Archive, k model.Key, in archive.Input) string {
	switch {
	case in.Err != nil:
		return "would fail: " + in.Err.Error()
	case in.Doc.State != model.StateArticle:
		return "would record " + string(model.OutcomeOf(in.Doc.State)) + " (no new version)"
	case len(in.Markdown) == 0:
		return "would fail: article without Markdown"
	}
	vers, err := a.Versions(k)
	if err != nil {
		return "would fail: " + err.Error()
	}
	if n := len(vers); n > 0 && vers[n-1].SHA == archive.ContentHash(in.Markdown) {
		return "unchanged"
	}
	return fmt.Sprintf("would create version %d", len(vers)+1)
}
