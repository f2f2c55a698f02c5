package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/extractor"
	"wxarchive/ingest"
	"wxarchive/model"
)

type ingestOptions struct {
	archive, config, url string
	json, noImages       bool
}

func cmdIngest(ctx context.Context, e *env, args []string) int {
	var o ingestOptions
	fs := newFlags(e, "ingest", "URL|FILE|-...")
	fs.StringVar(&o.archive, "archive", "", "archive `dir` (default: archive.dir of pipeline.yaml, else ./archive)")
	fs.StringVar(&o.config, "config", "", "configuration `file` (default ./pipeline.yaml when present)")
	fs.StringVar(&o.url, "url", "", "the article's `URL`, for a saved page that does not carry its identity")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per target")
	fs.BoolVar(&o.noImages, "no-images", false, "do not download body images")
	targets, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "ingest", err)
	}
	if len(targets) == 0 {
		fs.Usage()
		return exitUsage
	}
	if o.url != "" && len(targets) > 1 {
		return usageErr(e, "ingest", errors.New("--url names one article: give one target with it"))
	}
	code, err := runIngest(ctx, e, o, targets)
	if err != nil {
		fmt.Fprintf(e.stderr, "wxarchive ingest: %v\n", err)
	}
	return code
}

// newIngestService opens the archive that the flag or the configuration
// names and builds the capture service over it, without a fetcher.
func newIngestService(e *env, cfg *config.Config, archiveFlag string) (*ingest.Service, int, error) {
	rules, err := extractor.RulesFromConfig(extractor.DefaultRules(), cfg.Strip)
	if err != nil {
		return nil, exitUsage, err
	}
	a, err := archive.Open(archiveDir(archiveFlag, cfg))
	if err != nil {
		return nil, exitFail, err
	}
	a.SetLogger(e.log)
	return &ingest.Service{Archive: a, Images: cfg.ImagesEnabled(), Rules: rules, Stdin: e.stdin, Log: e.log}, exitOK, nil
}

// ingestLine is one line of `ingest --json`.
type ingestLine struct {
	Target  string        `json:"target"`
	Key     model.Key     `json:"key,omitempty"`
	Outcome model.Outcome `json:"outcome"`
	Version int           `json:"version,omitempty"`
	Path    string        `json:"path,omitempty"`
	Title   string        `json:"title,omitempty"`
	Error   string        `json:"error,omitempty"`
}

func runIngest(ctx context.Context, e *env, o ingestOptions, targets []string) (int, error) {
	cfg, err := loadConfig(o.config)
	if err != nil {
		return exitUsage, err
	}
	svc, code, err := newIngestService(e, cfg, o.archive)
	if err != nil {
		return code, err
	}
	a := svc.Archive
	lock, err := a.Lock()
	if err != nil {
		return exitFail, err
	}
	defer lock.Unlock()
	svc.Images = svc.Images && !o.noImages
	urls := 0
	for _, t := range targets {
		if ingest.IsURL(t) {
			urls++
		}
	}
	if urls > 0 || svc.Images {
		if svc.Fetcher, err = ingest.NewFetcher(cfg.Fetch, a, e.log); err != nil {
			return exitFail, err
		}
	}
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && urls > 1 && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions(len(targets), progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("ingest"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}

	counts := map[model.Outcome]int{}
	bad := 0
	enc := json.NewEncoder(e.stdout)
	for i, t := range targets {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "wxarchive ingest: interrupted; %d of %d targets not attempted\n", len(targets)-i, len(targets))
			bad++
			break
		}
		r := svc.Ingest(ctx, t, ingest.Options{URL: o.url})
		counts[r.Outcome]++
		if r.Outcome == model.OutcomeFailed || r.Outcome == model.OutcomeBlocked {
			bad++
		}
		if bar != nil {
			_ = bar.Add(1)
		}
		line := ingestLine{Target: t, Key: r.Key, Outcome: r.Outcome, Version: r.Version, Path: r.Path, Title: r.Title}
		if r.Err != nil {
			line.Error = r.Err.Error()
		}
		if o.json {
			if err := enc.Encode(line); err != nil {
				return exitFail, err
			}
			continue
		}
		printIngestLine(e, line)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if len(targets) > 1 {
		fmt.Fprintf(e.stderr, "ingested %d targets: %s\n", len(targets), summarize(counts))
	}
	if u, ok := svc.CoolingDownUntil(); ok {
		fmt.Fprintf(e.stderr, "mp.weixin.qq.com is cooling down after a verification page until %s\n", u.Format("2006-01-02 15:04:05 MST"))
	}
	if bad > 0 {
		return exitFail, nil
	}
	return exitOK, nil
}

func printIngestLine(e *env, l ingestLine) {
	switch {
	case l.Key == "" && l.Error != "":
		fmt.Fprintf(e.stdout, "%-11s %s\n", l.Outcome, l.Target)
	case l.Version > 0:
		fmt.Fprintf(e.stdout, "%-11s %s v%d %s\n", l.Outcome, l.Key, l.Version, l.Path)
	default:
		fmt.Fprintf(e.stdout, "%-11s %s\n", l.Outcome, l.Key)
	}
	if l.Error != "" {
		fmt.Fprintf(e.stderr, "wxarchive ingest: %s: %s\n", l.Target, l.Error)
	}
}

func summarize(counts map[model.Outcome]int) string {
	order := []model.Outcome{model.OutcomeCreated, model.OutcomeUpdated, model.OutcomeUnchanged,
		model.OutcomeDeleted, model.OutcomeViolation, model.OutcomeUnavailable, model.OutcomeExpired,
		model.OutcomeBlocked, model.OutcomeFailed}
	s := ""
	for _, o := range order {
		if n := counts[o]; n > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%d %s", n, o)
		}
	}
	return s
}
