// Package archive is the versioned, content-addressed store of captured
// articles.
//
// Words:
//   - object: an immutable, content-addressed file (raw page snapshot, a
//     version's canonical Markdown, an image blob), named by the SHA-256 of
//     its content and written once.
//   - capture: one attempt to read an article (fetch or file), recorded as
//     one write-once JSON file whatever its outcome.
//   - version: a distinct normalised Markdown of an article; created only by
//     a capture whose page is a readable article with changed content.
//   - head: the one small mutable pointer file per article (heads/<key>.json)
//     naming its versions, current state and readable path. A head write is
//     the commit point of Record: everything it references is written first.
//   - readable file: the latest Markdown at articles/<account>/<date> <title>.md,
//     a derived view regenerated from the head (image links rewritten to the
//     local blobs).
//   - alias: a short-link key (s_<token>) joined to the id key of its article.
//
// Storage goes through the small Store interface (fs and in-memory
// implementations, both checked by the conformance suite in storetest).
// One writer at a time holds the lock file; readers need no lock.
package archive
