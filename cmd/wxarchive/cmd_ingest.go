package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/extractor"
	"wxarchive/ingest"
	"wxarchive/internal/parallel"
	"wxarchive/model"
)

type ingestOptions struct {
	url, captured  string
	json, noImages bool
}

func newIngestCmd(e *env) *cobra.Command {
	var o ingestOptions
	c := &cobra.Command{
		Use:   "ingest URL|FILE|- ...",
		Short: "Fetch or read pages and archive them",
		Long: `Archive articles: fetch each URL from mp.weixin.qq.com (politely), or read a page saved
from a browser (FILE, or - for stdin), extract it and record the capture. A deleted notice or a
verification page is recorded as a capture and never replaces the Markdown you have.

Exit status: 0 when every target was captured (a deleted or unavailable page counts as
captured), 1 when any failed or was blocked, 2 on bad usage or configuration.`,
		Example: `  wxarchive ingest 'https://mp.weixin.qq.com/s/XXXXXXXX'
  wxarchive ingest saved-page.html --url 'https://mp.weixin.qq.com/s/XXXXXXXX'
  wxarchive ingest --json links1 links2 < /dev/null`,
		RunE: action(func(cmd *cobra.Command, targets []string) error {
			if len(targets) == 0 {
				return usageErrorf("give at least one URL, FILE or -")
			}
			if o.url != "" && len(targets) > 1 {
				return usageErrorf("--url names one article: give one target with it")
			}
			return e.runIngest(cmd.Context(), o, targets)
		}),
	}
	f := c.Flags()
	f.StringVar(&o.url, "url", "", "the article's `URL`, for a saved page that does not carry its identity")
	f.StringVar(&o.captured, "captured", "", "when a saved page was captured: a `TIME` (2024-03-05T10:00:00+08:00, or \"2024-03-05 10:00\" in local time) or file-time (the file's modification time); default: its SingleFile saved date, else unknown (its content is kept, the article's state is left alone)")
	_ = c.RegisterFlagCompletionFunc("captured", fixedCompletion([]string{"file-time"}))
	f.BoolVar(&o.json, "json", false, "one JSON object per target (docs/json.md)")
	f.BoolVar(&o.noImages, "no-images", false, "do not download body images")
	return c
}

// newIngestService opens the archive that the flag or the configuration
// names and builds the capture service over it, without a fetcher.
func (e *env) newIngestService(cfg *config.Config) (*ingest.Service, error) {
	rules, err := extractor.RulesFromConfig(extractor.DefaultRules(), cfg.Strip)
	if err != nil {
		return nil, configError(err)
	}
	a, err := archive.Open(e.archiveDir(cfg))
	if err != nil {
		return nil, err
	}
	a.SetLogger(e.log)
	svc := &ingest.Service{Archive: a, Images: cfg.ImagesEnabled(), Rules: rules, Stdin: e.stdin, Log: e.log}
	if !svc.Images {
		svc.ImagesOff = "archive.images is false in the configuration"
	}
	return svc, nil
}

