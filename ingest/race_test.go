//go:build race

package ingest

// raceEnabled: the race detector slows byte-by-byte parsing tenfold.
const raceEnabled = true
