// Package search is the full-text index of an archive: the titles and
// bodies of the latest versions of its articles, Chinese included, with the
// catalogue (accounts, states, recent changes) the browser UI lists.
//
// Words:
//   - index: one SQLite file (modernc.org/sqlite, pure Go) in the archive's
//     cache folder. It is a cache: everything in it is derived from the
//     store, it can be deleted at any time, and Rebuild makes it again.
//   - doc: one article in the index, with a signature of what it was
//     indexed from; Update re-indexes the docs whose signature changed.
//   - term: one piece of a query (words split on spaces, or a "quoted
//     phrase"); a hit contains every term as a substring, case folded.
//   - trigram table: an FTS5 table with the trigram tokenizer; it finds
//     terms of three characters or more with no word segmentation.
//   - gram table: an FTS5 table of the distinct one- and two-letter grams
//     of each doc (detail=none); it finds the short terms trigrams cannot
//     (微信, 美国, 芯片), which are the most common Chinese searches.
//   - change: a derived event of an article's history (new, edited,
//     deleted, violation, unavailable, restored) read from its captures.
//
// Writers call Update after they record (it compares the archive's stamp
// first, so it costs nothing when nothing changed); `reindex` calls
// Rebuild.
package search
