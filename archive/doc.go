// Package archive is the versioned, content-addressed store of captured
// articles, laid out as a vault (see layout.go): readable Markdown and
// images visible, the store hidden in .wxarchive/.
//
// Words:
//   - object: an immutable, content-addressed file (raw page snapshot, a
//     version's canonical Markdown, an image blob), named by the SHA-256 of
//     its content and written once.
//   - capture: one attempt to read an article (fetch or file), recorded as
//     one write-once JSON file whatever its outcome. A key's capture records
//     form a chain: each names the hash of the one before.
//   - version: what the page says (identity: the article's own fields and
//     body, see frontmatter.go); created only by a capture whose page is a
//     readable article saying something else.
//   - rendering: a version's page rendered anew by a newer extractor, same
//     identity under one extractor: no edit (outcome rerendered).
//   - head: the one small mutable pointer file per article naming its
//     versions, current state, chain tip, readable files and its own hash.
//     A head write is the commit point of Record: everything it references
//     is written first.
//   - readable file: the latest Markdown at articles/<account>/<date>
//     <title>.md, a derived view (local image links, readable-only fields)
//     that is the user's once edited or deleted by hand.
//   - alias: a short-link key (s_<token>) joined to the id key of its article.
//   - root: one hash over every article's history (see root.go).
//
// Storage goes through the small Store interface (fs and in-memory
// implementations, both checked by the conformance suite in storetest).
// One writer at a time holds the lock file; readers need no lock. The
// first writer migrates an archive of the layout before (migrate.go).
package archive
