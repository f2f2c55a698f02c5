// Package model holds the types the pipeline stages hand each other, so that
// the fetcher, the extractor and the archive never import one another.
//
// Words used across the project:
//   - ID: the identity of one WeChat article, (biz, mid, idx); sn is its
//     signature and is carried along but does not change identity.
//   - Key: a stable, printable string naming one article in the archive.
//   - State: what a page turned out to be (an article, a deleted notice, a
//     verification page, …).
//   - Document: what the extractor makes of one page: an Article, or a State
//     with the reason the page gave.
package model
