package fakewx

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"wxarchive/fetcher"
	"wxarchive/model"
)

// WeReadArticles is the path of WeRead's account listing.
const WeReadArticles = "/web/mp/articles"

// WeRead error codes (errCode in the JSON body), as the public clients
// (rachelos/we-mp-rss forks, cooderl/wewe-rss) handle them.
const (
	WeReadLoginInvalid = -2010 // login invalid
	WeReadLoginTimeout = -2012 // 登录超时: the session expired
	WeReadRiskControl  = -2041 // risk control
)

// WRArticle is one article of a fake WeRead account.
type WRArticle struct {
	OriginalID string // the short-link token as WeRead gives it, '~' and all
	Title      string
	Cover      string
	Digest     string
	Time       time.Time
}

// WeRead is the fake WeRead web API (weread.qq.com/web/mp/articles), shaped
// as DISCOVERY.md documents from the public clients: a listing of an
// account's "book" (MP_WXS_ + the __biz number) in groups (one per push,
// newest first) of subReviews, or flat (a review per entry); offset counts
// top-level entries; the end is an empty reviews list; errors are errCode
// values in a 200 JSON body. A login is the wr_vid and wr_skey cookies.
// Its methods are safe for concurrent use.
type WeRead struct {
	s        *Server
	books    map[string]*wrBook // by book id
	vid      string
	skey     string
	per      int  // top-level entries a page
	flat     bool // flat payloads
	expireIn int  // listings answered before the login expires; <0: never
	riskIn   int  // listings answered before risk control; <0: never
	riskN    int  // requests answered -2041 once it starts
	renewTo  string
	listings []WRListing
}

// WRListing is one listing request the fake answered.
type WRListing struct {
	BookID string
	Offset int
	Answer string // "ok", "end", "-2012", "-2041", …
}

type wrBook struct {
	groups [][]WRArticle // newest first
}

// WeRead starts serving the WeRead listing at weread.qq.com (the fake's
// certificate covers the host) and returns it. The login is wr_vid=vid;
// wr_skey=skey. Pages hold 10 entries until SetPageSize.
func (s *Server) WeRead(vid, skey string) *WeRead {
	w := &WeRead{s: s, books: map[string]*wrBook{}, vid: vid, skey: skey, per: 10, expireIn: -1, riskIn: -1}
	s.setBase(WeReadArticles, nil, w.serve)
	return w
}

// WeReadURL is the https://weread.qq.com URL of p.
func (s *Server) WeReadURL(p string) string { return "https://" + fetcher.WeReadHost + p }

// BookID is the WeRead book id of an account: MP_WXS_ + its __biz number.
func BookID(biz string) string {
	n, err := model.BizNumber(biz)
	if err != nil {
		panic("fakewx: " + err.Error())
	}
	return "MP_WXS_" + n
}

// Publish adds a push (a group of articles) at the top of biz's listing.
func (w *WeRead) Publish(biz string, group ...WRArticle) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	id := BookID(biz)
	b := w.books[id]
	if b == nil {
		b = &wrBook{}
		w.books[id] = b
	}
	b.groups = append([][]WRArticle{slices.Clone(group)}, b.groups...)
}

// Delete removes the article with this originalId from biz's listing (the
// account deleted it); a push left empty goes with it.
func (w *WeRead) Delete(biz, originalID string) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	b := w.books[BookID(biz)]
	if b == nil {
		return
	}
	var groups [][]WRArticle
	for _, g := range b.groups {
		g = slices.DeleteFunc(slices.Clone(g), func(a WRArticle) bool { return a.OriginalID == originalID })
		if len(g) > 0 {
			groups = append(groups, g)
		}
	}
	b.groups = groups
}

// SetPageSize sets how many top-level entries a page holds.
func (w *WeRead) SetPageSize(n int) { w.s.mu.Lock(); w.per = n; w.s.mu.Unlock() }

// SetFlat switches to flat payloads: one review per top-level entry, no
// subReviews; offset then counts articles.
func (w *WeRead) SetFlat(flat bool) { w.s.mu.Lock(); w.flat = flat; w.s.mu.Unlock() }

// ExpireLoginAfter lets n more listings succeed, then the session expires:
// every request after answers errCode -2012 until SetLogin.
func (w *WeRead) ExpireLoginAfter(n int) { w.s.mu.Lock(); w.expireIn = n; w.s.mu.Unlock() }

// RiskControlAfter lets n more listings succeed, then answers the next
// times requests with errCode -2041.
func (w *WeRead) RiskControlAfter(n, times int) {
	w.s.mu.Lock()
	w.riskIn, w.riskN = n, times
	w.s.mu.Unlock()
}

// SetLogin makes vid/skey the valid login (a new login after an expiry).
func (w *WeRead) SetLogin(vid, skey string) {
	w.s.mu.Lock()
	w.vid, w.skey, w.expireIn = vid, skey, -1
	w.s.mu.Unlock()
}

