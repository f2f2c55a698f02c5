package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/discover/weread"
	"wxarchive/fetcher"
	"wxarchive/ingest"
	"wxarchive/notify"
	"wxarchive/pipeline"
)

type runOptions struct {
	once, json bool
}

func newRunCmd(e *env) *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run",
		Short: "Run the scheduled pipeline of pipeline.yaml",
		Long: `Keep the archive current: discover articles from the sources of pipeline.yaml (URL
lists, link files, feeds, albums, followed accounts, linked posts), fetch new ones and recheck known ones, politely.

Without --once, runs as a daemon on the cron schedule of pipeline.yaml until SIGINT/SIGTERM.
With --once, runs one pass, prints its summary and exits 1 when the pass had failed or blocked
captures or a source could not be read (for cron and systemd timers).

After each pass the captures it made become change events ('wxarchive changes'), delivered to
the webhooks and exec hooks of the notify section of pipeline.yaml; the summary counts the
events of the pass and the deliveries made.`,
		Example: `  wxarchive run --once
  wxarchive run --config /etc/wxarchive/pipeline.yaml`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error {
			if err := e.requireConfig(); err != nil {
				return err
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			return e.runRun(cmd.Context(), o, cfg)
		}),
	}
	c.Flags().BoolVar(&o.once, "once", false, "run one pass and exit (for cron or a systemd timer)")
	c.Flags().BoolVar(&o.json, "json", false, "print each pass's summary as a JSON object (docs/json.md)")
	return c
}

// runRun builds the pipeline over the real archive, ingest service and
// fetcher, then runs one pass (--once) or the daemon.
func (e *env) runRun(ctx context.Context, o runOptions, cfg *config.Config) error {
	svc, err := e.newIngestService(cfg)
	if err != nil {
		return err
	}
	a := svc.Archive
	fc, err := ingest.NewFetcher(cfg.Fetch, a, e.log)
	if err != nil {
		return err
	}
	svc.Fetcher = fc
	if tp := newTermProgress(e.stderr, e.getenv("TERM")); tp != nil {
		svc.Progress = tp.update
		defer tp.stop()
	}
	n, err := notify.New(cfg.Notify, a, e.getenv, e.log)
	if err != nil {
		return configError(err)
	}
	// Delivery runs after the pass releases the archive lock; this lock
	// guards the outbox against another run for the instant it is written.
	n.Lock = notify.FileLock(filepath.Join(a.Dir(), "lock.outbox"))
	var accounts pipeline.AccountLister
	if len(cfg.Sources.Accounts) > 0 {
		// The login is read again before each pass's listings: a new
		// `login weread` is used without a restart.
		accounts = &pipeline.LiveLister{New: func() *weread.Client { return e.wereadClient(fc) }}
	}
	p := &pipeline.Pipeline{
		Config:   cfg,
		Store:    runStore{a},
		Ingester: runIngester{svc},
		Saved:    runIngester{svc},
		Pages:    fc,
		Accounts: accounts,
		Lock: func() (func(), error) {
			l, err := a.Lock()
			if err != nil {
				return nil, err
			}
			return func() {
				if err := l.Unlock(); err != nil {
					e.log.Error("unlock archive", "err", err)
				}
				e.updateSearch(ctx, a)
			}, nil
		},
		// A daemon sees the cool-downs and daily counts that ingest and
		// login recorded since the last pass.
		Reload: fc.Reload,
		CoolingDown: func(err error) bool {
			k := fetcher.KindOf(err)
			return k == fetcher.KindBlocked || k == fetcher.KindCoolingDown
		},
		Log:    e.log,
		Events: &notify.Hook{Store: a, Notifier: n},
	}
	if o.once {
		sum, err := p.RunOnce(ctx)
		if err != nil {
			return err
		}
		if err := e.printSummary(sum, o.json, a.Dir()); err != nil {
			return err
		}
		if !o.json {
			e.hintEmpty(a, cfg)
		}
		// For cron and systemd: a pass with failures exits 1, as ingest does.
		if sum.Failed > 0 || sum.Blocked > 0 || sum.SourceErrs > 0 || sum.EventErrs > 0 {
			return exitCode(exitFail)
		}
		return nil
	}
	d := &pipeline.Daemon{
		Pipeline:   p,
		Spec:       cfg.Schedule.Cron,
		Location:   cfg.Location(),
		StartDelay: time.Duration(cfg.Schedule.StartDelay),
		Out:        e.stdout,
		Log:        e.log,
	}
	if o.json {
		d.Format = func(s pipeline.Summary) string { return string(s.JSON()) }
	}
	return d.Run(ctx)
}

