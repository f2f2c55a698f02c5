// Package weread lists the articles of WeChat official accounts through
// the user's WeRead (微信读书) web login, the route the maintained public
// clients (rachelos/we-mp-rss and its forks, cooderl/wewe-rss) use since
// WeChat closed the MP backend listing in 2026-07.
//
// Words used here:
//   - book: WeRead models an account as a book whose id is MP_WXS_ and the
//     number its __biz encodes (BookID).
//   - listing: GET https://weread.qq.com/web/mp/articles?bookId=…&offset=N,
//     newest first. A page holds top-level entries: groups (one per push,
//     the articles under subReviews) or, in flat payloads, one review each.
//     offset counts entries, not articles; an empty page is the end.
//   - hint: what the listing says of an article (title, time, cover,
//     digest), kept until the article itself is captured.
//   - login: the WeRead cookies (wr_vid, wr_skey, wr_rt, …) pasted from a
//     browser, stored outside the archive (Store), never logged (Cookie
//     prints redacted).
//   - login invalid: errCode -2010 or -2012, or HTTP 401: not retried, a
//     new login is needed.
//   - blocked: risk control (errCode -2041) cools the host down an hour,
//     doubling; HTTP 429 blocks it until the next day (China time).
//
// Nothing here was tried against the live service (it was not reachable
// where this was written); internal/fakewx follows the shapes the public
// clients document.
package weread
