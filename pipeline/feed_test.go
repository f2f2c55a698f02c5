package pipeline

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFeedLinks(t *testing.T) {
	tests := []struct {
		name, feed string
		want       []string
	}{
		{"rss link and content", `<rss version="2.0"><channel><item><link>https://mp.weixin.qq.com/s/tok1</link>
<description>&lt;a href="https://mp.weixin.qq.com/s?__biz=QUJD&amp;amp;mid=1&amp;amp;idx=1"&gt;x&lt;/a&gt;</description></item></channel></rss>`,
			[]string{"s_tok1", "QUJD_1_1"}},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>e</title>
<link href="http://mp.weixin.qq.com/s?__biz=QUJD&amp;mid=2&amp;idx=3&amp;sn=z#rd"/><content type="html">no links</content></entry></feed>`,
			[]string{"QUJD_2_3"}},
		{"json feed", `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","url":"https:\/\/example.com\/post",
"content_html":"<a href=\"https:\/\/mp.weixin.qq.com\/s\/tok2\">x<\/a>"}]}`, []string{"s_tok2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls, err := FeedLinks([]byte(tt.feed))
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(ls); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := FeedLinks([]byte("not a feed")); err == nil {
		t.Error("garbage parsed as a feed")
	}
}

func TestFetchFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 200)))
		case "/ok":
			if r.Header.Get("User-Agent") != "ua-test" {
				http.Error(w, "no ua", http.StatusBadRequest)
				return
			}
			w.Write([]byte("<rss/>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if b, err := FetchFeed(ctx, srv.Client(), srv.URL+"/ok", "ua-test", 100); err != nil || string(b) != "<rss/>" {
		t.Errorf("ok: %q %v", b, err)
	}
	if _, err := FetchFeed(ctx, srv.Client(), srv.URL+"/big", "", 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: %v", err)
	}
	if _, err := FetchFeed(ctx, srv.Client(), srv.URL+"/missing", "", 100); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("missing: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := FetchFeed(cctx, srv.Client(), srv.URL+"/ok", "", 100); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
