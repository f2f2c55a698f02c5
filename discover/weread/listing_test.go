package weread

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestBookID(t *testing.T) {
	if got, err := BookID("Mzg5NTc4ODkzOA=="); err != nil || got != "MP_WXS_3895788938" {
		t.Errorf("BookID = %q, %v", got, err)
	}
	if _, err := BookID("not a biz"); err == nil {
		t.Error("a bad __biz made a book id")
	}
}

func TestArticleURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4OcS7~rrtk2Lwe4P0YPiGg", "https://mp.weixin.qq.com/s/4OcS7_rrtk2Lwe4P0YPiGg"},
		{"a~b~c", "https://mp.weixin.qq.com/s/a_b_c"},
		{"plainToken-1", "https://mp.weixin.qq.com/s/plainToken-1"},
		{"http://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=1&idx=2&sn=x&chksm=y", "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=1&idx=2&sn=x"},
		{"", ""}, {"../../etc", ""}, {"a b", ""}, {"tok?x=1", ""}, {"https://evil.example/s/abc", ""},
	}
	for _, tt := range tests {
		got, ok := ArticleURL(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ArticleURL(%q) = %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

const grouped = `{"reviews":[
 {"createTime":1767225600,"subReviews":[
   {"review":{"reviewId":"MP_WXS_3895788938_4OcS7~rr","createTime":1767225600,"mpInfo":{"title":"头条\u0000 标题","originalId":"4OcS7~rr","pic_url":"https://mmbiz.qpic.cn/x/0","content":"摘要","time":1767225600,"readNum":5,"likeNum":1}}},
   {"review":{"reviewId":"MP_WXS_3895788938_second","mpInfo":{"title":"次条","originalId":"second","pic_url":"javascript:alert(1)","time":"1767225601"}}}
 ]},
 {"createTime":1767139200,"subReviews":[
   {"review":{"reviewId":"MP_WXS_3895788938_fromReview","mpInfo":{"title":"no originalId"}}},
   {"review":{"reviewId":"junk","mpInfo":{"title":"no link at all"}}}
 ]}
],"synckey":1}`

func TestParseGrouped(t *testing.T) {
	code, _, p, err := parseListing([]byte(grouped), testNow)
	if err != nil || code != 0 {
		t.Fatal(code, err)
	}
	if p.Entries != 2 || len(p.Articles) != 3 || p.Skipped != 1 {
		t.Fatalf("entries %d, articles %d, skipped %d", p.Entries, len(p.Articles), p.Skipped)
	}
	a := p.Articles[0]
	if a.URL != "https://mp.weixin.qq.com/s/4OcS7_rr" || a.Title != "头条 标题" || a.Digest != "摘要" || a.Cover != "https://mmbiz.qpic.cn/x/0" || a.Entry != 0 ||
		!a.Published.Equal(time.Unix(1767225600, 0)) || a.ReviewID != "MP_WXS_3895788938_4OcS7~rr" {
		t.Errorf("first article %+v", a)
	}
	if b := p.Articles[1]; b.Cover != "" || !b.Published.Equal(time.Unix(1767225601, 0)) {
		t.Errorf("second: cover %q (a javascript: URL must go), time %v", b.Cover, b.Published)
	}
	if c := p.Articles[2]; c.URL != "https://mp.weixin.qq.com/s/fromReview" || c.Entry != 1 || !c.Published.Equal(time.Unix(1767139200, 0)) {
		t.Errorf("third (link from the reviewId, time from the group): %+v", c)
	}
}

func TestParseFlat(t *testing.T) {
	flat := `{"reviews":[{"review":{"reviewId":"MP_WXS_1_a","createTime":1700000000,"mpInfo":{"title":"A","originalId":"a~1"}}},
	{"reviewId":"MP_WXS_1_b","createTime":1700000001,"mpInfo":{"title":"B","originalId":"b"}}]}`
	_, _, p, err := parseListing([]byte(flat), testNow)
	if err != nil || p.Entries != 2 || len(p.Articles) != 2 {
		t.Fatalf("%+v %v", p, err)
	}
	if p.Articles[0].URL != "https://mp.weixin.qq.com/s/a_1" || p.Articles[1].Entry != 1 || p.Articles[1].Title != "B" || p.Articles[1].Published.Unix() != 1700000001 {
		t.Errorf("%+v", p.Articles)
	}
}

func TestParseErrorsAndEnd(t *testing.T) {
	tests := []struct {
		body    string
		code    int
		entries int
		err     string
	}{
		{`{"reviews":[]}`, 0, 0, ""},
		{`{"reviews":null}`, 0, 0, ""},
		{`{"errCode":-2012,"errMsg":"登录超时"}`, -2012, 0, ""},
		{`{"errcode":"-2041","errmsg":"x"}`, -2041, 0, ""},
		{`{"errCode":0,"reviews":[{}, {"review":{"mpInfo":{"originalId":"abc"}}}]}`, 0, 2, ""},
		{`{"errCode":0,"reviews":[{}]}`, 0, 0, "no article link"}, // not the end, not a page
		{`<html>login</html>`, 0, 0, "not JSON"},
		{`{"data":1}`, 0, 0, "no reviews"},
		{`{"reviews":{"a":1}}`, 0, 0, "reviews"},
		{`{"reviews":[` + strings.Repeat(`{},`, maxEntries) + `{}]}`, 0, 0, "more than"},
	}
	for _, tt := range tests {
		code, _, p, err := parseListing([]byte(tt.body), testNow)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%.40s: err %v, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil || code != tt.code || p.Entries != tt.entries {
			t.Errorf("%.40s: code %d entries %d err %v", tt.body, code, p.Entries, err)
		}
	}
}

// testNow is "now" for the listings of these tests.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// TestHostileTimes: a listing time out of any sane range (microseconds,
// nanoseconds, year 55000, before WeChat, in the future, NaN) gives no
// publication time, and the page stays encodable; a bad mpInfo.time
// falls back to the review's createTime.
func TestHostileTimes(t *testing.T) {
	ok := time.Unix(1767225600, 0) // 2026-01-01
	tests := []struct {
		time string
		want time.Time
	}{
		{`1767225600`, ok},
		{`"1767225600"`, ok},
		{`1767225600000`, ok},                // milliseconds
		{`1767225600000000`, time.Time{}},    // microseconds: year 55 970 as seconds
		{`1767225600000000000`, time.Time{}}, // nanoseconds
		{`1e300`, time.Time{}},
		{`"1e999"`, time.Time{}},
		{`"NaN"`, time.Time{}},
		{`"-Infinity"`, time.Time{}},
		{`-1767225600`, time.Time{}},
		{`1000000000`, time.Time{}},                                   // 2001: before any official account
		{`253402300800`, time.Time{}},                                 // year 10000
		{fmt.Sprint(testNow.Add(72 * time.Hour).Unix()), time.Time{}}, // in three days
		{fmt.Sprint(testNow.Add(24 * time.Hour).Unix()), testNow.Add(24 * time.Hour)}, // tomorrow: clocks differ
	}
	for _, tt := range tests {
		body := `{"reviews":[{"review":{"reviewId":"MP_WXS_1_a","createTime":` + tt.time + `,"mpInfo":{"title":"A","originalId":"a","time":` + tt.time + `}}}]}`
		_, _, p, err := parseListing([]byte(body), testNow)
		if err != nil || len(p.Articles) != 1 {
			t.Errorf("time %s: %+v %v", tt.time, p, err)
			continue
		}
		if got := p.Articles[0].Published; !got.Equal(tt.want) {
			t.Errorf("time %s: published %v, want %v", tt.time, got, tt.want)
		}
		if _, err := json.Marshal(p); err != nil {
			t.Errorf("time %s: page not encodable: %v", tt.time, err)
		}
	}
	// A hostile mpInfo.time, a good createTime: the createTime is used.
	body := `{"reviews":[{"review":{"reviewId":"MP_WXS_1_a","createTime":1767225600,"mpInfo":{"originalId":"a","time":1767225600000000}}}]}`
	if _, _, p, err := parseListing([]byte(body), testNow); err != nil || !p.Articles[0].Published.Equal(ok) {
		t.Errorf("fallback to createTime: %+v %v", p, err)
	}
	// A hostile error code is still an error, never "no error, empty page".
	for _, c := range []string{`1e300`, `"NaN"`, `4294967296`} {
		code, _, _, err := parseListing([]byte(`{"errCode":`+c+`,"reviews":[]}`), testNow)
		if err == nil && code == 0 && c != `"NaN"` {
			t.Errorf("errCode %s read as no error", c)
		}
	}
}

func FuzzParseListing(f *testing.F) {
	f.Add([]byte(grouped))
	f.Add([]byte(`{"reviews":[{"review":{"createTime":1767225600000000,"mpInfo":{"originalId":"a","time":"NaN"}}}]}`))
	f.Add([]byte(`{"reviews":[{"review":{"mpInfo":{"originalId":"~"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, p, err := parseListing(data, testNow)
		if err != nil {
			return
		}
		for _, a := range p.Articles {
			if !strings.HasPrefix(a.URL, "https://mp.weixin.qq.com/s") || a.Entry < 0 || a.Entry >= p.Entries {
				t.Fatalf("article %+v of %d entries", a, p.Entries)
			}
			if t0 := a.Published; !t0.IsZero() && (t0.Before(FirstPublished) || t0.After(testNow.Add(48*time.Hour))) {
				t.Fatalf("published %v out of range", t0)
			}
		}
		// Whatever the listing says, the page can be written as JSON (the
		// queue holds its hints).
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("page cannot be encoded: %v", err)
		}
	})
}