// RenewSkey makes the next successful listing set a new wr_skey cookie
// (Set-Cookie), which replaces the old one from then on. Not documented
// by the public clients: it models a browser-style session renewal, so
// that a client keeping what the server sets can be tested.
func (w *WeRead) RenewSkey(skey string) { w.s.mu.Lock(); w.renewTo = skey; w.s.mu.Unlock() }

// Listings returns the listing requests answered, oldest first.
func (w *WeRead) Listings() []WRListing {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return slices.Clone(w.listings)
}

type wrMPInfo struct {
	Title      string `json:"title"`
	OriginalID string `json:"originalId"`
	PicURL     string `json:"pic_url"`
	Content    string `json:"content"`
	Time       int64  `json:"time"`
	ReadNum    int    `json:"readNum"`
	LikeNum    int    `json:"likeNum"`
}

type wrReview struct {
	ReviewID   string   `json:"reviewId"`
	BookID     string   `json:"bookId"`
	CreateTime int64    `json:"createTime"`
	Type       int      `json:"type"`
	MPInfo     wrMPInfo `json:"mpInfo"`
}

type wrSub struct {
	Review wrReview `json:"review"`
}

type wrEntry struct {
	CreateTime int64     `json:"createTime,omitempty"`
	SubReviews []wrSub   `json:"subReviews,omitempty"`
	Review     *wrReview `json:"review,omitempty"`
}

func review(book string, a WRArticle) wrReview {
	return wrReview{
		ReviewID: book + "_" + a.OriginalID, BookID: book, CreateTime: a.Time.Unix(), Type: 16,
		MPInfo: wrMPInfo{Title: a.Title, OriginalID: a.OriginalID, PicURL: a.Cover, Content: a.Digest, Time: a.Time.Unix(), ReadNum: 100, LikeNum: 3},
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func wrError(code int, msg string) map[string]any {
	return map[string]any{"errCode": code, "errMsg": msg}
}

func (w *WeRead) serve(rw http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != fetcher.WeReadHost || r.Method != http.MethodGet {
		http.NotFound(rw, r)
		return
	}
	book := r.URL.Query().Get("bookId")
	offset, err := strconv.Atoi(r.URL.Query().Get("offset"))
	if r.URL.Query().Get("offset") == "" {
		offset, err = 0, nil
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	log := func(answer string) {
		w.listings = append(w.listings, WRListing{BookID: book, Offset: offset, Answer: answer})
	}
	vid, skey := cookieValue(r, "wr_vid"), cookieValue(r, "wr_skey")
	switch {
	case vid == "" || vid != w.vid:
		log("-2010")
		writeJSON(rw, http.StatusOK, wrError(WeReadLoginInvalid, "用户不存在"))
		return
	case skey == "" || skey != w.skey || w.expireIn == 0:
		log("-2012")
		writeJSON(rw, http.StatusOK, wrError(WeReadLoginTimeout, "登录超时"))
		return
	case w.riskIn == 0 && w.riskN > 0:
		w.riskN--
		log("-2041")
		writeJSON(rw, http.StatusOK, wrError(WeReadRiskControl, "操作太频繁，请稍后再试"))
		return
	case err != nil || offset < 0 || !strings.HasPrefix(book, "MP_WXS_"):
		log("-2003")
		writeJSON(rw, http.StatusOK, wrError(-2003, "参数错误"))
		return
	}
	if w.expireIn > 0 {
		w.expireIn--
	}
	if w.riskIn > 0 {
		w.riskIn--
	}
	var entries []wrEntry
	if b := w.books[book]; b != nil {
		for _, g := range b.groups {
			if w.flat {
				for _, a := range g {
					rv := review(book, a)
					entries = append(entries, wrEntry{Review: &rv})
				}
				continue
			}
			e := wrEntry{}
			for _, a := range g {
				e.SubReviews = append(e.SubReviews, wrSub{Review: review(book, a)})
				e.CreateTime = max(e.CreateTime, a.Time.Unix())
			}
			entries = append(entries, e)
		}
	}
	page := []wrEntry{}
	if offset < len(entries) {
		page = entries[offset:min(offset+w.per, len(entries))]
	}
	if w.renewTo != "" {
		http.SetCookie(rw, &http.Cookie{Name: "wr_skey", Value: w.renewTo, Path: "/", Domain: ".weread.qq.com", Secure: true, HttpOnly: true})
		w.skey, w.renewTo = w.renewTo, ""
	}
	if len(page) == 0 {
		log("end")
	} else {
		log("ok")
	}
	writeJSON(rw, http.StatusOK, map[string]any{"reviews": page, "synckey": time.Now().Unix()})
}

func cookieValue(r *http.Request, name string) string {
	if c, err := r.Cookie(name); err == nil {
		return c.Value
	}
	return ""
}

// String describes a listing for test failures.
func (l WRListing) String() string { return fmt.Sprintf("%s@%d:%s", l.BookID, l.Offset, l.Answer) }
