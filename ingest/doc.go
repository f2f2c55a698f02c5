// Package ingest is the one path every capture takes, by hand or on
// schedule: read a saved page or fetch a URL, extract it, download its
// images, and record the capture in the archive. It also adapts the
// configuration to the fetcher and keeps the fetcher's host cool-downs in
// the archive, so the next run respects them.
//
// Words: a target is what the user named (a URL, a file, "-" for stdin); a
// result is what became of one target (an archive outcome, or an error).
package ingest
