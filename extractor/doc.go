// Package extractor turns a mp.weixin.qq.com page (fetched or saved) into a
// model.Document: either an Article (metadata, Markdown body, related posts,
// timelines, the audit of stripped promotional blocks) or a page State
// (deleted, violation, verification, …). It never evaluates JavaScript.
package extractor
