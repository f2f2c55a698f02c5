package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"wxarchive/fetcher"
)

// TestSecondSignalExits: the first signal cancels, the second exits at
// once with 128+signal (issue 10 §16).
func TestSecondSignalExits(t *testing.T) {
	ch := make(chan os.Signal, 2)
	done := make(chan struct{})
	cancelled := make(chan struct{})
	exited := make(chan int, 1)
	var stderr strings.Builder
	go watchSignals(ch, done, func() { close(cancelled) }, &stderr, func(code int) { exited <- code }, func(time.Duration) <-chan time.Time { return nil })
	ch <- os.Interrupt
	<-cancelled
	select {
	case code := <-exited:
		t.Fatalf("exited %d on the first signal", code)
	default:
	}
	ch <- syscall.SIGTERM
	if code := <-exited; code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit code %d", code)
	}
	// Said by every command (serve has no article in flight).
	if !strings.Contains(stderr.String(), "again to quit") || strings.Contains(stderr.String(), "article") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestWatchdogExits: after the first signal, a process still busy when the
// grace and a few seconds have passed (a read blocked in the kernel that
// no context reaches) is ended: the "at most 30s" is kept, below systemd's
// 90 s (issue 10 §16).
func TestWatchdogExits(t *testing.T) {
	ch := make(chan os.Signal, 2)
	done := make(chan struct{})
	exited := make(chan int, 1)
	timer := make(chan time.Time, 1)
	asked := make(chan time.Duration, 1)
	var stderr strings.Builder
	after := func(d time.Duration) <-chan time.Time { asked <- d; return timer }
	go watchSignals(ch, done, func() {}, &stderr, func(code int) { exited <- code }, after)
	select {
	case d := <-asked:
		t.Fatalf("watchdog of %s started before any signal", d)
	case <-time.After(50 * time.Millisecond):
	}
	ch <- os.Interrupt
	if d := <-asked; d <= fetcher.DefaultGrace || d > fetcher.DefaultGrace+10*time.Second || d >= 90*time.Second {
		t.Errorf("watchdog after %s", d)
	}
	select {
	case code := <-exited:
		t.Fatalf("exited %d before the watchdog fired", code)
	case <-time.After(50 * time.Millisecond):
	}
	timer <- time.Now()
	if code := <-exited; code != 128+int(syscall.SIGINT) {
		t.Errorf("exit code %d", code)
	}
	if !strings.Contains(stderr.String(), "quitting now") {
		t.Errorf("stderr %q", stderr.String())
	}
}
