// Package benchstat measures the latency of single operations in
// benchmarks: wall time and the CPU time of the calling thread (what one
// core spends, whatever else the machine is running), reported as
// percentiles.
package benchstat

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// Recorder collects the latencies of operations run on one locked thread.
type Recorder struct {
	wall, cpu []time.Duration
}

// Start locks the goroutine to its thread (so thread CPU time is the
// operation's) until Done.
func Start() *Recorder {
	runtime.LockOSThread()
	return &Recorder{}
}

// Time runs f once and records its wall and thread CPU time.
func (r *Recorder) Time(f func()) {
	c0 := threadCPU()
	t0 := time.Now()
	f()
	r.wall = append(r.wall, time.Since(t0))
	r.cpu = append(r.cpu, threadCPU()-c0)
}

// Done unlocks the thread and reports p50, p95 and max of wall and CPU
// time in milliseconds.
func (r *Recorder) Done(b *testing.B) {
	runtime.UnlockOSThread()
	if len(r.wall) == 0 {
		return
	}
	report := func(d []time.Duration, unit string) {
		slices.Sort(d)
		pct := func(p float64) float64 {
			return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(0.50), "p50-"+unit)
		b.ReportMetric(pct(0.95), "p95-"+unit)
		b.ReportMetric(pct(1), "max-"+unit)
	}
	report(r.wall, "ms")
	if threadCPU() > 0 {
		report(r.cpu, "cpu-ms")
	}
}

// ThreadCPU is the CPU time the calling thread has used (0 where the
// system cannot tell): lock the goroutine to its thread around what is
// measured.
func ThreadCPU() time.Duration { return threadCPU() }
