package extractor

// Version numbers the extractor's output. It goes up whenever a change makes
// Render give different bytes for the same page, so that the archive can tell
// a page that changed from a page rendered anew by a newer extractor.
//
// 1: the extractor of the first landing (commit 1a4800b).
const Version = 1
