package extractor

// Version numbers the extractor's output. It goes up whenever a change makes
// Render give different bytes for the same page, so that the archive can tell
// a page that changed from a page rendered anew by a newer extractor.
//
// 1: the extractor of the first landing (commit 1a4800b).
//
// 2: issue 8 §1-3, issue 10 §9-12, issue 11 (front matter):
//   - promotion found as a segmentation of the body's ends (promo-segment),
//     QR captions pointing up, orphaned section labels;
//   - Markdown that renders in GFM: emphasis around whole bracket and quote
//     pairs, adjacent runs merged, bare URLs with escapes as autolinks, no
//     needless "\[", body h1 demoted, empty and sentence-long headings fixed,
//     list numbers not doubled, image display parameters dropped, WeChat
//     emoji as text codes, share-page markup and hashtags as text;
//   - canonical links keep "__biz=…==", body links canonical; noscript
//     videos and the video page as v.qq.com lines; reprint, paid; 阅读原文
//     only off the account's own pages; related titles cleaned; slogan
//     authors dropped; published: the shown date wins over ct;
//   - title escaped in the heading; links only http, https, mailto; images
//     only from WeChat's CDN (or inline data:image), others as links;
//   - front matter written by our own emitter from the yaml node tree;
//     keys url → source, source_url → read_original, type → format.
//
// 3: review fixes (branch fix3):
//   - follow/share/contact phrase rules only on call lines or after the
//     article's last content; bare 二维码/扫码 and narrative phrases no
//     promotion signal; the walk from the end stops at references and
//     最佳留言; credits with full-width and box-drawing bars kept: bodies
//     that lost ordinary sentences keep them;
//   - inline data: images written as wxdata:sha256:<hex> (the blob's
//     name), never as base64; SVG or placeholder data: images dropped;
//   - cover only from WeChat's CDN;
//   - control, bidi and invisible format characters dropped from titles,
//     names, descriptions and every front-matter value;
//   - no backslash before an underscore between alphanumerics
//     ("tshark_manager"), in the body and the title heading.
//
// 4: reader's pass over every fixture (branch fix6):
//   - image URLs lose parameters without a value ("640?wx_fmt=png&wx_");
//   - tail-ornament: a closing rule (<hr>) in the tail with at most two
//     pictures after it, and the ornaments (animations, icons, thin rules)
//     that end the body, are cut unless a line above announces them;
//   - tail-links runs after promo-segment (the links its cut leaves at the
//     end) and takes a single article link with the line pointing down at
//     it ("问卷调查入口▼▼").
//
// 5: adversary's pass (branch fix8):
//   - control characters (C0 but tab and newline, DEL, C1) dropped from
//     the body, text and code alike: ESC sequences never reach a terminal.
const Version = 5
