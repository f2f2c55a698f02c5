package fetcher_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"wxarchive/fetcher"
)

// blockingClock sleeps for real only as far as a context allows: a sleep
// of any length lasts until ctx is done. It reports each sleep started.
type blockingClock struct{ sleeping chan time.Duration }

func (blockingClock) Now() time.Time { return t0 }

func (c blockingClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.sleeping <- d
	<-ctx.Done()
	return ctx.Err()
}

// TestStopNoNewRequest: once stopped, a Finish context starts no request,
// though it is not cancelled itself (issue 10 §16).
func TestStopNoNewRequest(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Page("/s/abc", article)
	stop, signal := context.WithCancel(context.Background())
	fctx, cancel := fetcher.Finish(stop, time.Hour)
	defer cancel()
	if fetcher.Stopping(fctx) {
		t.Fatal("stopping before the stop")
	}
	signal()
	if !fetcher.Stopping(fctx) || fctx.Err() != nil {
		t.Fatalf("after the stop: stopping %v, err %v", fetcher.Stopping(fctx), fctx.Err())
	}
	_, err := c.Page(fctx, srv.URL("/s/abc"))
	wantKind(t, err, fetcher.KindCanceled)
	if !errors.Is(err, fetcher.ErrStopping) {
		t.Errorf("err = %v", err)
	}
	if _, _, err := c.Image(fctx, srv.ImageURL("/a/0")); fetcher.KindOf(err) != fetcher.KindCanceled {
		t.Errorf("image: %v", err)
	}
	if n := srv.Total(); n != 0 {
		t.Errorf("%d requests after the stop", n)
	}
}

// TestStopInterruptsPolitenessWait: a politeness wait in progress ends at
// the stop, without the request it was waiting for (issue 10 §16).
func TestStopInterruptsPolitenessWait(t *testing.T) {
	clock := blockingClock{sleeping: make(chan time.Duration, 1)}
	srv, c, _ := setup(t, func(cfg *fetcher.Config) {
		cfg.Clock = clock
		cfg.Hosts = politeHosts(fetcher.Polite{Interval: time.Hour})
	})
	srv.Page("/s/abc", article)
	stop, signal := context.WithCancel(context.Background())
	fctx, cancel := fetcher.Finish(stop, time.Hour)
	defer cancel()
	if _, err := c.Page(fctx, srv.URL("/s/abc")); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Page(fctx, srv.URL("/s/abc"))
		errc <- err
	}()
	if d := <-clock.sleeping; d != time.Hour {
		t.Errorf("waiting %v", d)
	}
	signal()
	select {
	case err := <-errc:
		wantKind(t, err, fetcher.KindCanceled)
	case <-time.After(10 * time.Second): // a hang, not a timing assertion
		t.Fatal("the politeness wait went on after the stop")
	}
	if n := srv.Total(); n != 1 {
		t.Errorf("%d requests, want the one before the stop", n)
	}
}

// TestStopLetsRequestInFlightFinish: the request in flight at the stop
// completes; one that does not is cut at the end of the grace (issue 10 §16).
func TestStopLetsRequestInFlightFinish(t *testing.T) {
	srv, c, _ := setup(t, nil)
	started, release := make(chan struct{}), make(chan struct{})
	srv.Handle("/s/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte(article))
	})
	srv.Hang("/s/hang", 1)

	stop, signal := context.WithCancel(context.Background())
	fctx, cancel := fetcher.Finish(stop, time.Hour)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Page(fctx, srv.URL("/s/slow"))
		errc <- err
	}()
	<-started
	signal()
	close(release)
	if err := <-errc; err != nil {
		t.Fatalf("request in flight at the stop: %v", err)
	}

	stop2, signal2 := context.WithCancel(context.Background())
	fctx2, cancel2 := fetcher.Finish(stop2, time.Millisecond)
	defer cancel2()
	go func() {
		_, err := c.Page(fctx2, srv.URL("/s/hang"))
		errc <- err
	}()
	for srv.Count("/s/hang") == 0 {
		time.Sleep(time.Millisecond)
	}
	signal2()
	select {
	case err := <-errc:
		wantKind(t, err, fetcher.KindCanceled)
	case <-time.After(10 * time.Second):
		t.Fatal("a hanging request outlived the grace")
	}
}