// hintEmpty says, on stderr, what to do when a pass leaves the archive
// empty: a first run over an empty inbox otherwise only prints zeros.
func (e *env) hintEmpty(a *archive.Archive, cfg *config.Config) {
	if infos, err := a.List(); err != nil || len(infos) > 0 {
		return
	}
	where := "pipeline.yaml"
	if p := cfg.Path(); p != "" {
		where = p
	}
	if len(cfg.Sources.Saved) > 0 {
		fmt.Fprintf(e.stderr, "nothing archived yet: save WeChat articles from your browser into %s (Save page as…, or SingleFile), or list links, feeds, albums or accounts in %s; then run again\n",
			strings.Join(cfg.Sources.Saved, ", "), where)
		return
	}
	fmt.Fprintf(e.stderr, "nothing archived yet: list links, feeds, albums or accounts in %s, or an inbox folder of saved pages under sources.saved; then run again\n", where)
}

// printSummary prints a pass's summary line, or its JSON, and where the
// articles it wrote are.
func (e *env) printSummary(sum pipeline.Summary, asJSON bool, dir string) error {
	if asJSON {
		_, err := fmt.Fprintf(e.stdout, "%s\n", sum.JSON())
		return err
	}
	if _, err := fmt.Fprintln(e.stdout, sum.String()); err != nil {
		return err
	}
	return printWritten(e.stdout, sum.Written, dir)
}

// runStore adapts the archive to pipeline.Store.
type runStore struct{ *archive.Archive }

var _ pipeline.Store = runStore{}

func (s runStore) Articles() ([]pipeline.Article, error) {
	infos, err := s.List()
	if err != nil {
		return nil, err
	}
	out := make([]pipeline.Article, len(infos))
	for i, in := range infos {
		out[i] = pipeline.Article{Key: in.Key, URL: in.URL, Biz: in.Biz, State: in.State,
			Published: in.Published, LastCapture: in.LastCapture, Related: in.Related, Aliases: in.Aliases, Account: in.Account}
	}
	return out, nil
}

// runIngester adapts the ingest service to pipeline.Ingester.
type runIngester struct{ svc *ingest.Service }

var _ pipeline.Ingester = runIngester{}

var _ pipeline.SavedIngester = runIngester{}

var _ pipeline.HintIngester = runIngester{}

func (r runIngester) Ingest(ctx context.Context, url string) pipeline.Result {
	return pipelineResult(r.svc.Ingest(ctx, url, ingest.Options{}))
}

// IngestHint records the listing's hint with the capture.
func (r runIngester) IngestHint(ctx context.Context, url string, hint *pipeline.Hint) pipeline.Result {
	return pipelineResult(r.svc.Ingest(ctx, url, ingest.Options{Hint: hint}))
}

// IngestFile ingests a saved page of the inbox (sources.saved).
func (r runIngester) IngestFile(ctx context.Context, path string) pipeline.Result {
	return pipelineResult(r.svc.Ingest(ctx, path, ingest.Options{}))
}

func pipelineResult(res ingest.Result) pipeline.Result {
	return pipeline.Result{Key: res.Key, Outcome: res.Outcome, Biz: res.Biz, Related: res.Related,
		CoolingDown: res.CoolingDown, Err: res.Err, NotPage: res.NotPage, Path: res.Path,
		Images: res.Images, ImagesMissing: res.ImagesMissing, Unnamed: errors.Is(res.Err, archive.ErrNoIdentity)}
}
