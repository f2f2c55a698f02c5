// Package web is the read-only browser view of an archive (`wxarchive
// serve`): server-rendered pages (net/http, html/template, assets embedded)
// for the recent changes, the accounts, each article with its front matter,
// history and side-by-side diffs, and full-text search.
//
// Words:
//   - page: one route's HTML, rendered whole into a buffer before it is sent.
//   - blob: a stored image, served only by its content address.
//   - banner: the notice on an article no longer live (deleted, censored,
//     unavailable), with the date it was last seen alive.
//
// Security: loopback only unless a token is set (then every request must
// carry it), Host names checked against DNS rebinding, a Content-Security-
// Policy that allows no inline script or style and nothing remote, article
// HTML never passed through (goldmark's unsafe mode stays off), only
// content-addressed images reachable, and no route that writes.
package web
