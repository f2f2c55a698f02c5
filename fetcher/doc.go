// Package fetcher reads WeChat pages and images over HTTP, politely.
//
// Words used here:
//   - Page: an article (/s?__biz=…, /s/<token>) or album (/mp/appmsgalbum)
//     page on mp.weixin.qq.com, the only host pages are read from.
//   - Image: a body image on the WeChat image CDN (mmbiz.qpic.cn, …),
//     requested without a Referer.
//   - WeRead request: a GET of WeRead's account listing (weread.qq.com,
//     /web/mp/articles) carrying the user's login, for discover/weread only;
//     its answer is returned whatever its status, redirects not followed.
//   - Allow-list: the hosts, schemes and paths the client will request; any
//     other URL, including a redirect target, is refused (KindRefused), so a
//     link inside a page can never make the tool reach an internal address.
//     Requests go over HTTPS only: an http:// URL is upgraded before it is
//     requested, and a redirect to http:// is refused.
//   - Politeness: per-host rules (Polite: interval with jitter, concurrency,
//     retries with exponential backoff, a daily cap counted in China time
//     and persisted through a DailyStore) applied by an http.RoundTripper
//     wrapper, colly LimitRule style.
//   - Cool-down: after a verification page (a captcha redirect, or one the
//     extractor reports through ReportBlocked) a host is left alone for
//     15 minutes, doubling on each consecutive block up to 6 hours; the
//     cool-downs persist through a CooldownStore. Other services' blocks
//     use CoolDown (their own lengths) and BlockUntil (a day block).
//
// Every failure is an *Error whose Kind drives what the caller does next.
// All waiting goes through a Clock so tests run instantly.
package fetcher
