// Package extractor turns a mp.weixin.qq.com page (fetched or saved) into a
// model.Document: either an Article (metadata, Markdown body, related posts,
// timelines, the audit of stripped promotional blocks) or a page State
// (deleted, violation, verification, …). It never evaluates JavaScript.
//
// Pages are parsed through a pre-pass (prepass.go) that keeps the megabytes
// of inline script and style out of the HTML tokenizer; the tree it yields is
// the one html.Parse builds from the whole page, with the script and style
// texts as views of the input rather than copies (detach.go). When the
// pre-pass cannot be sure to read a page as the tokenizer does, the page is
// parsed whole: TestPrepassFixtures, FuzzPrepass and FuzzFastPath hold the
// fast path to the full parse's tree and Document.
//
// Cost: `make bench` prints, per article fixture, extract + render against
// html.Parse of the same bytes, and the ratio of totals (about 0.6 on the
// shared fixtures; the pages above 1 are old ones whose body is most of the
// page, where converting costs more than parsing). Of what remains, the page
// chrome outside #js_content is about 7% (its parse, scripts excluded): not
// worth a second parser for the metadata around the body.
package extractor
