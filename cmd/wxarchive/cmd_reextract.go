package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

func newReextractCmd(e *env) *cobra.Command {
	var dry, asJSON bool
	c := &cobra.Command{
		Use:   "reextract [ARTICLE...]",
		Short: "Re-run extraction over stored raw snapshots",
		Long: `Re-run the current extractor over the raw page stored for each article (all articles
when none is named), so improvements to extraction reach what is already archived.`,
		ValidArgsFunction: e.completeArticles,
		RunE: action(func(cmd *cobra.Command, args []string) error {
			return e.runReextract(cmd.Context(), args, dry, asJSON)
		}),
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "only say what would change")
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per article (docs/json.md)")
	return c
}

func (e *env) runReextract(ctx context.Context, names []string, dry, asJSON bool) error {
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	if !dry {
		l, err := a.Lock()
		if err != nil {
			return err
		}
		defer l.Unlock()
	}
	targets := map[model.Key]string{}
	var keys []model.Key
	for _, n := range names {
		k, err := a.Resolve(n)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		targets[k] = n
	}
	if len(names) == 0 {
		list, err := a.List()
		if err != nil {
			return err
		}
		for _, i := range list {
			keys = append(keys, i.Key)
		}
	}
	out := newJSONLines(e.stdout)
	failed := 0
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := reextractOne(a, k, dry)
		r.Target = targets[k]
		if r.Target == "" {
			r.Target = string(k)
		}
		if r.Error != "" {
			failed++
		}
		if asJSON {
			if err := out.write(r); err != nil {
				return err
			}
			continue
		}
		printResult(e, r)
	}
	if failed > 0 {
		return exitCode(exitFail)
	}
	return nil
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
func reextractOne(a *archive.Archive, k model.Key, dry bool) resultJSON {
	r := resultJSON{Key: k, DryRun: dry}
	fail := func(err error) resultJSON {
		r.Outcome, r.Error = model.OutcomeFailed, err.Error()
		return r
	}
	caps, err := a.Captures(k)
	if err != nil {
		return fail(err)
	}
	c := lastRaw(caps)
	if c == nil {
		r.Note = "skipped: no raw page stored"
		return r
	}
	raw, err := a.Raw(c.RawSHA)
	if err != nil {
		return fail(err)
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
		r.Note = predict(a, k, in)
		return r
	}
	res, err := a.Record(in)
	if err != nil {
		return fail(err)
	}
	r.Key, r.Outcome, r.Version, r.Path, r.Title = res.Key, res.Outcome, res.Version, res.Path, res.Title
	return r
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
