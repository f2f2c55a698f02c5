package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"wxarchive/model"
)

// fakeScheduler records the job instead of running it on a clock.
type fakeScheduler struct {
	spec    string
	loc     *time.Location
	job     cron.Job
	started chan struct{}
	stopped bool
}

func (f *fakeScheduler) AddJob(spec string, j cron.Job) (cron.EntryID, error) {
	if _, err := cron.ParseStandard(spec); err != nil {
		return 0, err
	}
	f.spec, f.job = spec, j
	return 1, nil
}
func (f *fakeScheduler) Start() { close(f.started) }
func (f *fakeScheduler) Stop() context.Context {
	f.stopped = true
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// blockingIngester blocks each capture until released.
type blockingIngester struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blockingIngester) Ingest(ctx context.Context, u string) Result {
	b.entered <- struct{}{}
	<-b.release
	return Result{Outcome: model.OutcomeUnchanged}
}

func TestDaemonSchedulesAndStops(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\n"))
	var out bytes.Buffer
	fs := &fakeScheduler{started: make(chan struct{})}
	var slept []time.Duration
	d := &Daemon{Pipeline: e.p, Spec: "30 3 * * *", Location: time.UTC, StartDelay: 10 * time.Minute, Out: &out,
		NewScheduler: func(loc *time.Location) Scheduler { fs.loc = loc; return fs },
		Rand:         func(n int64) int64 { return n / 2 },
		Sleep:        func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	<-fs.started
	if fs.spec != "30 3 * * *" || fs.loc != time.UTC {
		t.Fatalf("scheduled %q in %v", fs.spec, fs.loc)
	}
	fs.job.Run() // the scheduler fires
	if len(slept) != 1 || slept[0] != 5*time.Minute {
		t.Errorf("start delay %v, want [5m]", slept)
	}
	if !strings.HasPrefix(out.String(), "run: discovered=1 fetched=1 created=1") {
		t.Errorf("summary %q", out.String())
	}
	cancel()
	if err := <-done; err != nil || !fs.stopped {
		t.Fatalf("Run = %v, stopped=%v", err, fs.stopped)
	}
	// After the stop a late firing does nothing.
	fs.job.Run()
	if strings.Count(out.String(), "\n") != 1 {
		t.Errorf("ran after stop: %q", out.String())
	}
}

func TestDaemonJobSkipsOverlapAndRecovers(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\n"))
	bi := &blockingIngester{entered: make(chan struct{}), release: make(chan struct{})}
	e.p.Ingester = bi
	d := &Daemon{Pipeline: e.p, Spec: "@hourly"}
	job := d.Job(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); job.Run() }()
	<-bi.entered
	job.Run() // overlaps the running pass: skipped at once (else it would block on entered)
	close(bi.release)
	wg.Wait()

	// A panic inside a pass is recovered; the next pass still runs.
	e.p.Ingester = panicIngester{}
	job.Run()
	e.p.Ingester = e.ing
	job.Run()
	if len(e.ing.calls) != 1 {
		t.Errorf("pass after panic: calls %q", e.ing.calls)
	}
}

type panicIngester struct{}

func (panicIngester) Ingest(context.Context, string) Result { panic("boom") }

func TestDaemonBadSpec(t *testing.T) {
	d := &Daemon{Pipeline: &Pipeline{}, Spec: "61 * * * *"}
	if err := d.Run(context.Background()); err == nil {
		t.Fatal("bad spec accepted")
	}
}

func TestCronLocation(t *testing.T) {
	// The real scheduler honours the configured zone: 03:30 Shanghai is 19:30 UTC.
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	c := cron.New(cron.WithLocation(loc))
	if _, err := c.AddJob("30 3 * * *", cron.FuncJob(func() {})); err != nil {
		t.Fatal(err)
	}
	sched, _ := cron.ParseStandard("30 3 * * *")
	next := sched.Next(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).In(loc))
	if got := next.UTC(); !got.Equal(time.Date(2026, 1, 1, 19, 30, 0, 0, time.UTC)) {
		t.Errorf("next = %v", got)
	}
}

func TestDaemonSkipsPassWhileLocked(t *testing.T) {
	e := newEnv(t, loadCfg(t, t.TempDir(), "sources: {urls: [\""+art(bizA, 1)+"\"]}\n"))
	held := true
	e.p.Lock = func() (func(), error) {
		if held {
			return nil, errors.New("archive: locked by ingest (pid 42)")
		}
		return func() {}, nil
	}
	var logs bytes.Buffer
	var out strings.Builder
	d := &Daemon{Pipeline: e.p, Spec: "@hourly", Out: &out, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	job := d.Job(context.Background())
	job.Run()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "skipped, the next scheduled one retries") ||
		!strings.Contains(logs.String(), "pid 42") || len(e.ing.calls) != 0 || out.Len() != 0 {
		t.Errorf("locked pass: calls %q, out %q, log:\n%s", e.ing.calls, out.String(), logs.String())
	}
	held = false
	job.Run()
	if len(e.ing.calls) != 1 {
		t.Errorf("next pass: calls %q", e.ing.calls)
	}
	var lerr *LockError
	held = true
	if _, err := e.p.RunOnce(context.Background()); !errors.As(err, &lerr) || !strings.HasPrefix(err.Error(), "pipeline: lock archive: archive: locked") {
		t.Errorf("RunOnce while locked: %v", err)
	}
}
