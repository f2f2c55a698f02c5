package weread

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

// BookID is the WeRead book id of the account with this __biz:
// "Mzg5NTc4ODkzOA==" → "MP_WXS_3895788938".
func BookID(biz string) (string, error) {
	n, err := model.BizNumber(biz)
	if err != nil {
		return "", fmt.Errorf("weread: book id: %w", err)
	}
	return "MP_WXS_" + n, nil
}

// Article is one article of a listing page.
type Article struct {
	URL       string    // https://mp.weixin.qq.com/s/<token>
	ReviewID  string    // WeRead's id of the article
	Title     string    // hints, as the listing gives them
	Cover     string    //
	Digest    string    //
	Published time.Time // zero when the listing gives no time
	Entry     int       // index of its top-level entry in the page
}

// Page is one listing page.
type Page struct {
	Articles []Article
	// Entries is the number of top-level entries (groups, or reviews in a
	// flat payload): what the next page's offset adds. 0 is the end.
	Entries int
	// Skipped counts reviews without a usable article link.
	Skipped int
}

// ArticleURL is the article's short link from the listing's originalId,
// every '~' replaced by '_' as the public clients do (links with '~' fail
// with 参数错误). An originalId that is a whole WeChat link is kept as
// such. The bool is false when it makes no article link.
func ArticleURL(originalID string) (string, bool) {
	s := strings.TrimSpace(originalID)
	if s == "" {
		return "", false
	}
	if strings.Contains(s, model.Host) {
		l, err := model.ParseLink(s)
		if err != nil || (l.Kind != model.KindArticle && l.Kind != model.KindShort) {
			return "", false
		}
		return l.Canon, true
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '~') {
			return "", false
		}
	}
	l, err := model.ParseLink("https://" + model.Host + "/s/" + strings.ReplaceAll(s, "~", "_"))
	if err != nil || l.Kind != model.KindShort {
		return "", false
	}
	return l.Canon, true
}

// tokenOfReview is the short-link token at the end of a reviewId
// (MP_WXS_<number>_<token>), for reviews without an originalId.
func tokenOfReview(reviewID string) string {
	rest, ok := strings.CutPrefix(reviewID, "MP_WXS_")
	if !ok {
		return ""
	}
	_, tok, ok := strings.Cut(rest, "_")
	if !ok {
		return ""
	}
	return tok
}

// number is a JSON number WeRead may also write as a string.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not a number: %.20q", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0 // "NaN", "Infinity", 1e999: no usable value
	}
	*n = number(v)
	return nil
}

// code is the number as an error code: -1 (no known code, but not 0) when
// out of any sensible range.
func (n number) code() int {
	if n < math.MinInt32 || n > math.MaxInt32 || int(n) == 0 {
		return -1
	}
	return int(n)
}

type mpInfo struct {
	Title      string `json:"title"`
	OriginalID string `json:"originalId"`
	PicURL     string `json:"pic_url"`
	Content    string `json:"content"`
	Time       number `json:"time"`
}

type review struct {
	ReviewID   string  `json:"reviewId"`
	CreateTime number  `json:"createTime"`
	Content    string  `json:"content"`
	MPInfo     *mpInfo `json:"mpInfo"`
}

// entry is a top-level element of reviews: a group with subReviews, a flat
// {review: …}, or a review itself.
type entry struct {
	CreateTime number `json:"createTime"`
	SubReviews []struct {
		Review   *review `json:"review"`
		ReviewID string  `json:"reviewId"`
	} `json:"subReviews"`
	Review *review `json:"review"`
	review
}

// listing is the body of /web/mp/articles.
type listing struct {
	ErrCode  *number         `json:"errCode"`
	ErrCode2 *number         `json:"errcode"`
	ErrMsg   string          `json:"errMsg"`
	ErrMsg2  string          `json:"errmsg"`
	Reviews  json.RawMessage `json:"reviews"`
}

// maxEntries bounds the entries of one page a hostile answer could hold.
const maxEntries = 1000

