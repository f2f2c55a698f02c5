// Package events turns what the archive saw into change events, keeps them
// in the archive, and serves them as an Atom feed.
//
// Words:
//   - article event: new, edited, deleted, violation, unavailable,
//     restored. Derived from an article's captures by Derive: the same
//     captures always give the same events with the same ids, so the log can
//     be rebuilt (Rebuild) and a receiver can drop a duplicate by its id.
//     Failed, blocked and expired captures say nothing about the article;
//     an unchanged page or a re-rendering by a newer extractor is no event
//     (unless the article comes back: restored).
//   - operational event: blocked (a host started cooling down, one per
//     cool-down) and login_expired (a followed account's login). Captures
//     do not carry them, so they are only recorded (Record), never derived.
//   - event log: logs/events.jsonl in the archive, one Event a line,
//     append-only; written under the archive lock.
//   - sync: after each pass, the events of the captures made since the last
//     sync are appended to the log and handed to the outbox (package notify),
//     with the operational events recorded since.
package events
