package model

import (
	"errors"
	"strings"
	"testing"
)

func TestParseLink(t *testing.T) {
	const biz = "MzA3MDM3NjE5NQ=="
	canon := "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=2&sn=abc123"
	tests := []struct {
		name, in string
		kind     Kind
		key      Key
		canon    string
	}{
		{"long https", "https://mp.weixin.qq.com/s?__biz=" + biz + "&mid=2650000001&idx=2&sn=abc123&chksm=ff&scene=21#wechat_redirect",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"long http entity-escaped", "http://mp.weixin.qq.com/s?__biz=" + biz + "&amp;mid=2650000001&amp;idx=2&amp;sn=abc123#rd",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"js escaped", `https://mp.weixin.qq.com/s?__biz=` + biz + `\x26mid=2650000001\x26idx=2\x26sn=abc123`,
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"aliases", "https://mp.weixin.qq.com/mp/appmsg/show?__biz=" + biz + "&appmsgid=2650000001&itemidx=2&sign=abc123",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"no scheme, tracking", "mp.weixin.qq.com/s?__biz=" + biz + "&mid=2650000001&idx=2&sn=abc123&sharer_sharetime=1&exportkey=x&pass_ticket=y",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"no scheme, a URL in the query", "mp.weixin.qq.com/s?__biz=" + biz + "&mid=2650000001&idx=2&sn=abc123&url=https://x.example/?a=b://c",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"no scheme, port", "mp.weixin.qq.com:443/s?__biz=" + biz + "&mid=2650000001&idx=2&sn=abc123",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"no scheme, :// in the fragment", "MP.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw#from=https://x",
			KindShort, "s_KDWh_qGpFN5Vu1TR9t30Mw", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"},
		{"scheme-relative", "//mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw",
			KindShort, "s_KDWh_qGpFN5Vu1TR9t30Mw", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"},
		{"upper-case host", "https://MP.WEIXIN.QQ.COM/s?__biz=" + biz + "&mid=2650000001&idx=2&sn=abc123",
			KindArticle, "MzA3MDM3NjE5NQ_2650000001_2", canon},
		{"short", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw?scene=1#x",
			KindShort, "s_KDWh_qGpFN5Vu1TR9t30Mw", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"},
		{"album", "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=" + biz + "&action=getalbum&album_id=4180740440766726147&scene=173#wechat_redirect",
			KindAlbum, "", "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA3MDM3NjE5NQ==&action=getalbum&album_id=4180740440766726147"},
		{"sogou temporary", "http://mp.weixin.qq.com/s?src=11&timestamp=1581&ver=2&signature=abc",
			KindTemp, "", "http://mp.weixin.qq.com/s?src=11&timestamp=1581&ver=2&signature=abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLink(tt.in)
			if err != nil {
				t.Fatalf("ParseLink: %v", err)
			}
			if l.Kind != tt.kind || l.Key() != tt.key || l.Canon != tt.canon {
				t.Errorf("got kind %v key %q canon %q; want %v %q %q", l.Kind, l.Key(), l.Canon, tt.kind, tt.key, tt.canon)
			}
		})
	}
}

func TestParseLinkRejects(t *testing.T) {
	for _, in := range []string{
		"", "https://example.com/s?__biz=a&mid=1&idx=1", "ftp://mp.weixin.qq.com/s/abc",
		"https://mp.weixin.qq.com:8443/s/abc", "https://mp.weixin.qq.com/s?__biz=a&mid=1",
		"https://mp.weixin.qq.com/", "https://mp.weixin.qq.com/s/", "http://127.0.0.1/s/abc",
		"https://mp.weixin.qq.com.evil.com/s/abc", "https://user@evil.com/?x=mp.weixin.qq.com",
		"javascript:alert(1)", "%zz",
	} {
		if l, err := ParseLink(in); err == nil {
			t.Errorf("ParseLink(%q) = %+v, want error", in, l)
		}
	}
	if _, err := ParseLink("https://example.com/s/abc"); !errors.Is(err, ErrNotWeChat) {
		t.Errorf("foreign host: err = %v, want ErrNotWeChat", err)
	}
}

// TestParseLinkOddForms: odd spellings of a link are refused with an
// error that names what is wrong; none is taken for a WeChat link.
func TestParseLinkOddForms(t *testing.T) {
	for in, want := range map[string]string{
		"evil.example?u=https://mp.weixin.qq.com/s/abc":  `host "evil.example"`,
		"mp.weixin.qq.com@evil.example/s/abc":            `host "evil.example"`,
		"javascript:alert(1)//mp.weixin.qq.com/s/abc":    `scheme "javascript"`,
		"data:text/html,mp.weixin.qq.com/s/abc":          `scheme "data"`,
		"ftp://mp.weixin.qq.com/s/abc?u=https://x":       `scheme "ftp"`,
		"https:mp.weixin.qq.com/s/abc":                   "no host name",
		"https:///mp.weixin.qq.com/s/abc":                "no host name",
		"http:/mp.weixin.qq.com/s/abc":                   "malformed scheme",
		"https//mp.weixin.qq.com/s/abc":                  "malformed scheme",
		"mp.weixin.qq.com:8443/s/abc?x=https://y":        `host "mp.weixin.qq.com:8443"`,
		"mp.weixin.qq.com/s?url=https://x&__biz=a&mid=1": "without __biz, mid and idx",
	} {
		_, err := ParseLink(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLink(%q): err %v, want one naming %q", in, err, want)
		}
	}
}

func TestURLKeepsBizPadding(t *testing.T) {
	id := ID{Biz: "Mz+A/B==", Mid: "1", Idx: "2", Sn: "x"}
	want := "https://mp.weixin.qq.com/s?__biz=Mz%2BA/B==&mid=1&idx=2&sn=x"
	if got := id.URL(); got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	l, err := ParseLink(want)
	if err != nil || l.ID.Biz != id.Biz || l.Canon != want {
		t.Errorf("ParseLink(%q) = %+v, %v", want, l, err)
	}
}

func TestKeyIsPathSafe(t *testing.T) {
	id := ID{Biz: "Mz+A/B==", Mid: "1", Idx: "1"}
	if got := id.Key(); got != "Mz.A-B_1_1" {
		t.Errorf("Key = %q", got)
	}
	if (ID{Biz: "x", Mid: "1"}).Key() != "" {
		t.Error("incomplete ID must have no key")
	}
}

func TestOutcomeOf(t *testing.T) {
	for s, want := range map[State]Outcome{
		StateDeleted: OutcomeDeleted, StateViolation: OutcomeViolation, StateAccountGone: OutcomeViolation,
		StateVerify: OutcomeBlocked, StateRateLimited: OutcomeBlocked, StateExpired: OutcomeExpired,
		StateUnavailable: OutcomeUnavailable, StateParamError: OutcomeUnavailable, StateNotArticle: OutcomeUnavailable,
		StateTruncated: OutcomeFailed,
	} {
		if got := OutcomeOf(s); got != want {
			t.Errorf("OutcomeOf(%s) = %s, want %s", s, got, want)
		}
	}
}

// FuzzParseLink checks that parsing never panics and that a canonical URL
// parses back to the same article.
func FuzzParseLink(f *testing.F) {
	for _, s := range []string{
		"https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=1&idx=1&sn=x#rd",
		"https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw",
		"http://mp.weixin.qq.com/mp/appmsgalbum?__biz=a&album_id=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLink(s)
		if err != nil || l.Key() == "" {
			return
		}
		back, err := ParseLink(l.Canon)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", l.Canon, s, err)
		}
		if back.Key() != l.Key() {
			t.Fatalf("canonical %q of %q: key %q, want %q", l.Canon, s, back.Key(), l.Key())
		}
	})
}

func TestParseLinkRejectsUnsafeIDs(t *testing.T) {
	for _, in := range []string{
		"https://mp.weixin.qq.com/s?__biz=../../etc&mid=1&idx=1",
		"https://mp.weixin.qq.com/s?__biz=abc&mid=1/../x&idx=1",
		"https://mp.weixin.qq.com/s?__biz=abc&mid=1&idx=a",
		"https://mp.weixin.qq.com/s/abc%2F..%2Fx",
		"https://mp.weixin.qq.com/s/abc.def",
	} {
		if l, err := ParseLink(in); err == nil {
			t.Errorf("ParseLink(%q) = %+v, want error", in, l)
		}
	}
}
