// Package pipeline is the scheduled job behind `wxarchive run`: one pass
// discovers articles from the configured sources, works off the persistent
// queue, follows related posts and rechecks archived articles that are due;
// the daemon runs passes on a cron schedule.
//
// Words used here:
//   - source: where article links come from: urls, url_files (text, Markdown,
//     HTML), feeds (RSS/Atom/JSON) and albums (合集 pages).
//   - queue: articles discovered but not yet captured, kept in the archive's
//     state (queue.json) so a stopped run resumes; one item per article key.
//   - follow: queueing the related posts of archived articles, to a depth.
//   - recheck: capturing an archived article again on a decaying schedule
//     after publication, to catch edits and deletions.
//   - pass: one run of all of the above, under the archive lock.
//   - cooling down: the fetcher refuses a host after a verification or
//     rate-limit page; the pass then stops fetching from that host.
package pipeline
