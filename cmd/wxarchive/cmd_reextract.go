package main

import (
	"context"

	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/ingest"
	"wxarchive/internal/parallel"
	"wxarchive/model"
)

func newReextractCmd(e *env) *cobra.Command {
	var dry, asJSON bool
	c := &cobra.Command{
		Use:   "reextract [ARTICLE...]",
		Short: "Re-run extraction over stored raw snapshots",
		Long: `Re-run the current extractor over the raw pages stored for each article (all articles
when none is named), so improvements to extraction reach what is already archived. A page that
renders differently is a re-rendering of its version (outcome rerendered), never an edit; an
article whose pages no extractor could read before gets a version derived from its newest raw
page (outcome created, dated by that capture). Reextract never adds a capture and never changes an
article's state, last capture or recheck schedule.`,
		Example: `  wxarchive reextract --dry-run
  wxarchive reextract MzA3MDM3NjE5NQ_2650000001_1 --json`,
		ValidArgsFunction: e.completeArticles(0),
		RunE: action(func(cmd *cobra.Command, args []string) error {
			return e.runReextract(cmd.Context(), args, dry, asJSON)
		}),
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "only say what would change")
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per article (docs/json.md)")
	return c
}

func (e *env) runReextract(ctx context.Context, names []string, dry, asJSON bool) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	rules, err := extractor.RulesFromConfig(extractor.DefaultRules(), cfg.Strip)
	if err != nil {
		return configError(err)
	}
	renderer := ingest.Renderer{Rules: rules}
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
	// Pages are extracted on every core, ahead of the archive writes, which
	// stay one at a time and in the order of the articles.
	err = a.ReextractMany(ctx, keys, renderer, dry, parallel.Workers(), func(i int, res archive.ReextractResult, err error) error {
		k := keys[i]
		r := reextractResult(k, res, err, dry)
		r.Target = targets[k]
		if r.Target == "" {
			r.Target = string(k)
		}
		if r.Error != "" {
			failed++
		}
		if asJSON {
			return out.write(r)
		}
		printResult(e, r)
		return nil
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return exitCode(exitFail)
	}
	return nil
}

// reextractResult says what archive.Reextract did to one article: a
// rendering for each version whose page renders differently, or a version
// derived from a page no extractor could read before; never a capture, never
// a change of state or schedule.
func reextractResult(k model.Key, res archive.ReextractResult, err error, dry bool) resultJSON {
	out := resultJSON{Key: k, DryRun: dry}
	if err != nil {
		out.Outcome, out.Error = model.OutcomeFailed, err.Error()
		return out
	}
	out.Version, out.Path, out.Note = res.Version, res.Path, res.Detail
	switch {
	case dry && res.Outcome != "unchanged" && res.Outcome != "skipped":
		out.Note = "would be " + res.Outcome + ": " + res.Detail
	case dry:
		out.Note = res.Outcome
		if res.Detail != "" {
			out.Note += ": " + res.Detail
		}
	case res.Outcome == "rerendered":
		out.Outcome = model.OutcomeRerendered
	case res.Outcome == "derived":
		out.Outcome = model.OutcomeCreated
	case res.Outcome == "unchanged":
		out.Outcome = model.OutcomeUnchanged
	default:
		out.Note = "skipped: " + res.Detail
	}
	return out
}
