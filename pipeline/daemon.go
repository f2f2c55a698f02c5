package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler runs jobs on cron specs; *cron.Cron is one.
type Scheduler interface {
	AddJob(spec string, job cron.Job) (cron.EntryID, error)
	Start()
	Stop() context.Context
}

var _ Scheduler = (*cron.Cron)(nil)

// Daemon runs passes on a cron schedule until its context is cancelled.
type Daemon struct {
	Pipeline   *Pipeline
	Spec       string               // standard 5-field cron expression or @descriptor
	Location   *time.Location       // nil: Asia/Shanghai (UTC+8)
	StartDelay time.Duration        // each pass waits a random time in [0, StartDelay)
	Out        io.Writer            // summary lines; nil: discard
	Format     func(Summary) string // a summary as a line of Out; nil: Summary.String
	Log        *slog.Logger         // nil: discard

	// Hooks for tests; nil: the real ones.
	NewScheduler func(loc *time.Location) Scheduler
	Rand         func(n int64) int64                              // in [0, n)
	Sleep        func(ctx context.Context, d time.Duration) error // returns ctx.Err() when cancelled
}

func (d *Daemon) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

// Run schedules passes and blocks until ctx is cancelled; it then waits for
// the pass in progress to finish its current article and returns nil.
func (d *Daemon) Run(ctx context.Context) error {
	loc := d.Location
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	newSched := d.NewScheduler
	if newSched == nil {
		newSched = func(loc *time.Location) Scheduler { return cron.New(cron.WithLocation(loc)) }
	}
	s := newSched(loc)
	if _, err := s.AddJob(d.Spec, d.Job(ctx)); err != nil {
		return fmt.Errorf("pipeline: schedule %q: %w", d.Spec, err)
	}
	s.Start()
	d.log().Info("daemon started", "cron", d.Spec, "timezone", loc.String(), "start_delay", d.StartDelay)
	<-ctx.Done()
	d.log().Info("stopping: waiting for the current pass to finish its article")
	<-s.Stop().Done()
	return nil
}

// Job is one scheduled pass: skipped while the previous one still runs,
// panics recovered and logged, a random start delay first.
func (d *Daemon) Job(ctx context.Context) cron.Job {
	return cron.NewChain(cron.SkipIfStillRunning(cronLogger{d.log()})).Then(cron.FuncJob(func() { d.pass(ctx) }))
}

func (d *Daemon) pass(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			d.log().Error("run panicked", "panic", fmt.Sprint(r))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	if d.StartDelay > 0 {
		rnd := d.Rand
		if rnd == nil {
			rnd = rand.Int64N
		}
		delay := time.Duration(rnd(int64(d.StartDelay)))
		d.log().Info("start delay", "delay", delay)
		sleep := d.Sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(ctx, delay); err != nil {
			return
		}
	}
	sum, err := d.Pipeline.RunOnce(ctx)
	var lerr *LockError
	if errors.As(err, &lerr) {
		d.log().Warn("archive is locked by another command: this pass is skipped, the next scheduled one retries", "err", lerr.Err)
		return
	}
	if err != nil {
		d.log().Error("run failed", "err", err)
		return
	}
	if d.Out != nil {
		line := sum.String()
		if d.Format != nil {
			line = d.Format(sum)
		}
		fmt.Fprintln(d.Out, line)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cronLogger sends robfig/cron's log lines to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Info("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
