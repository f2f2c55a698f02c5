package fetcher

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultGrace is how long the work in flight may go on after a stop
// (SIGINT, SIGTERM) before it is cancelled: well below the 90 s systemd
// waits before it kills a service.
const DefaultGrace = 30 * time.Second

// ErrStopping is the cause of a KindCanceled error for a request not made
// because the command is stopping.
var ErrStopping = errors.New("stopping: no new request")

type stopKey struct{}

// Finish returns a context for finishing the work in flight when ctx is
// cancelled by a stop: it is not cancelled with ctx but grace later (or by
// the returned cancel), while the client, on it, starts no new request and
// no politeness wait from the moment ctx is done. A request in flight at
// the stop completes (or is cut at the end of the grace). grace <= 0 means
// DefaultGrace.
//
// Finish of a context Finish returned keeps the outer stop and grace.
func Finish(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Value(stopKey{}).(context.Context); ok {
		return context.WithCancel(ctx)
	}
	if grace <= 0 {
		grace = DefaultGrace
	}
	fctx, cancel := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), stopKey{}, ctx))
	var mu sync.Mutex
	var timer *time.Timer
	stopWatch := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if fctx.Err() == nil {
			timer = time.AfterFunc(grace, cancel)
		}
	})
	return fctx, func() {
		stopWatch()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// Stopping reports whether ctx is done, or is a Finish context whose stop
// has come: no new work should start on it.
func Stopping(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	stop, ok := ctx.Value(stopKey{}).(context.Context)
	return ok && stop.Err() != nil
}

// waitContext is ctx, also cancelled by the stop of a Finish context: what
// waits (a politeness interval, a backoff, a concurrency slot) ends at the
// stop, not at the end of the grace.
func waitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	stop, ok := ctx.Value(stopKey{}).(context.Context)
	if !ok {
		return ctx, func() {}
	}
	wctx, cancel := context.WithCancelCause(ctx)
	unwatch := context.AfterFunc(stop, func() { cancel(ErrStopping) })
	return wctx, func() { unwatch(); cancel(nil) }
}
