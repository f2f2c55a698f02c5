// Package config reads and validates pipeline.yaml: where the archive lives,
// when the scheduled job runs, how politely it fetches, what it fetches
// (sources, follow, recheck) and the extra promotional-block rules.
//
// Words: a duration is written as Go writes it or in days and weeks ("90s",
// "15m", "7d", "2w"); an error names the file, the line and the field
// ("pipeline.yaml:12: fetch.hosts.default.interval: bad duration").
package config