// parseListing reads a listing body: WeRead's error code (0 when none) and
// message, or the page. now bounds the publication times it keeps
// (PublishedAt).
func parseListing(data []byte, now time.Time) (code int, msg string, p Page, err error) {
	var l listing
	if err := json.Unmarshal(data, &l); err != nil {
		return 0, "", Page{}, fmt.Errorf("listing is not JSON: %w", err)
	}
	switch {
	case l.ErrCode != nil && *l.ErrCode != 0:
		return l.ErrCode.code(), clean(l.ErrMsg+l.ErrMsg2, 200), Page{}, nil
	case l.ErrCode2 != nil && *l.ErrCode2 != 0:
		return l.ErrCode2.code(), clean(l.ErrMsg+l.ErrMsg2, 200), Page{}, nil
	case len(l.Reviews) == 0:
		return 0, "", Page{}, fmt.Errorf("listing has no reviews and no errCode")
	}
	var entries []entry
	if raw := bytes.TrimSpace(l.Reviews); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return 0, "", Page{}, fmt.Errorf("listing: reviews: %w", err)
		}
	}
	if len(entries) > maxEntries {
		return 0, "", Page{}, fmt.Errorf("listing: %d entries in one page, more than %d", len(entries), maxEntries)
	}
	p.Entries = len(entries)
	for i, e := range entries {
		var rs []*review
		switch {
		case len(e.SubReviews) > 0:
			for _, s := range e.SubReviews {
				r := s.Review
				if r == nil {
					r = &review{}
				}
				if r.ReviewID == "" {
					r.ReviewID = s.ReviewID
				}
				if r.CreateTime == 0 {
					r.CreateTime = e.CreateTime
				}
				rs = append(rs, r)
			}
		case e.Review != nil:
			rs = append(rs, e.Review)
		case e.MPInfo != nil || e.ReviewID != "":
			r := e.review
			r.CreateTime = e.CreateTime
			rs = append(rs, &r)
		}
		for _, r := range rs {
			a, ok := articleOf(r, now)
			if !ok {
				p.Skipped++
				continue
			}
			a.Entry = i
			p.Articles = append(p.Articles, a)
		}
	}
	if p.Entries > 0 && len(p.Articles) == 0 {
		// Not an empty page (the end): read as one, a backfill would walk
		// to the end and call the account done with nothing found.
		return 0, "", Page{}, fmt.Errorf("listing: %d entries, no article link in any (has WeRead changed the listing's format?)", p.Entries)
	}
	return 0, "", p, nil
}

func articleOf(r *review, now time.Time) (Article, bool) {
	var mp mpInfo
	if r.MPInfo != nil {
		mp = *r.MPInfo
	}
	u, ok := ArticleURL(mp.OriginalID)
	if !ok {
		u, ok = ArticleURL(tokenOfReview(r.ReviewID))
	}
	if !ok {
		return Article{}, false
	}
	a := Article{
		URL:      u,
		ReviewID: clean(r.ReviewID, 200),
		Title:    clean(mp.Title, 300),
		Digest:   clean(firstOf(mp.Content, r.Content), 500),
		Cover:    httpURL(mp.PicURL),
	}
	a.Published = PublishedAt(mp.Time, now)
	if a.Published.IsZero() {
		a.Published = PublishedAt(r.CreateTime, now)
	}
	return a, true
}

// FirstPublished is the earliest publication time a listing may give: no
// official account published before 2012.
var FirstPublished = time.Date(2012, 1, 1, 0, 0, 0, 0, model.ChinaTime)

// PublishedAt reads a listing time (Unix seconds, or milliseconds): zero
// unless it falls between FirstPublished and two days after now. A hostile
// or garbled time (microseconds, year 55000, NaN) is dropped rather than
// kept: it would sort the account wrongly and cannot be written as JSON.
func PublishedAt(n number, now time.Time) time.Time {
	v := float64(n)
	if v <= 0 { // none (NaN and infinities read as 0)
		return time.Time{}
	}
	latest := now.Add(48 * time.Hour)
	for _, unit := range []float64{1, 1000} { // seconds, milliseconds
		s := v / unit
		if s < float64(FirstPublished.Unix()) || s > float64(latest.Unix()) {
			continue
		}
		return time.Unix(int64(s), 0).In(model.ChinaTime)
	}
	return time.Time{}
}

func firstOf(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// clean makes server text safe to keep: one terminal-safe line
// (textsafe.Line), at most max runes.
func clean(s string, max int) string {
	s = textsafe.Line(s)
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// httpURL keeps an http(s) URL of sensible length, else "".
func httpURL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2048 {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}
