package main

import (
	"context"
	"fmt"
	"time"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/fetcher"
	"wxarchive/ingest"
	"wxarchive/pipeline"
)

type runOptions struct {
	config, archive string
	once            bool
}

func cmdRun(ctx context.Context, e *env, args []string) int {
	var o runOptions
	fs := newFlags(e, "run", "")
	fs.StringVar(&o.config, "config", "", "configuration `file` (default ./pipeline.yaml when present)")
	fs.StringVar(&o.archive, "archive", "", "archive `dir` (default: archive.dir of the configuration)")
	fs.BoolVar(&o.once, "once", false, "run one pass and exit (for cron or a systemd timer); default: run on the schedule")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "run", err)
	}
	if len(rest) > 0 {
		return usageErr(e, "run", fmt.Errorf("unexpected arguments %q", rest))
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintf(e.stderr, "wxarchive run: %v\n", err)
		return exitUsage
	}
	code, err := runRun(ctx, e, o, cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "wxarchive run: %v\n", err)
	}
	return code
}

// runRun builds the pipeline over the real archive, ingest service and
// fetcher, then runs one pass (--once) or the daemon.
func runRun(ctx context.Context, e *env, o runOptions, cfg *config.Config) (int, error) {
	svc, code, err := newIngestService(e, cfg, o.archive)
	if err != nil {
		return code, err
	}
	a := svc.Archive
	fc, err := ingest.NewFetcher(cfg.Fetch, a, e.log)
	if err != nil {
		return exitFail, err
	}
	svc.Fetcher = fc
	p := &pipeline.Pipeline{
		Config:   cfg,
		Store:    runStore{a},
		Ingester: runIngester{svc},
		Pages:    fc,
		Lock: func() (func(), error) {
			l, err := a.Lock()
			if err != nil {
				return nil, err
			}
			return func() {
				if err := l.Unlock(); err != nil {
					e.log.Error("unlock archive", "err", err)
				}
			}, nil
		},
		CoolingDown: func(err error) bool {
			k := fetcher.KindOf(err)
			return k == fetcher.KindBlocked || k == fetcher.KindCoolingDown
		},
		Log: e.log,
	}
	if o.once {
		sum, err := p.RunOnce(ctx)
		if err != nil {
			return exitFail, err
		}
		fmt.Fprintln(e.stdout, sum.String())
		// For cron and systemd: a pass with failures exits 1, as ingest does.
		if sum.Failed > 0 || sum.Blocked > 0 || sum.SourceErrs > 0 {
			return exitFail, nil
		}
		return exitOK, nil
	}
	d := &pipeline.Daemon{
		Pipeline:   p,
		Spec:       cfg.Schedule.Cron,
		Location:   cfg.Location(),
		StartDelay: time.Duration(cfg.Schedule.StartDelay),
		Out:        e.stdout,
		Log:        e.log,
	}
	if err := d.Run(ctx); err != nil {
		return exitFail, err
	}
	return exitOK, nil
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
			Published: in.Published, LastCapture: in.LastCapture, Related: in.Related, Aliases: in.Aliases}
	}
	return out, nil
}

// runIngester adapts the ingest service to pipeline.Ingester.
type runIngester struct{ svc *ingest.Service }

var _ pipeline.Ingester = runIngester{}

func (r runIngester) Ingest(ctx context.Context, url string) pipeline.Result {
	res := r.svc.Ingest(ctx, url, ingest.Options{})
	return pipeline.Result{Key: res.Key, Outcome: res.Outcome, Biz: res.Biz, Related: res.Related,
		CoolingDown: res.CoolingDown, Err: res.Err}
}