func (e *env) runIngest(ctx context.Context, o ingestOptions, targets []string) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	svc, err := e.newIngestService(cfg)
	if err != nil {
		return err
	}
	a := svc.Archive
	lock, err := a.Lock()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if o.noImages && svc.Images {
		svc.Images, svc.ImagesOff = false, "--no-images"
	}
	urls := 0
	for _, t := range targets {
		if ingest.IsURL(t) {
			urls++
		}
	}
	if urls > 0 || svc.Images {
		if svc.Fetcher, err = ingest.NewFetcher(cfg.Fetch, a, e.log); err != nil {
			return err
		}
	}
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && urls > 1 && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions(len(targets), progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("ingest"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	} else if p := newTermProgress(e.stderr, e.getenv("TERM")); p != nil {
		svc.Progress = p.update
		defer p.stop()
	}

	counts := map[model.Outcome]int{}
	bad := 0
	out := newJSONLines(e.stdout)
	opt := ingest.Options{URL: o.url, Captured: o.captured}
	// Saved pages are read and extracted ahead on every core; the captures
	// are recorded one at a time, in the order of the targets.
	attempted := 0
	errInterrupted := errors.New("interrupted")
	err = parallel.OrderedMap(ctx, len(targets), parallel.Workers(), func(i int) *ingest.Preextracted {
		return svc.Preextract(targets[i], opt)
	}, func(i int, pre *ingest.Preextracted) error {
		if ctx.Err() != nil {
			return errInterrupted
		}
		attempted++
		t := targets[i]
		one := opt
		one.Pre = pre
		r := svc.Ingest(ctx, t, one)
		counts[r.Outcome]++
		if r.Outcome == model.OutcomeFailed || r.Outcome == model.OutcomeBlocked {
			bad++
		}
		if bar != nil {
			_ = bar.Add(1)
		}
		line := resultJSON{Target: t, Key: r.Key, Outcome: r.Outcome, Version: r.Version, Path: r.Path, Title: r.Title,
			Note: strings.Join(r.Notes, "; "), Warnings: r.Warnings}
		if r.Err != nil {
			line.Error = r.Err.Error()
		}
		if o.json {
			return out.write(line)
		}
		printResult(e, line)
		return nil
	})
	switch {
	case errors.Is(err, errInterrupted) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		if attempted == len(targets) {
			break // stopped after the last one: nothing left out
		}
		fmt.Fprintf(e.stderr, "wxarchive ingest: interrupted; %s of %d not attempted\n", plural(len(targets)-attempted, "target"), len(targets))
		bad++
	case err != nil:
		return err
	}
	if bar != nil {
		_ = bar.Finish()
	}
	e.updateSearch(ctx, a)
	if len(targets) > 1 {
		fmt.Fprintf(e.stderr, "ingested %s: %s\n", plural(len(targets), "target"), summarize(counts))
	}
	if u, ok := svc.CoolingDownUntil(); ok {
		fmt.Fprintf(e.stderr, "mp.weixin.qq.com is cooling down after a verification page until %s\n", showTime(u))
	}
	if bad > 0 {
		return exitCode(exitFail)
	}
	return nil
}

// printResult prints what one capture did, naming the target as the user
// typed it: "created  KEY v1 PATH  (TARGET)".
func printResult(e *env, r resultJSON) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-11s", r.Outcome)
	if r.Outcome == "" {
		fmt.Fprintf(&b, "%-11s", "-")
	}
	if r.Key != "" {
		b.WriteString(" " + string(r.Key))
	}
	if r.Version > 0 {
		fmt.Fprintf(&b, " v%d", r.Version)
	}
	if r.Path != "" {
		b.WriteString(" " + r.Path)
	}
	if r.Note != "" {
		b.WriteString("  " + r.Note)
	}
	if r.Target != "" && r.Target != string(r.Key) {
		b.WriteString("  (" + oneLine(r.Target) + ")")
	}
	fmt.Fprintln(e.stdout, b.String())
	for _, w := range r.Warnings {
		fmt.Fprintf(e.stderr, "wxarchive: %s: warning: %s\n", oneLine(r.Target), w)
	}
	if r.Error != "" {
		fmt.Fprintf(e.stderr, "wxarchive: %s: %s\n", oneLine(r.Target), r.Error)
	}
}

func summarize(counts map[model.Outcome]int) string {
	order := []model.Outcome{model.OutcomeCreated, model.OutcomeUpdated, model.OutcomeUnchanged, model.OutcomeRerendered, model.OutcomeEarlier,
		model.OutcomeDeleted, model.OutcomeViolation, model.OutcomeUnavailable, model.OutcomeExpired,
		model.OutcomeBlocked, model.OutcomeFailed}
	var parts []string
	for _, o := range order {
		if n := counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	return strings.Join(parts, ", ")
}
