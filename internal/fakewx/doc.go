// Package fakewx is a fake WeChat for tests: one handler behind a plain and a
// TLS httptest server that stands in for mp.weixin.qq.com, the image CDN
// and WeRead's account listing (weread.qq.com, see WeRead).
//
// Tests register what a path serves (a page, an image) and queue faults in
// front of it (a captcha redirect, 429 with Retry-After, 5xx, a dropped
// connection, a truncated or oversized body). Pages can be swapped or removed
// between two fetches to simulate an edit or a deletion. Requests are counted
// per path, so a test can assert that nothing was fetched.
//
// FetcherConfig and Env point a fetcher.Client (or the CLI, through
// fetcher.ConfigFromEnv) at the fake while the host allow-list stays real:
// URLs keep their real hosts, mp.weixin.qq.com:443 and :80 are dialled to
// the fake, and its certificate (valid for the WeChat hosts) is trusted.
package fakewx
