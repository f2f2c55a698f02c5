// Package extractor turns a mp.weixin.qq.com page (fetched or saved) into a
// model.Document: either an Article (metadata, Markdown body, related posts,
// timelines, the audit of stripped promotional blocks) or a page State
// (deleted, violation, verification, …). It never evaluates JavaScript.
//
// Pages are parsed through a pre-pass (prepass.go) that keeps the megabytes
// of inline script and style out of the HTML tokenizer; the tree it yields is
// the one html.Parse builds from the whole page.
package extractor
