package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"wxarchive/fetcher"
)

// watchdogSlack is how long after the grace period a stopping process may
// still take to record what it finished and exit, before the watchdog ends
// it: the "at most 30s" the first signal promises holds even when
// something in flight cannot be cancelled (a read blocked in the kernel).
const watchdogSlack = 5 * time.Second

// notifyContext is the root context: the first SIGINT or SIGTERM cancels
// it (the article in flight is finished within its grace, nothing new
// starts); a second one, or the watchdog a few seconds after the grace,
// exits at once with 128+signal. The archive stays consistent either way:
// its writes are ordered so that a process killed at any instant leaves it
// whole, and its lock dies with the process.
func notifyContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		watchSignals(ch, done, cancel, stderr, os.Exit, time.After)
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}

// watchSignals cancels on the first signal, and exits on the second or
// when the grace and its slack have passed since the first (after: a timer,
// time.After but for tests).
func watchSignals(ch <-chan os.Signal, done <-chan struct{}, cancel func(), stderr io.Writer, exit func(int),
	after func(time.Duration) <-chan time.Time) {
	var first os.Signal
	select {
	case first = <-ch:
	case <-done:
		return
	}
	fmt.Fprintf(stderr, "wxarchive: stopping: finishing what is in flight (at most %s); press Ctrl-C again to quit now\n", fetcher.DefaultGrace)
	watchdog := after(fetcher.DefaultGrace + watchdogSlack)
	cancel()
	select {
	case sig := <-ch:
		fmt.Fprintln(stderr, "wxarchive: quitting now")
		exit(signalExitCode(sig))
	case <-watchdog:
		fmt.Fprintf(stderr, "wxarchive: still busy %s after the stop: quitting now (the archive stays consistent)\n", fetcher.DefaultGrace+watchdogSlack)
		exit(signalExitCode(first))
	case <-done:
	}
}

// signalExitCode is the shell's code for death by sig: 128 + its number.
func signalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}
