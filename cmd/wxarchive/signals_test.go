package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestSecondSignalExits: the first signal cancels, the second exits at
// once with 128+signal (issue 10 §16).
func TestSecondSignalExits(t *testing.T) {
	ch := make(chan os.Signal, 2)
	done := make(chan struct{})
	cancelled := make(chan struct{})
	exited := make(chan int, 1)
	var stderr strings.Builder
	go watchSignals(ch, done, func() { close(cancelled) }, &stderr, func(code int) { exited <- code })
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
	if !strings.Contains(stderr.String(), "again to quit") {
		t.Errorf("stderr %q", stderr.String())
	}
}
