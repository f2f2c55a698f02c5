// Package notify delivers change events (package events) to the
// destinations of pipeline.yaml's notify section after each pass: webhooks
// (a signed JSON POST per event) and exec hooks (a command per event, the
// JSON on its stdin).
//
// Words:
//   - destination: one webhook or exec hook. Its Label names it in logs and
//     never holds a secret (a webhook shows its scheme and host only).
//   - outbox: the events waiting for each destination, kept in the
//     archive's state (outbox.json). Events enter it before they are marked
//     synced and leave it only once delivered, so a destination that is down
//     loses nothing and every event is delivered at least once; each carries
//     its id for receivers to drop a duplicate.
//   - temporary failure: the destination is down, slow or overloaded
//     (network error, 5xx, 408, 429, a failing command): its events wait for
//     the next pass, in order. An event that fails on three passes while
//     the next one goes through is the event's fault: dropped as refused.
//   - refused (permanent): the destination refused one event (other 4xx,
//     an exec hook's exit status 65): that event is tried on three passes,
//     then dropped with a warning and remembered in the outbox; the events
//     after it are delivered meanwhile.
package notify
