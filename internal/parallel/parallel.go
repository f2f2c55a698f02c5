// Package parallel runs independent work on every core and hands the
// results back in input order, with a bounded number in flight.
package parallel

import (
	"context"
	"runtime"
	"sync"
)

// Workers is the default number of workers: one per usable core.
func Workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// OrderedMap calls work(i) for i in [0, n) on up to workers goroutines and
// emit(i, result) in order of i, from the calling goroutine. At most
// 2×workers results wait for emit, so memory stays bounded however slow one
// item is. It stops early when ctx is cancelled (items not started are
// skipped) or emit returns an error, and returns that error.
func OrderedMap[R any](ctx context.Context, n, workers int, work func(i int) R, emit func(i int, r R) error) error {
	if workers < 1 {
		workers = 1
	}
	type slot struct {
		i    int
		done chan R
	}
	window := make(chan slot, 2*workers)
	jobs := make(chan slot)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				s.done <- work(s.i)
			}
		}()
	}
	go func() {
		defer close(window)
		defer close(jobs)
		for i := 0; i < n; i++ {
			if ctx.Err() != nil {
				return // select picks at random among ready cases: look first
			}
			s := slot{i: i, done: make(chan R, 1)}
			select {
			case window <- s:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- s:
			case <-stop:
				return
			}
		}
	}()
	var err error
	for s := range window {
		if err != nil {
			continue // a slot never handed to a worker has no result to wait for
		}
		if err = emit(s.i, <-s.done); err != nil {
			close(stop)
		}
	}
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}
